import { describe, expect, it } from "vitest";
import { packageName } from "@mirage-ts/tcpip";

describe("package entry", () => {
  it("names itself", () => {
    expect(packageName).toBe("@mirage-ts/tcpip");
  });
});
