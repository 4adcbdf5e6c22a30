import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../src/index.js";

describe("concatBytes", () => {
  it("joins chunks in order into one fresh array", () => {
    const a = Uint8Array.of(1, 2);
    const joined = concatBytes([a, new Uint8Array(0), Uint8Array.of(3)]);
    expect([...joined]).toEqual([1, 2, 3]);
    joined[0] = 9;
    expect(a[0]).toBe(1);
    expect(concatBytes([])).toEqual(new Uint8Array(0));
  });

  it("keeps every byte of any chunks", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array()), (chunks) => {
        expect([...concatBytes(chunks)]).toEqual(chunks.flatMap((chunk) => [...chunk]));
      }),
    );
  });
});
