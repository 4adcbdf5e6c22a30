import { Ipv4Addr } from "@mirage-ts/mirage-types";
import { type Ipv4Header, Reassembler, decodeIpv4Packet, fragmentRanges, internetChecksum } from "@mirage-ts/tcpip";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytes, expectBytes, ipv4Header } from "./helpers/frames.js";

const SRC = Ipv4Addr.parse("192.168.1.1");
const DST = Ipv4Addr.parse("192.168.1.2");

interface Piece {
  readonly header: Ipv4Header;
  readonly payload: Uint8Array;
}

/** Splits `payload` into fragments of `size` bytes (a multiple of 8) of datagram `id`. */
function fragments(payload: Uint8Array, size: number, id = 1, options = new Uint8Array(0)): Piece[] {
  const out: Piece[] = [];
  for (let offset = 0; offset < payload.length; offset += size) {
    const end = Math.min(offset + size, payload.length);
    out.push({
      header: ipv4Header(SRC, DST, 17, { id, fragmentOffset: offset, moreFragments: end < payload.length, options }),
      payload: payload.subarray(offset, end),
    });
  }
  return out;
}

function piece(offset: number, length: number, more: boolean, id = 1, data = bytes(length, offset)): Piece {
  return { header: ipv4Header(SRC, DST, 17, { id, fragmentOffset: offset, moreFragments: more }), payload: data };
}

function feed(r: Reassembler, pieces: readonly Piece[], now = 0): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of pieces) {
    const done = r.input(p.header, p.payload, now);
    if (done !== undefined) out.push(done);
  }
  return out;
}

