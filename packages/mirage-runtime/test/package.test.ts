import { describe, expect, it } from "vitest";
import { packageName } from "@mirage-ts/mirage-runtime";

describe("package entry", () => {
  it("names itself", () => {
    expect(packageName).toBe("@mirage-ts/mirage-runtime");
  });
});
