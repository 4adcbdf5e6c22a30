import { SeededRandom } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";

describe("SeededRandom", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    expect(new SeededRandom(42).generate(32)).toEqual(new SeededRandom(42).generate(32));
    expect(new SeededRandom(42).generate(32)).not.toEqual(new SeededRandom(43).generate(32));
  });

  it("fills partial ranges only", () => {
    const buf = new Uint8Array(10);
    new SeededRandom(1).generateInto(buf, 3, 5);
    expect([...buf.subarray(0, 3), ...buf.subarray(8)]).toEqual([0, 0, 0, 0, 0]);
    expect(() => new SeededRandom(1).generateInto(buf, 8, 5)).toThrow(RangeError);
  });

  it("nextInt stays in range and covers it roughly uniformly", () => {
    const rng = new SeededRandom(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) counts[rng.nextInt(10)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(() => rng.nextInt(0)).toThrow(RangeError);
  });

  it("produces bytes that are not all equal (the state never collapses)", () => {
    const bytes = new SeededRandom(0).generate(4096);
    expect(new Set(bytes).size).toBeGreaterThan(200);
  });
});
