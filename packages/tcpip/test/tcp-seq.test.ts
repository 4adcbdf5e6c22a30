import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax, seqMin } from "../src/tcp/internal/seq.js";

describe("sequence arithmetic", () => {
  it("wraps around 2^32", () => {
    expect(seqAdd(0xffffffff, 1)).toBe(0);
    expect(seqAdd(0, -1)).toBe(0xffffffff);
    expect(seqDiff(5, 0xfffffffb)).toBe(10);
    expect(seqLt(0xfffffff0, 0x10)).toBe(true);
    expect(seqGt(0x10, 0xfffffff0)).toBe(true);
    expect(seqMax(0xfffffff0, 0x10)).toBe(0x10);
    expect(seqMin(0xfffffff0, 0x10)).toBe(0xfffffff0);
  });

  it("orders numbers less than 2^31 apart consistently (property)", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }), (a, d) => {
        const b = seqAdd(a, d);
        expect(seqDiff(b, a)).toBe(d);
        expect(seqLt(a, b)).toBe(d > 0);
        expect(seqLe(a, b)).toBe(d >= 0);
        expect(seqGt(b, a)).toBe(d > 0);
        expect(seqGe(b, a)).toBe(d >= 0);
        expect(seqMax(a, b)).toBe(d >= 0 ? b : a);
      }),
    );
  });
});
