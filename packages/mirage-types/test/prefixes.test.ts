import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ipv4Addr } from "../src/ipv4.js";
import { Ipv4Prefix } from "../src/ipv4-prefix.js";
import { Ipv6Addr } from "../src/ipv6.js";
import { Ipv6Prefix } from "../src/ipv6-prefix.js";
import { bigOf, ipv4, ipv6 } from "./arbitraries.js";
import { expectThrow, sign } from "./helpers.js";

const v4 = (text: string): Ipv4Addr => Ipv4Addr.parse(text);
const v6 = (text: string): Ipv6Addr => Ipv6Addr.parse(text);
const p4 = (text: string): Ipv4Prefix => Ipv4Prefix.parse(text);
const p6 = (text: string): Ipv6Prefix => Ipv6Prefix.parse(text);

const prefix4 = fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, bits]) => Ipv4Prefix.make(a, bits));
const prefix6 = fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).map(([a, bits]) => Ipv6Prefix.make(a, bits));

describe("Ipv4Prefix", () => {
  it("keeps the host address as given, as ocaml-ipaddr 5", () => {
    const p = p4("10.0.0.2/24");
    expect(p.address.toString()).toBe("10.0.0.2");
    expect(p.bits).toBe(24);
    expect(p.version).toBe(4);
    expect(p.toString()).toBe("10.0.0.2/24");
    expect(p.network().toString()).toBe("10.0.0.0");
    expect(p.networkPrefix().toString()).toBe("10.0.0.0/24");
    expect(p.netmask().toString()).toBe("255.255.255.0");
    expect(p.broadcast().toString()).toBe("10.0.0.255");
    expect(p.first().toString()).toBe("10.0.0.1");
    expect(p.last().toString()).toBe("10.0.0.254");
    expect(p.equals(p4("10.0.0.0/24"))).toBe(false);
    expect(p.networkPrefix().equals(p4("10.0.0.0/24"))).toBe(true);
  });

  it("round-trips through text", () => {
    fc.assert(
      fc.property(prefix4, (p) => {
        expect(p.toString()).toBe(`${p.address.toString()}/${p.bits}`);
        expect(p4(p.toString()).equals(p)).toBe(true);
      }),
    );
  });

  it("computes network, broadcast, netmask and membership like integer arithmetic", () => {
    fc.assert(
      fc.property(prefix4, ipv4, (p, other) => {
        const size = 2 ** (32 - p.bits);
        const network = Math.floor(p.address.toNumber() / size) * size;
        expect(p.network().toNumber()).toBe(network);
        expect(p.broadcast().toNumber()).toBe(network + size - 1);
        expect(p.netmask().toNumber()).toBe(2 ** 32 - size);
        expect(p.mem(other)).toBe(Math.floor(other.toNumber() / size) * size === network);
        expect(p.mem(p.address) && p.mem(p.network()) && p.mem(p.broadcast())).toBe(true);
        expect(p.mem(p.first()) && p.mem(p.last())).toBe(true);
        expect(Ipv4Prefix.fromNetmask(p.address, p.netmask()).equals(p)).toBe(true);
        expect(p.networkPrefix().subset(p) && p.subset(p.networkPrefix())).toBe(true);
      }),
    );
  });

  it.each([
    ["192.168.0.0/16", "192.168.255.255"],
    ["192.168.0.0/24", "192.168.0.255"],
    ["192.168.1.1/24", "192.168.1.255"],
    ["192.168.0.128/29", "192.168.0.135"],
    ["192.168.0.0/31", "192.168.0.1"],
    ["192.168.0.0/32", "192.168.0.0"],
    ["0.0.0.0/0", "255.255.255.255"],
  ])("has broadcast address %s → %s", (text, broadcast) => {
    expect(p4(text).broadcast().toString()).toBe(broadcast);
  });

  it.each([
    ["192.168.1.0/24", "192.168.1.1", "192.168.1.254"],
    ["169.254.169.254/31", "169.254.169.254", "169.254.169.255"],
    ["169.254.169.254/32", "169.254.169.254", "169.254.169.254"],
    ["10.0.0.5/30", "10.0.0.5", "10.0.0.6"],
    ["0.0.0.0/0", "0.0.0.1", "255.255.255.254"],
  ])("%s has hosts %s to %s", (text, first, last) => {
    expect(p4(text).first().toString()).toBe(first);
    expect(p4(text).last().toString()).toBe(last);
  });

  it.each([
    ["10.0.0.7", "10.0.0.0/29", true],
    ["10.0.0.8", "10.0.0.0/29", false],
    ["172.16.255.254", "172.16.255.254/31", true],
    ["192.168.0.1", "0.0.0.0/0", true],
    ["255.255.255.255", "255.255.255.255/32", true],
    ["192.0.2.1", "192.0.2.0/32", false],
    ["192.0.2.1", "192.0.0.0/23", false],
    ["255.255.255.255", "0.0.0.0/1", false],
    ["128.0.0.0", "128.0.0.0/1", true],
  ])("knows whether %s is in %s", (address, prefix, member) => {
    expect(p4(prefix).mem(v4(address))).toBe(member);
  });

  it.each([
    ["10.0.0.1/32", "10.0.0.1/32", true],
    ["10.0.0.1/32", "10.0.0.2/32", false],
    ["10.0.0.3/32", "10.0.0.2/31", true],
    ["10.0.0.2/31", "10.0.0.3/32", false],
    ["10.0.10.0/24", "10.0.0.0/8", true],
    ["10.0.0.0/8", "10.0.10.0/24", false],
  ])("knows whether %s is a subset of %s", (subnet, network, subset) => {
    expect(p4(subnet).subset(p4(network))).toBe(subset);
  });

  it.each([
    ["192.168.0.1/32", "255.255.255.255"],
    ["192.168.0.1/31", "255.255.255.254"],
    ["192.168.0.1/1", "128.0.0.0"],
    ["192.168.0.1/0", "0.0.0.0"],
  ])("%s has netmask %s, and back", (text, netmask) => {
    const p = p4(text);
    expect(p.netmask().toString()).toBe(netmask);
    expect(Ipv4Prefix.fromNetmask(p.address, v4(netmask)).toString()).toBe(text);
  });

  it.each(["127.255.255.255", "255.255.254.128", "0.0.0.1", "255.0.255.0"])("refuses the netmask %s", (netmask) => {
    expectThrow(
      () => Ipv4Prefix.fromNetmask(v4("192.168.0.1"), v4(netmask)),
      RangeError,
      `invalid IPv4 netmask ${netmask}: its one bits must be contiguous from the left`,
    );
  });

  it.each([
    ["192.168.0.0/33", "prefix length is greater than 32"],
    ["192.168.0.0/024", "prefix length has a leading zero (octal or decimal?)"],
    ["192.168.0.0/-1", "prefix length is not a decimal number"],
    ["192.168.0.0/", "prefix length is empty"],
    ["192.168.0.0/ 24", "prefix length is not a decimal number"],
    ["192.168.0.0", 'expected an address, "/" and a prefix length'],
    ["192.168.0.0/30/1", 'more than one "/"'],
    ["192.168.0/24", 'address "192.168.0": expected four decimal octets separated by dots'],
    ["192.168.0./24", 'address "192.168.0.": fourth octet is empty'],
    ["010.8.8.8/32", 'address "010.8.8.8": first octet has a leading zero (octal or decimal?)'],
    ["/24", 'address "": expected four decimal octets separated by dots'],
    ["::/24", 'address "::": expected four decimal octets separated by dots'],
  ])("rejects %j", (text, reason) => {
    expectThrow(() => p4(text), TypeError, `invalid IPv4 prefix ${JSON.stringify(text)}: ${reason}`);
  });

  it.each([33, -1, 1.5, Number.NaN])("refuses the length %d", (bits) => {
    const message = `invalid IPv4 prefix length ${bits}: must be an integer from 0 to 32`;
    expectThrow(() => Ipv4Prefix.make(Ipv4Addr.any, bits), RangeError, message);
  });

  it("orders by address then length, consistently with equals", () => {
    fc.assert(
      fc.property(prefix4, prefix4, (a, b) => {
        const expected = sign(a.address.compare(b.address)) || sign(a.bits - b.bits);
        expect(sign(a.compare(b))).toBe(expected);
        expect(a.compare(b) === 0).toBe(a.equals(b));
      }),
    );
    expect(p4("10.0.0.0/8").compare(p6("::/0"))).toBe(-1);
    expect(p4("0.0.0.0/0").equals(p6("::/0"))).toBe(false);
  });
});

