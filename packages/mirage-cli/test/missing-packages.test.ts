// A build whose type-check cannot find a package (configure printed the command adding it, and it was not
// run) says to install it, not to fix the code or the device graph.

import { describe, expect, it } from "vitest";
import { missingPackages, missingPackagesMessage } from "../src/internal/missing-packages.js";

describe("missing packages in a type-check report", () => {
  it("names each package once, scoped or not, plain or coloured, and ignores relative modules", () => {
    const report = [
      "mirage/main.ts:4:129: error TS2307: Cannot find module '@mirage-ts/mirage-sim' or its corresponding type.",
      "mirage/main.ts:5:1: \u001b[91merror\u001b[0m\u001b[90m TS2307: \u001b[0mCannot find module 'x'",
      "mirage/main.ts:5:1: error TS2307: Cannot find module 'hono/jsx' or its corresponding type declarations.",
      "mirage/main.ts:6:1: error TS2307: Cannot find module '@mirage-ts/mirage-sim/extra' or its types.",
      "mirage/main.ts:7:1: error TS2307: Cannot find module '../unikernel.js' or its corresponding types.",
      "mirage/main.ts:100:51: error TS7006: Parameter 'code' implicitly has an 'any' type.",
    ].join("\n");
    expect(missingPackages(report)).toEqual(["@mirage-ts/mirage-sim", "x", "hono"]);
    expect(missingPackages("mirage/main.ts:1:1: error TS2322: Type 'string' is not assignable")).toEqual([]);
  });

  it("says to install them", () => {
    expect(missingPackagesMessage(["@mirage-ts/mirage-browser"])).toBe(
      "the unikernel's dependencies are not installed: @mirage-ts/mirage-browser cannot be found; add them to " +
        "package.json and install them (mirage configure prints the command), then build again",
    );
  });
});
