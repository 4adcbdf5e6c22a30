import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReceiveBuffer } from "../src/tcp/internal/receive-buffer.js";
import { SackScoreboard } from "../src/tcp/internal/sack-scoreboard.js";
import { SendBuffer } from "../src/tcp/internal/send-buffer.js";
import { seqAdd } from "../src/tcp/internal/seq.js";

const bytes = (n: number, from = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
const join = (parts: Uint8Array[]): number[] => parts.flatMap((p) => [...p]);

describe("SendBuffer", () => {
  it("allocates lazily, accepts up to its capacity and hands out views across the wrap", () => {
    const b = new SendBuffer(10_000);
    expect(b.allocated).toBe(0);
    expect(b.append(bytes(6000))).toBe(6000);
    expect(b.append(bytes(6000, 6000))).toBe(4000);
    expect(b.free).toBe(0);
    b.consume(5000);
    expect(b.append(bytes(3000, 10_000))).toBe(3000);
    const views: Uint8Array[] = [];
    expect(b.views(4000, 3000, views)).toBe(2);
    expect(join(views)).toEqual([...bytes(3000, 9000)]);
    b.release();
    expect([b.length, b.allocated]).toEqual([0, 0]);
  });

  it("keeps the byte stream whatever the interleaving of appends and consumes (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 5000 }), fc.nat({ max: 5000 })), { maxLength: 40 }), (ops) => {
        const b = new SendBuffer(8192);
        let written = 0;
        let consumed = 0;
        for (const [add, drop] of ops) {
          written += b.append(bytes(add, written));
          const n = Math.min(drop, b.length);
          if (b.length > 0) {
            const views: Uint8Array[] = [];
            b.views(0, b.length, views);
            expect(join(views)).toEqual([...bytes(b.length, consumed)]);
          }
          b.consume(n);
          consumed += n;
          expect(b.length).toBe(written - consumed);
          expect(b.allocated).toBeLessThanOrEqual(8192);
        }
      }),
    );
  });
});

describe("ReceiveBuffer", () => {
  it("reassembles out-of-order and overlapping segments and reports SACK blocks by recency", () => {
    const r = new ReceiveBuffer(65536, 8);
    r.reset(1000);
    expect(r.write(3000, bytes(1000, 2000))).toBe(0);
    expect(r.write(5000, bytes(500, 4000))).toBe(0);
    const out = new Uint32Array(8);
    expect(r.sackBlocks(out, 4)).toBe(2);
    expect([...out.subarray(0, 4)]).toEqual([5000, 5500, 3000, 4000]);
    expect(r.outOfOrderBytes).toBe(1500);
    expect(r.write(900, bytes(1600, -100))).toBe(1500); // the 100 old bytes are trimmed
    expect(r.write(2500, bytes(1000, 1500))).toBe(1500);
    expect(r.nxt).toBe(4000);
    expect([...r.read()]).toEqual([...bytes(3000, 0)]);
    expect(r.readable).toBe(0);
    expect(r.outOfOrderBytes).toBe(500);
  });

  it("never stores beyond its space and bounds the number of ranges", () => {
    const r = new ReceiveBuffer(1000, 2);
    r.reset(0);
    expect(r.write(900, bytes(500))).toBe(0);
    expect(r.outOfOrderBytes).toBe(100);
    expect(r.write(100, bytes(10))).toBe(0);
    expect(r.write(300, bytes(10))).toBe(0); // a third range is refused
    expect(r.outOfOrderBytes).toBe(110);
    expect(r.write(5000, bytes(10))).toBe(0);
    expect(r.allocated).toBeLessThanOrEqual(1000);
  });

  it("delivers exactly the stream from any arrival order, duplicates and overlaps (property)", () => {
    const total = 4000;
    const segment = fc.tuple(fc.nat({ max: total - 1 }), fc.integer({ min: 1, max: 700 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 60 }), fc.nat({ max: 0xffffffff }), (segs, isn) => {
        const r = new ReceiveBuffer(3000, 6);
        r.reset(isn);
        const got: number[] = [];
        const deliver = (start: number, len: number): void => {
          const end = Math.min(total, start + len);
          r.write(seqAdd(isn, start), bytes(end - start, start));
          expect(r.readable + r.outOfOrderBytes).toBeLessThanOrEqual(3000);
          if (got.length % 3 === 0) got.push(...r.read());
        };
        for (const [start, len] of segs) deliver(start, len);
        // Then everything in order, as retransmissions would.
        for (let s = 0; s < total; s += 500) {
          deliver(s, 500);
          got.push(...r.read());
        }
        got.push(...r.read());
        expect(got).toEqual([...bytes(total)]);
      }),
    );
  });
});

