import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_SACK_BLOCKS, TcpFlags, TcpHeader, decodeTcpHeader } from "../src/tcp/segment.js";

function encoded(h: TcpHeader): Uint8Array {
  const out = new Uint8Array(h.encodedLength());
  h.encode(out);
  return out;
}

function syn(): TcpHeader {
  const h = new TcpHeader();
  h.srcPort = 40000;
  h.dstPort = 80;
  h.seq = 0xfffffff0;
  h.flags = TcpFlags.SYN;
  h.window = 65535;
  h.mss = 1460;
  h.windowScale = 7;
  h.sackPermitted = true;
  h.setTimestamp(123456, 0);
  return h;
}

describe("TCP segment codec", () => {
  it("lays out a SYN's options as Linux does and decodes them back", () => {
    const bytes = encoded(syn());
    expect(bytes.length).toBe(40);
    expect(bytes[12]).toBe(10 << 4);
    // mss | sackOK TS | nop wscale
    expect([...bytes.subarray(20, 24)]).toEqual([2, 4, 0x05, 0xb4]);
    expect([...bytes.subarray(24, 28)]).toEqual([4, 2, 8, 10]);
    expect([...bytes.subarray(36, 40)]).toEqual([1, 3, 3, 7]);
    const d = new TcpHeader();
    expect(d.decode(bytes)).toEqual({ ok: true, value: d });
    expect(d).toMatchObject({ srcPort: 40000, dstPort: 80, seq: 0xfffffff0, mss: 1460, windowScale: 7 });
    expect(d).toMatchObject({ sackPermitted: true, timestamp: { val: 123456, ecr: 0 }, headerLength: 40 });
    expect(d.has(TcpFlags.SYN)).toBe(true);
    expect(d.has(TcpFlags.ACK)).toBe(false);
  });

  it("carries SACK blocks after timestamps, three at most beside them", () => {
    const h = new TcpHeader();
    h.flags = TcpFlags.ACK;
    h.setTimestamp(0, 0);
    h.sackCount = 3;
    h.sackBlocks.set([1, 2, 3, 4, 5, 6]);
    const d = new TcpHeader();
    expect(d.decode(encoded(h)).ok).toBe(true);
    expect(d.sackCount).toBe(3);
    expect([...d.sackBlocks.subarray(0, 6)]).toEqual([1, 2, 3, 4, 5, 6]);
    h.sackCount = 4;
    expect(() => h.encode(new Uint8Array(80))).toThrow(RangeError);
  });

  it("decodes into the same header and returns the same result object every time (no allocation)", () => {
    const d = new TcpHeader();
    const first = d.decode(encoded(syn()));
    const second = d.decode(encoded(syn()));
    expect(second).toBe(first);
    expect(first.ok && first.value).toBe(d);
    // The allocating form gives a fresh header each time.
    const a = decodeTcpHeader(encoded(syn()));
    const b = decodeTcpHeader(encoded(syn()));
    expect(a.ok && b.ok && a.value !== b.value && a.value.mss === 1460).toBe(true);
  });

  it("keeps its timestamps to itself: setting them copies the numbers", () => {
    const rx = new TcpHeader();
    rx.decode(encoded(syn()));
    const tx = new TcpHeader();
    tx.setTimestamp(rx.timestamp!.val, rx.timestamp!.ecr);
    rx.decode(encoded(new TcpHeader()));
    expect(rx.timestamp).toBeUndefined();
    expect(tx.timestamp).toEqual({ val: 123456, ecr: 0 });
  });

  it("stops at end-of-options and skips unknown options", () => {
    const bytes = new Uint8Array(32);
    bytes[12] = 8 << 4;
    bytes.set([30, 4, 9, 9, 2, 4, 1, 0, 0, 3, 3, 9], 20); // unknown kind 30, MSS 256, EOL, then garbage
    const d = new TcpHeader();
    expect(d.decode(bytes).ok).toBe(true);
    expect(d.mss).toBe(256);
    expect(d.windowScale).toBeUndefined();
  });

  it("resets absent options on every decode", () => {
    const d = new TcpHeader();
    d.decode(encoded(syn()));
    const plain = new TcpHeader();
    plain.flags = TcpFlags.ACK;
    d.decode(encoded(plain));
    expect(d).toMatchObject({ mss: undefined, windowScale: undefined, sackPermitted: false, sackCount: 0 });
    expect(d.timestamp).toBeUndefined();
  });

  const header = fc.record({
    srcPort: fc.integer({ min: 0, max: 65535 }),
    dstPort: fc.integer({ min: 0, max: 65535 }),
    seq: fc.nat({ max: 0xffffffff }),
    ack: fc.nat({ max: 0xffffffff }),
    flags: fc.integer({ min: 0, max: 255 }),
    window: fc.integer({ min: 0, max: 65535 }),
    urgent: fc.integer({ min: 0, max: 65535 }),
    mss: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
    windowScale: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
    sackPermitted: fc.boolean(),
    ts: fc.option(fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }))),
    sack: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 2 * MAX_SACK_BLOCKS }),
  });

  it("decodes whatever it encodes (property)", () => {
    fc.assert(
      fc.property(header, (f) => {
        const h = new TcpHeader();
        Object.assign(h, { srcPort: f.srcPort, dstPort: f.dstPort, seq: f.seq, ack: f.ack, flags: f.flags });
        Object.assign(h, { window: f.window, urgent: f.urgent, mss: f.mss, windowScale: f.windowScale });
        h.sackPermitted = f.sackPermitted;
        if (f.ts !== null) h.setTimestamp(...f.ts);
        h.sackCount = Math.min(f.sack.length >> 1, h.timestamp !== undefined ? 3 : 4);
        if (h.encodedLength() > 60) h.sackCount = 0;
        h.sackBlocks.set(f.sack.slice(0, 2 * h.sackCount));
        const bytes = encoded(h);
        const d = new TcpHeader();
        expect(d.decode(bytes).ok).toBe(true);
        for (const key of ["srcPort", "dstPort", "seq", "ack", "flags", "window", "urgent", "mss"] as const) {
          expect(d[key]).toBe(h[key]);
        }
        expect(d.windowScale).toBe(h.windowScale);
        expect(d.sackPermitted).toBe(h.sackPermitted);
        expect(d.timestamp).toEqual(h.timestamp);
        expect([...d.sackBlocks.subarray(0, 2 * d.sackCount)]).toEqual([...h.sackBlocks.subarray(0, 2 * h.sackCount)]);
      }),
      { numRuns: 2000 },
    );
  });
});