function payloadOf(datagram: Uint8Array): Uint8Array {
  const decoded = decodeIpv4Packet(datagram);
  if (!decoded.ok) throw new Error(decoded.error.message);
  return decoded.value.payload;
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe("reassembly", () => {
  it("reassembles in order into a valid datagram with the first fragment's header", () => {
    const data = bytes(3000);
    const options = Uint8Array.of(1, 1, 1, 0);
    const r = new Reassembler();
    const [datagram] = feed(r, fragments(data, 1480, 9, options));
    expect(datagram).toBeDefined();
    expect(internetChecksum(datagram!.subarray(0, 24))).toBe(0);
    const decoded = decodeIpv4Packet(datagram!);
    expect(decoded.ok && decoded.value.header.moreFragments).toBe(false);
    expect(decoded.ok && decoded.value.header.id).toBe(9);
    expect(decoded.ok && [...decoded.value.header.options]).toEqual([1, 1, 1, 0]);
    expectBytes(payloadOf(datagram!), data);
    expect(r.stats()).toMatchObject({ reassembled: 1, datagrams: 0, bufferedBytes: 0 });
  });

  it("reassembles every order of 3, 4 and 5 fragments", () => {
    for (const count of [3, 4, 5]) {
      const data = bytes(count * 16 - 5, count);
      for (const order of permutations(fragments(data, 16))) {
        const r = new Reassembler();
        const done = feed(r, order);
        expect(done).toHaveLength(1);
        expectBytes(payloadOf(done[0]!), data);
      }
    }
  });

  it("reassembles random orders with duplicates of random sizes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 1, max: 100 }).map((n) => n * 8),
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        (length, size, shuffle) => {
          const data = bytes(length, size);
          const pieces = fragments(data, size);
          if (pieces.length === 1) return;
          const order = [...pieces, ...shuffle.slice(0, 5).map((n) => pieces[n % pieces.length]!)];
          for (let i = order.length - 1; i > 0; i--) {
            const j = shuffle[i % shuffle.length]! % (i + 1);
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          const r = new Reassembler({ maxFragments: 1000 });
          const done = feed(r, order);
          // Duplicates arriving after completion may complete a second copy, as on any host.
          expect(done.length).toBeGreaterThanOrEqual(1);
          for (const datagram of done) expectBytes(payloadOf(datagram), data);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("ignores exact duplicates", () => {
    const r = new Reassembler();
    const [a, b] = fragments(bytes(40), 24);
    expect(feed(r, [a!, a!, a!])).toEqual([]);
    expect(feed(r, [b!])).toHaveLength(1);
    expect(r.stats().duplicates).toBe(2);
  });

  it("discards a datagram with overlapping fragments, and its later fragments", () => {
    const cases: Piece[][] = [
      [piece(0, 16, true), piece(8, 16, true), piece(24, 8, false)], // partial overlap
      [piece(0, 32, true), piece(8, 8, true), piece(32, 8, false)], // contained
      [piece(8, 8, true), piece(0, 24, true), piece(24, 8, false)], // containing
      [piece(16, 8, false), piece(16, 16, false), piece(0, 16, true)], // two different ends
      [piece(0, 16, true), piece(32, 8, true), piece(24, 8, false)], // data beyond the end
    ];
    for (const order of cases) {
      const r = new Reassembler();
      expect(feed(r, order)).toEqual([]);
      expect(r.stats()).toMatchObject({ overlaps: 1, bufferedBytes: 0 });
      const dropped = r.stats().dropped;
      expect(feed(r, [piece(16, 8, true)])).toEqual([]);
      expect(r.stats().dropped).toBe(dropped + 1);
      // The poisoned datagram goes away at its timeout, freeing the key for a new one.
      r.expire(10_000);
      expect(feed(r, [piece(0, 8, true), piece(8, 8, false)], 10_000)).toHaveLength(1);
    }
  });

  it("drops an incomplete datagram when its timeout passes from the first fragment", () => {
    const r = new Reassembler({ timeoutMs: 10_000 });
    expect(feed(r, [piece(0, 8, true)], 0)).toEqual([]);
    expect(r.nextExpiry()).toBe(10_000);
    expect(feed(r, [piece(16, 8, false)], 9_999)).toEqual([]);
    expect(r.expire(10_000)).toBe(1);
    expect(r.stats()).toMatchObject({ timeouts: 1, datagrams: 0, bufferedBytes: 0 });
    // The missing middle alone cannot complete a datagram that was dropped.
    expect(feed(r, [piece(8, 8, true)], 10_001)).toEqual([]);
  });

  it("keeps datagrams of different flows apart", () => {
    const r = new Reassembler();
    const a = fragments(bytes(100, 1), 32, 1);
    const b = fragments(bytes(100, 2), 32, 2);
    const interleaved = a.flatMap((p, i) => [p, b[i]!]);
    const done = feed(r, interleaved);
    expect(done.map(payloadOf)).toEqual([bytes(100, 1), bytes(100, 2)]);
  });

  it("refuses fragments that are empty or not a multiple of 8 when more follow", () => {
    const r = new Reassembler();
    feed(r, [piece(0, 7, true), piece(0, 0, true)]);
    expect(r.stats()).toMatchObject({ invalid: 2, datagrams: 0 });
  });

  it("bounds the datagrams in progress, evicting the oldest", () => {
    const r = new Reassembler({ maxDatagrams: 3 });
    for (let id = 1; id <= 10; id++) feed(r, [piece(0, 8, true, id)]);
    expect(r.stats()).toMatchObject({ datagrams: 3, evicted: 7 });
    expect(feed(r, [piece(8, 8, false, 10)])).toHaveLength(1);
    expect(feed(r, [piece(8, 8, false, 1)])).toEqual([]);
  });

  it("bounds fragments per datagram", () => {
    const r = new Reassembler({ maxFragments: 4 });
    expect(feed(r, fragments(bytes(80), 16))).toEqual([]);
    expect(r.stats()).toMatchObject({ oversized: 1, bufferedBytes: 0 });
  });

  it("bounds buffered bytes, evicting older datagrams and refusing what cannot fit", () => {
    const r = new Reassembler({ maxBytes: 1000 });
    for (let id = 1; id <= 5; id++) feed(r, [piece(0, 400, true, id)]);
    expect(r.stats().bufferedBytes).toBeLessThanOrEqual(1000);
    expect(r.stats().evicted).toBe(3);
    feed(r, [piece(0, 1008, true, 99)]);
    expect(r.stats().bufferedBytes).toBeLessThanOrEqual(1000);
  });

  it("refuses datagrams beyond 65535 bytes", () => {
    const r = new Reassembler();
    expect(feed(r, [piece(0, 8, true), piece(65512, 8, false)])).toEqual([]);
    expect(r.stats().oversized).toBe(1);
    // A 20-byte header plus 65512 + 8 payload bytes would be 65540 > 65535.
    const withOptions = new Reassembler();
    const options = new Uint8Array(40);
    const last = { header: ipv4Header(SRC, DST, 17, { id: 3, fragmentOffset: 65488, options }), payload: bytes(8) };
    const first = {
      header: ipv4Header(SRC, DST, 17, { id: 3, moreFragments: true, options }),
      payload: new Uint8Array(65488),
    };
    expect(feed(withOptions, [first, last])).toEqual([]);
    expect(withOptions.stats()).toMatchObject({ oversized: 1, bufferedBytes: 0 });
  });

  it("random fragment streams never exceed the bounds", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 7 }),
            fc.integer({ min: 0, max: 0x1fff }),
            fc.integer({ min: 0, max: 200 }),
            fc.boolean(),
            fc.integer({ min: 0, max: 100 }),
          ),
          { maxLength: 300 },
        ),
        (stream) => {
          const r = new Reassembler({ maxDatagrams: 4, maxFragments: 6, maxBytes: 2000, timeoutMs: 50 });
          let now = 0;
          for (const [id, offset, length, more, dt] of stream) {
            now += dt;
            r.input(
              ipv4Header(SRC, DST, 17, { id, fragmentOffset: offset * 8, moreFragments: more }),
              new Uint8Array(length),
              now,
            );
            const s = r.stats();
            expect(s.datagrams).toBeLessThanOrEqual(4);
            expect(s.bufferedBytes).toBeLessThanOrEqual(2000);
            expect(s.bufferedBytes).toBeGreaterThanOrEqual(0);
          }
          r.expire(now + 50);
          expect(r.stats()).toMatchObject({ datagrams: 0, bufferedBytes: 0 });
        },
      ),
    );
  });
});

describe("fragmentation", () => {
  it("splits payloads into 8-byte aligned pieces that fit the MTU and cover the payload", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65515 }), fc.integer({ min: 68, max: 9000 }), (length, mtu) => {
        const ranges = fragmentRanges(length, 20, mtu);
        const limit = Math.min(20 + length, mtu);
        let next = 0;
        for (const [i, r] of ranges.entries()) {
          const ok =
            r.offset === next && r.offset % 8 === 0 && 20 + r.length <= limit && r.more === i < ranges.length - 1;
          if (!ok) expect.fail(`bad fragment ${i} ${JSON.stringify(r)} of ${length} bytes at MTU ${mtu}`);
          next += r.length;
        }
        expect(next).toBe(length);
      }),
    );
    expect(() => fragmentRanges(100, 20, 27)).toThrow(RangeError);
  });
});
