import { completeChecksum, internetChecksum, onesComplementSum, updateChecksum } from "@mirage-ts/mirage-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** RFC 1071 done the obvious way: 16-bit words with end-around carry after each addition. */
function referenceSum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i < data.length; i += 2) {
    sum += (data[i]! << 8) | (i + 1 < data.length ? data[i + 1]! : 0);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return sum;
}

// Byte arrays placed at every alignment inside a larger buffer, to exercise the word loop's head and tail.
const placed = fc.tuple(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 0, max: 7 })).map(([data, shift]) => {
  const backing = new Uint8Array(data.length + shift + 3);
  backing.set(data, shift);
  return backing.subarray(shift, shift + data.length);
});

describe("onesComplementSum", () => {
  it("matches the reference at every size and alignment", () => {
    fc.assert(
      fc.property(placed, fc.integer({ min: 0, max: 0xffff }), (data, initial) => {
        expect(onesComplementSum(data, initial)).toBe(referenceSum(data, initial));
      }),
      { numRuns: 500 },
    );
  });

  it("handles large buffers (the 32-bit word path) at odd offsets", () => {
    for (const size of [255, 256, 257, 1500, 9000, 65535]) {
      for (let shift = 0; shift < 4; shift++) {
        const backing = new Uint8Array(size + 8);
        for (let i = 0; i < backing.length; i++) backing[i] = (i * 167 + 13) & 0xff;
        const data = backing.subarray(shift, shift + size);
        expect(onesComplementSum(data)).toBe(referenceSum(data));
        // A message carrying its checksum sums to 0xffff (regression: an aligned middle summing to a
        // multiple of 0xffff was folded to 0, so valid 4-aligned messages failed verification).
        data[0] = 0;
        data[1] = 0;
        const checksum = internetChecksum(data);
        data[0] = checksum >>> 8;
        data[1] = checksum & 0xff;
        expect(internetChecksum(data)).toBe(0);
      }
    }
  });

  it("of all-0xff data is 0xffff, and of zeros is 0", () => {
    expect(onesComplementSum(new Uint8Array(4000).fill(0xff))).toBe(0xffff);
    expect(onesComplementSum(new Uint8Array(4000))).toBe(0);
  });

  it("chains over even-length chunks", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 600 }), (a, b) => {
        const head = a.length % 2 === 0 ? a : a.subarray(1);
        const whole = new Uint8Array(head.length + b.length);
        whole.set(head);
        whole.set(b, head.length);
        expect(onesComplementSum(b, onesComplementSum(head))).toBe(onesComplementSum(whole));
      }),
    );
  });
});

describe("internetChecksum", () => {
  it("gives 0 when verifying data that carries its checksum", () => {
    fc.assert(
      fc.property(placed, (data) => {
        const withRoom = new Uint8Array(data.length + (data.length % 2) + 2);
        withRoom.set(data, 2);
        const checksum = internetChecksum(withRoom);
        withRoom[0] = checksum >>> 8;
        withRoom[1] = checksum & 0xff;
        expect(internetChecksum(withRoom)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("matches the RFC 1071 §3 example", () => {
    const data = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(onesComplementSum(data)).toBe(0xddf2);
    expect(internetChecksum(data)).toBe(0x220d);
  });
});

describe("updateChecksum", () => {
  it("equals recomputing after a word changes", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 4, maxLength: 200 }).filter((d) => d.length % 2 === 0),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffff }),
        (data, at, word) => {
          const index = (at % (data.length / 2)) * 2;
          const before = internetChecksum(data);
          const oldWord = (data[index]! << 8) | data[index + 1]!;
          const changed = data.slice();
          changed[index] = word >>> 8;
          changed[index + 1] = word & 0xff;
          const updated = updateChecksum(before, oldWord, word);
          // One's complement has two zeros: the update may give 0xffff where summing gives 0 or back.
          expect(updated % 0xffff).toBe(internetChecksum(changed) % 0xffff);
        },
      ),
    );
  });
});

// A transport segment at `start` of its frame, its checksum field (at `offset` of the segment) to hold
// a pseudo-header sum, as a device gets it with CHECKSUM_PARTIAL.
const partial = fc.record({
  segment: fc.uint8Array({ minLength: 20, maxLength: 1500 }),
  pseudo: fc.integer({ min: 0, max: 0xffff }),
  start: fc.constantFrom(0, 1, 14, 34),
  offset: fc.constantFrom(6, 16),
});

describe("completeChecksum", () => {
  it("turns a field holding the pseudo-header sum into the checksum a receiver verifies", () => {
    fc.assert(
      fc.property(partial, ({ segment, pseudo, start, offset }) => {
        const frame = new Uint8Array(start + segment.length);
        frame.set(segment, start);
        frame[start + offset] = pseudo >>> 8;
        frame[start + offset + 1] = pseudo & 0xff;
        const before = frame.slice(0, start);
        completeChecksum(frame, start, offset);
        expect(internetChecksum(frame.subarray(start), pseudo)).toBe(0);
        expect(frame.subarray(0, start)).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it("stores a zero result as 0xffff, as UDP sends it", () => {
    // The field holds 0xffff and everything else is zero: the sum is 0xffff, its complement 0.
    const frame = Uint8Array.of(0, 0, 0, 0, 0, 0, 0xff, 0xff);
    completeChecksum(frame, 0, 6);
    expect([frame[6], frame[7]]).toEqual([0xff, 0xff]);
  });
});
