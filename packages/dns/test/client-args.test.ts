import { dnsCacheSizeArg, dnsServersArg, dnsTimeoutArg } from "@mirage-ts/dns";
import { describe, expect, it } from "vitest";

describe("the resolver's run-time arguments", () => {
  it("are named --dns-* alone and --<group>-dns-* in a group", () => {
    expect(dnsServersArg().info.names).toEqual(["dns-servers"]);
    expect(dnsServersArg({ group: "" }).info.names).toEqual(["dns-servers"]);
    expect(dnsServersArg({ group: "g" }).info.names).toEqual(["g-dns-servers"]);
    expect(dnsTimeoutArg({ group: "g" }).info.names).toEqual(["g-dns-timeout"]);
    expect(dnsCacheSizeArg({ group: "g" }).info.names).toEqual(["g-dns-cache-size"]);
  });
});
