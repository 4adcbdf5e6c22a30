import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hostNameservers, parseResolvConf } from "../src/index.js";

describe("resolv.conf", () => {
  it("reads nameserver lines in order, without comments or zone suffixes", () => {
    const text =
      "# generated\nsearch example.com\nnameserver 192.0.2.1 # first\n;nameserver 6.6.6.6\nnameserver fe80::1%eth0\n";
    expect(parseResolvConf(text)).toEqual(["192.0.2.1", "fe80::1"]);
  });

  it("reads a file, and gives none when it is missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "resolv-"));
    try {
      writeFileSync(join(dir, "resolv.conf"), "nameserver 127.0.0.53\n");
      expect(hostNameservers(join(dir, "resolv.conf"))).toEqual(["127.0.0.53"]);
      expect(hostNameservers(join(dir, "absent"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
