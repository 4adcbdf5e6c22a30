// A test's host loading a module that is not a `-t sim` bundle (one built for unix, the wrong file) fails
// saying how to build the right one.

import { describe, expect, it } from "vitest";
import { type HostedDevices, startBundle } from "../src/index.js";

describe("startBundle", () => {
  it("names the host and the build to make when the module does not take the handover", async () => {
    const host = { name: "echo1", boots: 1 } as unknown as HostedDevices & { readonly boots: number };
    await expect(
      startBundle(
        host,
        async () => ({}),
        [],
        () => {},
      ),
    ).rejects.toThrow(
      "host echo1: the module loaded is not a bundle of the sim target: build it with mirage configure -t sim " +
        "and mirage build, and load dist/<name>.app.mjs",
    );
  });
});
