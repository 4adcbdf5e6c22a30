import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ipaddr, Prefix, checkIpaddr } from "../src/ipaddr.js";
import { Ipv4Addr } from "../src/ipv4.js";
import { Ipv4Prefix } from "../src/ipv4-prefix.js";
import { Ipv6Addr } from "../src/ipv6.js";
import { Ipv6Prefix } from "../src/ipv6-prefix.js";
import { ipv4, ipv6 } from "./arbitraries.js";
import { expectThrow, sign } from "./helpers.js";

const ipaddr: fc.Arbitrary<Ipaddr> = fc.oneof(ipv4, ipv6);
const prefix: fc.Arbitrary<Prefix> = fc.oneof(
  fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, bits]) => Ipv4Prefix.make(a, bits)),
  fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).map(([a, bits]) => Ipv6Prefix.make(a, bits)),
);

describe("checkIpaddr", () => {
  it("passes addresses of either family and names the parse call for text", () => {
    expect(() => checkIpaddr(Ipv4Addr.parse("10.0.0.1"), "f: dst")).not.toThrow();
    expect(() => checkIpaddr(Ipv6Addr.parse("fd00::1"), "f: dst")).not.toThrow();
    expect(() => checkIpaddr("10.0.0.1", "createConnection: dst")).toThrow(
      new TypeError(
        'createConnection: dst must be an Ipv4Addr or an Ipv6Addr, got the string "10.0.0.1": ' +
          'pass Ipv4Addr.parse("10.0.0.1") (from @mirage-ts/mirage-types)',
      ),
    );
    expect(() => checkIpaddr("fd00::1", "w")).toThrow('pass Ipv6Addr.parse("fd00::1")');
    expect(() => checkIpaddr("localhost", "w")).toThrow('pass Ipaddr.parse("localhost")');
    expect(() => checkIpaddr(undefined, "w")).toThrow("w must be an Ipv4Addr or an Ipv6Addr, got undefined");
    expect(() => checkIpaddr({ version: 5 }, "w")).toThrow("got an object whose version is 5, not 4 or 6");
  });
});

describe("Ipaddr", () => {
  it("parses either family and round-trips through text", () => {
    fc.assert(
      fc.property(ipaddr, (a) => {
        const back = Ipaddr.parse(a.toString());
        expect(back.version).toBe(a.version);
        expect(Ipaddr.equals(back, a)).toBe(true);
      }),
    );
    expect(Ipaddr.parse("10.0.0.1")).toBeInstanceOf(Ipv4Addr);
    expect(Ipaddr.parse("::ffff:10.0.0.1")).toBeInstanceOf(Ipv6Addr);
    expect(Ipaddr.parse("::1").version).toBe(6);
  });

  it.each([
    ["", 'invalid IP address "": expected an IPv4 or an IPv6 address'],
    ["localhost", 'invalid IP address "localhost": expected an IPv4 or an IPv6 address'],
    ["1234", 'invalid IP address "1234": expected an IPv4 or an IPv6 address'],
    ["1.2.3.256", 'invalid IPv4 address "1.2.3.256": fourth octet is greater than 255'],
    ["1::2::3", 'invalid IPv6 address "1::2::3": "::" may appear only once'],
    ["127.0.0.1:80", 'invalid IPv6 address "127.0.0.1:80": group "127.0.0.1" is not 1 to 4 hex digits'],
  ])("rejects %j", (text, message) => {
    expectThrow(() => Ipaddr.parse(text), TypeError, message);
  });

  it("is a total order, IPv4 first, consistent with equals", () => {
    fc.assert(
      fc.property(ipaddr, ipaddr, ipaddr, (a, b, c) => {
        expect(sign(Ipaddr.compare(a, b))).toBe(sign(-Ipaddr.compare(b, a)));
        expect(Ipaddr.compare(a, b) === 0).toBe(Ipaddr.equals(a, b));
        expect(Ipaddr.compare(a, a)).toBe(0);
        if (a.version !== b.version) expect(sign(Ipaddr.compare(a, b))).toBe(a.version === 4 ? -1 : 1);
        if (Ipaddr.compare(a, b) <= 0 && Ipaddr.compare(b, c) <= 0) expect(Ipaddr.compare(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it("sorts a mixed list", () => {
    const sorted = ["::1", "10.0.0.2", "::", "10.0.0.1", "255.255.255.255", "::ffff:0.0.0.0"]
      .map((text) => Ipaddr.parse(text))
      .sort(Ipaddr.compare)
      .map(String);
    expect(sorted).toEqual(["10.0.0.1", "10.0.0.2", "255.255.255.255", "::", "::1", "::ffff:0.0.0.0"]);
  });

  it("narrows on version", () => {
    const a: Ipaddr = Ipaddr.parse("10.0.0.1");
    if (a.version === 4) {
      expect(a.toNumber()).toBe(0x0a000001);
    } else {
      expect.unreachable();
    }
  });
});

describe("Prefix", () => {
  it("parses either family and round-trips through text", () => {
    fc.assert(
      fc.property(prefix, (p) => {
        const back = Prefix.parse(p.toString());
        expect(back.version).toBe(p.version);
        expect(Prefix.equals(back, p)).toBe(true);
      }),
    );
    expect(Prefix.parse("10.0.0.2/24")).toBeInstanceOf(Ipv4Prefix);
    expect(Prefix.parse("::ffff:10.0.0.2/120")).toBeInstanceOf(Ipv6Prefix);
  });

  it.each([
    ["", 'invalid IP prefix "": expected an IPv4 or an IPv6 prefix'],
    ["/24", 'invalid IP prefix "/24": expected an IPv4 or an IPv6 prefix'],
    ["10.0.0.0/33", 'invalid IPv4 prefix "10.0.0.0/33": prefix length is greater than 32'],
    ["::/129", 'invalid IPv6 prefix "::/129": prefix length is greater than 128'],
  ])("rejects %j", (text, message) => {
    expectThrow(() => Prefix.parse(text), TypeError, message);
  });

  it("is a total order, IPv4 first, consistent with equals", () => {
    fc.assert(
      fc.property(prefix, prefix, prefix, (a, b, c) => {
        expect(sign(Prefix.compare(a, b))).toBe(sign(-Prefix.compare(b, a)));
        expect(Prefix.compare(a, b) === 0).toBe(Prefix.equals(a, b));
        if (a.version !== b.version) expect(sign(Prefix.compare(a, b))).toBe(a.version === 4 ? -1 : 1);
        if (Prefix.compare(a, b) <= 0 && Prefix.compare(b, c) <= 0) expect(Prefix.compare(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  // ocaml-ipaddr's test_prefix_mem
  it.each([
    ["192.168.0.1", "192.168.0.0/16", true],
    ["192.168.0.1", "::ffff:0:0/96", true],
    ["192.168.0.1", "::ffff:0:0/95", true],
    ["192.168.0.1", "::ffff:0:0/97", false],
    ["192.168.0.1", "::ffff:128.0.0.0/97", true],
    ["::ffff:10.0.0.1", "10.0.0.0/8", true],
    ["::fffe:10.0.0.1", "10.0.0.0/8", false],
    ["::1", "0.0.0.0/0", false],
    ["2001:db8::1", "2001:db8::/32", true],
    ["10.1.2.3", "10.0.0.0/8", true],
  ])("knows whether %s is in %s across families", (address, network, member) => {
    expect(Prefix.mem(Ipaddr.parse(address), Prefix.parse(network))).toBe(member);
  });
});