describe("ReceiveBuffer with owned payloads (FrameFlags.owned)", () => {
  it("hands large owned payloads over uncopied, behind the ring's bytes, and copies the rest", () => {
    const r = new ReceiveBuffer(65536, 8);
    r.reset(0);
    const small = bytes(1000);
    expect(r.write(0, small, true)).toBe(1000); // too small to keep: copied into the ring
    const big = bytes(8000, 1000);
    expect(r.write(1000, big, true)).toBe(8000);
    const lent = bytes(8000, 9000);
    expect(r.write(9000, lent)).toBe(8000); // not owned: copied
    const inLargeBuffer = new Uint8Array(20_000).subarray(0, 6000); // a third of its buffer: copied
    inLargeBuffer.set(bytes(6000, 17_000));
    expect(r.write(17_000, inLargeBuffer, true)).toBe(6000);
    expect(r.readable).toBe(23_000);
    expect(r.space).toBe(65536 - 23_000);
    const first = r.read();
    expect([...first]).toEqual([...bytes(1000)]); // the ring's bytes, copied out before `big` was kept
    expect(first.buffer).not.toBe(small.buffer);
    const second = r.read(5000);
    expect(second.buffer).toBe(big.buffer); // the payload itself, no copy
    expect([...second]).toEqual([...bytes(5000, 1000)]);
    expect([...r.read()]).toEqual([...bytes(3000, 6000)]);
    const rest = r.read();
    expect(rest.buffer).not.toBe(lent.buffer);
    expect([...rest]).toEqual([...bytes(14_000, 9000)]);
    expect(r.readable).toBe(0);
  });

  it("copies an owned payload that fills a hole, and drops kept payloads when reads are shut", () => {
    const r = new ReceiveBuffer(65536, 8);
    r.reset(0);
    expect(r.write(5000, bytes(5000, 5000), true)).toBe(0); // out of order: into the ring
    const hole = bytes(5000);
    expect(r.write(0, hole, true)).toBe(10_000);
    const read = r.read();
    expect(read.buffer).not.toBe(hole.buffer);
    expect([...read]).toEqual([...bytes(10_000)]);
    expect(r.write(10_000, bytes(5000, 10_000), true)).toBe(5000);
    r.discardReadable();
    expect([r.readable, r.space]).toEqual([0, 65536]);
    expect(r.write(15_000, bytes(5000, 15_000), true)).toBe(5000);
    expect([...r.read()]).toEqual([...bytes(5000, 15_000)]);
  });

  it("delivers exactly the stream, in arrays nobody writes later, mixed with owned payloads (property)", () => {
    const total = 100_000;
    // Bytes that differ across 256-byte shifts too, made fast (the property makes thousands of them).
    const stream = (n: number, from: number): Uint8Array => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const k = from + i;
        out[i] = (k ^ (k >>> 8) ^ (k >>> 16)) & 0xff;
      }
      return out;
    };
    const segment = fc.tuple(fc.nat({ max: total - 1 }), fc.integer({ min: 1, max: 12_000 }), fc.boolean());
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 40 }), fc.nat({ max: 0xffffffff }), fc.nat(), (segs, isn, seed) => {
        const r = new ReceiveBuffer(48_000, 6);
        r.reset(isn);
        // The chunks themselves, not copies: a buffer that kept writing into one would show at the end.
        const got: Uint8Array[] = [];
        let step = seed;
        const deliver = (start: number, len: number, owned: boolean): void => {
          const end = Math.min(total, start + len);
          r.write(seqAdd(isn, start), stream(end - start, start), owned);
          expect(r.readable + r.outOfOrderBytes).toBeLessThanOrEqual(48_000);
          step = (Math.imul(step, 1103515245) + 12345) >>> 0;
          if (step % 3 === 0) got.push(r.read(1 + (step % 70_000)));
        };
        for (const [start, len, owned] of segs) deliver(start, len, owned);
        for (let s = 0; s < total; s += 10_000) {
          deliver(s, 10_000, (s / 10_000) % 2 === 0);
          while (r.readable > 0) got.push(r.read());
        }
        const all = new Uint8Array(got.reduce((n, c) => n + c.length, 0));
        let at = 0;
        for (const chunk of got) {
          all.set(chunk, at);
          at += chunk.length;
        }
        expect(all.length).toBe(total);
        expect(all.every((b, i) => b === ((i ^ (i >>> 8) ^ (i >>> 16)) & 0xff))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe("SackScoreboard", () => {
  it("merges blocks, ignores invalid ones, and follows the cumulative ACK", () => {
    const s = new SackScoreboard(4);
    expect(s.add(2000, 3000, 1000, 10_000)).toBe(1000);
    expect(s.add(2500, 4000, 1000, 10_000)).toBe(1000);
    expect(s.add(500, 900, 1000, 10_000)).toBe(0); // below SND.UNA (a D-SACK)
    expect(s.add(9000, 11_000, 1000, 10_000)).toBe(0); // beyond SND.NXT
    expect(s.add(5000, 5000, 1000, 10_000)).toBe(0); // empty
    expect(s.add(6000, 7000, 1000, 10_000)).toBe(1000);
    expect(s.sackedBytes).toBe(3000);
    expect(s.nextUnsacked(2000)).toBe(4000);
    expect(s.nextSackedStart(4000, 10_000)).toBe(6000);
    expect(s.unsackedBetween(1000, 8000)).toBe(4000);
    s.advance(2500);
    expect(s.sackedBytes).toBe(2500);
    expect(s.highestSacked(0)).toBe(7000);
  });

  it("marks loss per RFC 6675 IsLost: DupThresh ranges or more than 2 MSS SACKed above", () => {
    const s = new SackScoreboard(8);
    s.add(2000, 3000, 1000, 20_000);
    expect(s.lossBoundary(1000, 3, 1000)).toBe(1000);
    s.add(4000, 5000, 1000, 20_000);
    expect(s.lossBoundary(1000, 3, 1000)).toBe(1000);
    s.add(6000, 6500, 1000, 20_000);
    expect(s.lossBoundary(1000, 3, 1000)).toBe(2000); // three ranges above the first hole
    s.add(10_000, 12_001, 1000, 20_000);
    expect(s.lossBoundary(1000, 3, 1000)).toBe(10_000); // 2001 bytes above 6500..10000
  });

  it("caps the ranges it holds, whatever a receiver sends (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 100_000 }), fc.nat({ max: 3000 })), { maxLength: 200 }), (blocks) => {
        const s = new SackScoreboard(16);
        const model = new Set<number>();
        for (const [left, len] of blocks) {
          const added = s.add(left, left + len, 0, 100_000);
          let fresh = 0;
          if (left > 0 && len > 0 && left + len <= 100_000 && added > 0) {
            for (let x = left; x < left + len; x++)
              if (!model.has(x)) {
                model.add(x);
                fresh++;
              }
            expect(added).toBe(fresh);
          }
          expect(s.rangeCount).toBeLessThanOrEqual(16);
          expect(s.sackedBytes).toBe(model.size);
        }
      }),
      { numRuns: 200 },
    );
  });
});
