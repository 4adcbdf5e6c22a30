import {
  RuntimeArgs,
  acceptRouterAdvertisementsArg,
  argumentError,
  interfaceArg,
  ipv4Arg,
  ipv4GatewayArg,
  ipv4OnlyArg,
  ipv6Arg,
  ipv6GatewayArg,
  ipv6OnlyArg,
} from "@mirage-ts/mirage-runtime";
import type { Ipv4Addr, Ipv4Prefix, Ipv6Addr, Ipv6Prefix } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { parseArg, runArgv } from "./capture.js";

const parse = parseArg;

describe("network run-time arguments", () => {
  it("--interface defaults and overrides, with a group prefix", () => {
    expect(parse(interfaceArg("tap0"), []).value).toBe("tap0");
    expect(parse(interfaceArg("tap0"), ["--interface=udp:5000,5001"]).value).toBe("udp:5000,5001");
    expect(parse(interfaceArg("tap0", { group: "data" }), ["--data-interface", "tap:tap3"]).value).toBe("tap:tap3");
  });

  it("--ipv4 parses a prefix that keeps its host address", () => {
    const value = parse<Ipv4Prefix>(ipv4Arg("10.0.0.2/24"), ["--ipv4=192.168.1.7/16"]).value!;
    expect(value.toString()).toBe("192.168.1.7/16");
    expect(parse<Ipv4Prefix>(ipv4Arg("10.0.0.2/24"), []).value!.toString()).toBe("10.0.0.2/24");
  });

  it("--ipv4 rejects a bad prefix with exit 64 and names the value", () => {
    const r = parse(ipv4Arg("10.0.0.2/24"), ["--ipv4=10.0.0.300/24"]);
    expect(r.code).toBe(argumentError);
    expect(r.err).toContain("10.0.0.300/24");
    expect(r.err).toContain("an IPv4 prefix like 10.0.0.2/24");
  });

  it("--ipv4-gateway is absent by default, or takes its default", () => {
    expect(parse(ipv4GatewayArg(undefined), []).value).toBeUndefined();
    expect(parse<Ipv4Addr>(ipv4GatewayArg(undefined), ["--ipv4-gateway=10.0.0.1"]).value!.toString()).toBe("10.0.0.1");
    expect(parse<Ipv4Addr>(ipv4GatewayArg("10.0.0.254", { group: "g" }), []).value!.toString()).toBe("10.0.0.254");
    expect(parse(ipv4GatewayArg(undefined), ["--ipv4-gateway=nope"]).code).toBe(argumentError);
  });

  it("--ipv6 and --ipv6-gateway are absent by default and parse IPv6 text", () => {
    expect(parse(ipv6Arg(undefined), []).value).toBeUndefined();
    expect(parse<Ipv6Prefix>(ipv6Arg(undefined), ["--ipv6=2001:db8::2/64"]).value!.toString()).toBe("2001:db8::2/64");
    expect(parse<Ipv6Addr>(ipv6GatewayArg(undefined), ["--ipv6-gateway=fe80::1"]).value!.toString()).toBe("fe80::1");
    const bad = parse(ipv6Arg(undefined), ["--ipv6=10.0.0.1/24"]);
    expect(bad.code).toBe(argumentError);
    expect(bad.err).toContain("an IPv6 prefix like 2001:db8::2/64");
  });

  it("--accept-router-advertisements, --ipv4-only and --ipv6-only are booleans with Mirage's defaults", () => {
    expect(parse(acceptRouterAdvertisementsArg(), []).value).toBe(true);
    expect(parse(acceptRouterAdvertisementsArg(), ["--accept-router-advertisements=false"]).value).toBe(false);
    expect(parse(ipv4OnlyArg(), []).value).toBe(false);
    expect(parse(ipv6OnlyArg(false, { group: "g" }), ["--g-ipv6-only=true"]).value).toBe(true);
    expect(parse(ipv4OnlyArg(), ["--ipv4-only=maybe"]).code).toBe(argumentError);
  });

  it("documents them under NETWORK OPTIONS", () => {
    const args = new RuntimeArgs();
    args.registerArg(ipv4Arg("10.0.0.2/24"));
    const run = runArgv(args, ["--help=plain"]);
    expect(run.exit).toBe(63);
    expect(run.stdout).toMatch(/NETWORK OPTIONS\n\s+--ipv4=PREFIX \(absent=10\.0\.0\.2\/24\)/);
  });

  it("refuses a malformed default at once", () => {
    expect(() => ipv4Arg("nope")).toThrow(TypeError);
  });
});
