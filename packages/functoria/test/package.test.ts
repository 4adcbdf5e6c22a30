import { describe, expect, it } from "vitest";
import { packageName } from "@mirage-ts/functoria";

describe("package entry", () => {
  it("names itself", () => {
    expect(packageName).toBe("@mirage-ts/functoria");
  });
});
