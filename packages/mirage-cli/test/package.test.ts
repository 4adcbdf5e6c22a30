import { describe, expect, it } from "vitest";
import { packageName } from "@mirage-ts/mirage-cli";

describe("package entry", () => {
  it("names itself", () => {
    expect(packageName).toBe("@mirage-ts/mirage-cli");
  });
});