describe("Ipv6Prefix", () => {
  it("keeps the host address as given", () => {
    const p = p6("2001:db8::2/64");
    expect(p.address.toString()).toBe("2001:db8::2");
    expect(p.bits).toBe(64);
    expect(p.version).toBe(6);
    expect(p.toString()).toBe("2001:db8::2/64");
    expect(p.network().toString()).toBe("2001:db8::");
    expect(p.networkPrefix().toString()).toBe("2001:db8::/64");
    expect(p.netmask().toString()).toBe("ffff:ffff:ffff:ffff::");
    expect(p.first().toString()).toBe("2001:db8::1");
    expect(p.last().toString()).toBe("2001:db8::ffff:ffff:ffff:ffff");
    expect(p6("2001:0DB8:0::0002/64").toString()).toBe("2001:db8::2/64");
  });

  it("round-trips through text", () => {
    fc.assert(
      fc.property(prefix6, (p) => {
        expect(p6(p.toString()).equals(p)).toBe(true);
      }),
    );
  });

  it("computes network, netmask, first, last and membership like 128-bit arithmetic", () => {
    fc.assert(
      fc.property(prefix6, ipv6, (p, other) => {
        const host = 128n - BigInt(p.bits);
        const network = (bigOf(p.address) >> host) << host;
        const last = network + (1n << host) - 1n;
        expect(bigOf(p.network())).toBe(network);
        expect(bigOf(p.last())).toBe(last);
        expect(bigOf(p.first())).toBe(p.bits > 126 ? network : network + 1n);
        expect(bigOf(p.netmask())).toBe((1n << 128n) - (1n << host));
        expect(p.mem(other)).toBe(bigOf(other) >> host === network >> host);
        expect(p.mem(p.address) && p.mem(p.first()) && p.mem(p.last())).toBe(true);
        expect(p.networkPrefix().subset(p) && p.subset(p.networkPrefix())).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ["2000::/3", "2000::/3"],
    ["c012::/2", "c000::/2"],
    ["ffff:ffff:ffff::ffff/0", "::/0"],
    ["::/0", "::/0"],
    ["::/128", "::/128"],
    ["::1/128", "::1/128"],
    ["::/64", "::/64"],
    ["::1/24", "::/24"],
  ])("%s names the network %s", (text, network) => {
    expect(p6(text).networkPrefix().toString()).toBe(network);
  });

  it.each([
    ["::/64", "::1", "::ffff:ffff:ffff:ffff"],
    ["::ff00/120", "::ff01", "::ffff"],
    ["::aaa0/127", "::aaa0", "::aaa1"],
    ["::aaa0/128", "::aaa0", "::aaa0"],
    ["::bbbb:eeee:0000:0000/64", "::1", "::ffff:ffff:ffff:ffff"],
  ])("%s runs from %s to %s", (text, first, last) => {
    expect(p6(text).first().toString()).toBe(first);
    expect(p6(text).last().toString()).toBe(last);
  });

  it.each([
    ["8::1/128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
    ["8::1/127", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"],
    ["8::1/96", "ffff:ffff:ffff:ffff:ffff:ffff::"],
    ["8::1/64", "ffff:ffff:ffff:ffff::"],
    ["8::1/33", "ffff:ffff:8000::"],
    ["8::1/32", "ffff:ffff::"],
    ["8::1/1", "8000::"],
    ["8::1/0", "::"],
  ])("%s has netmask %s", (text, netmask) => {
    expect(p6(text).netmask().toString()).toBe(netmask);
  });

  it.each([
    ["fe80::1", "fe80::/10", true],
    ["febf::1", "fe80::/10", true],
    ["fec0::1", "fe80::/10", false],
    ["2001:db8::1", "2001:db8::/32", true],
    ["2001:db9::1", "2001:db8::/32", false],
    ["::ffff:10.0.0.1", "::ffff:0:0/96", true],
    ["::1", "::/128", false],
  ])("knows whether %s is in %s", (address, prefix, member) => {
    expect(p6(prefix).mem(v6(address))).toBe(member);
  });

  it.each([
    ["::/130", "prefix length is greater than 128"],
    ["::/0128", "prefix length has a leading zero (octal or decimal?)"],
    ["::/30/1", 'more than one "/"'],
    ["2000::/-1", "prefix length is not a decimal number"],
    ["::", 'expected an address, "/" and a prefix length'],
    ["/24", 'address "": is empty'],
    ["1::3:/4", 'address "1::3:": empty group (a lone ":" at either end, or ":::")'],
    ["[::]/64", 'address "[::]": group "[" is not 1 to 4 hex digits'],
  ])("rejects %j", (text, reason) => {
    expectThrow(() => p6(text), TypeError, `invalid IPv6 prefix ${JSON.stringify(text)}: ${reason}`);
  });

  it.each([129, -1, 64.5])("refuses the length %d", (bits) => {
    expectThrow(
      () => Ipv6Prefix.make(Ipv6Addr.unspecified, bits),
      RangeError,
      `invalid IPv6 prefix length ${bits}: must be an integer from 0 to 128`,
    );
  });

  it("orders by address then length, consistently with equals", () => {
    fc.assert(
      fc.property(prefix6, prefix6, (a, b) => {
        const expected = sign(a.address.compare(b.address)) || sign(a.bits - b.bits);
        expect(sign(a.compare(b))).toBe(expected);
        expect(a.compare(b) === 0).toBe(a.equals(b));
      }),
    );
    expect(p6("::/0").compare(p4("255.255.255.255/32"))).toBe(1);
  });
});
