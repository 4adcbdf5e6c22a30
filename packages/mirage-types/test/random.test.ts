import { checkGenerateInto } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";

describe("checkGenerateInto", () => {
  it("accepts a range within the buffer, the empty one at its end included", () => {
    expect(() => checkGenerateInto(new Uint8Array(8), 0, 8)).not.toThrow();
    expect(() => checkGenerateInto(new Uint8Array(8), 8, 0)).not.toThrow();
  });

  it("names the argument at fault", () => {
    const buffer = new Uint8Array(8);
    expect(() => checkGenerateInto(buffer, -1, 2)).toThrow(
      "generateInto: offset must be a non-negative integer, got -1",
    );
    expect(() => checkGenerateInto(buffer, 0, 1.5)).toThrow("generateInto: length must be a non-negative integer");
    expect(() => checkGenerateInto(buffer, 0, Number.NaN)).toThrow(RangeError);
    expect(() => checkGenerateInto(buffer, 4, 5)).toThrow(
      "generateInto: offset 4 + length 5 exceeds the buffer's 8 bytes",
    );
  });
});
