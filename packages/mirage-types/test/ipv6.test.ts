import { isIPv6 } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ipv4Addr } from "../src/ipv4.js";
import { Ipv6Addr } from "../src/ipv6.js";
import { groupsOf, ipv6, ipv6Groups } from "./arbitraries.js";
import { expectThrow, sign } from "./helpers.js";

/** Renders eight groups in a non-canonical way RFC 4291 allows, driven by the random choices given. */
function render(
  groups: readonly number[],
  choices: { padding: readonly number[]; upper: boolean; run: number; dotted: boolean },
): string {
  const end = choices.dotted ? 6 : 8;
  const items = groups.slice(0, end).map((group, i) => {
    const hex = group.toString(16);
    const padded = hex.padStart(Math.min(4, hex.length + (choices.padding[i] as number)), "0");
    return choices.upper ? padded.toUpperCase() : padded;
  });
  if (choices.dotted) {
    const [high, low] = [groups[6] as number, groups[7] as number];
    items.push(`${high >>> 8}.${high & 255}.${low >>> 8}.${low & 255}`);
  }
  // Any run of zero groups (not only the longest) may be written "::".
  const runs: Array<[number, number]> = [];
  for (let start = 0; start < end; start++) {
    for (let length = 1; start + length <= end && groups[start + length - 1] === 0; length++) {
      runs.push([start, length]);
    }
  }
  const run = runs[choices.run % (runs.length + 1)];
  if (run === undefined) return items.join(":");
  return `${items.slice(0, run[0]).join(":")}::${items.slice(run[0] + run[1]).join(":")}`;
}

const renderings = fc
  .tuple(
    ipv6Groups,
    fc.record({
      padding: fc.array(fc.nat(3), { minLength: 8, maxLength: 8 }),
      upper: fc.boolean(),
      run: fc.nat(),
      dotted: fc.boolean(),
    }),
  )
  .map(([groups, choices]) => ({ groups, text: render(groups, choices) }));

/** The canonical text the WHATWG URL parser gives, an independent RFC 5952 serialiser. */
function urlCanonical(text: string): string {
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

describe("Ipv6Addr text", () => {
  it("formats as the URL serialiser does (RFC 5952) and parses its own output back", () => {
    fc.assert(
      fc.property(ipv6, (a) => {
        const text = a.toString();
        if (a.isIpv4Mapped()) {
          expect(text).toBe(`::ffff:${a.toIpv4()?.toString()}`);
        } else {
          expect(text).toBe(urlCanonical(text));
        }
        expect(Ipv6Addr.parse(text).equals(a)).toBe(true);
        expect(Ipv6Addr.parse(urlCanonical(text)).equals(a)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("reads every RFC 4291 rendering: padding, either case, any zero run as ::, a dotted tail", () => {
    fc.assert(
      fc.property(renderings, ({ groups, text }) => {
        expect(groupsOf(Ipv6Addr.parse(text))).toEqual(groups);
        expect(isIPv6(text)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts exactly what Node's isIPv6 accepts, on mangled renderings", () => {
    const edit = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom("delete", "insert", "replace"),
      char: fc.constantFrom(..."0123456789abcdefABCDEFgG:.:.: "),
    });
    const mangled = fc.tuple(renderings, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([{ text }, edits]) => {
      let out = text;
      for (const { at, kind, char } of edits) {
        const i = at % (out.length + 1);
        out = out.slice(0, i) + (kind === "delete" ? "" : char) + out.slice(kind === "insert" ? i : i + 1);
      }
      return out;
    });
    fc.assert(
      fc.property(mangled, (text) => {
        let accepted = true;
        try {
          Ipv6Addr.parse(text);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(isIPv6(text));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    // RFC 5952 §2 and §4
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:0db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8::0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:0:0:1::1", "2001:db8::1:0:0:1"],
    ["2001:db8:0000:0:1::1", "2001:db8::1:0:0:1"],
    ["2001:DB8:0:0:1::1", "2001:db8::1:0:0:1"],
    ["2001:db8:aaaa:bbbb:cccc:dddd:eeee:AAAA", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"],
    ["2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"],
    ["2001:db8::0001", "2001:db8::1"],
    ["2001:db8:0:0:0:0:2:1", "2001:db8::2:1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
    ["0:0:0:0:0:ffff:c000:0201", "::ffff:192.0.2.1"],
    // ocaml-ipaddr's round-trip table
    ["2001:db8::ff00:42:8329", "2001:db8::ff00:42:8329"],
    ["::ffff:192.168.1.1", "::ffff:192.168.1.1"],
    ["::", "::"],
    ["1:1:1:1::1:1:1", "1:1:1:1:0:1:1:1"],
    ["0:0:0:1:1:0:0:0", "::1:1:0:0:0"],
    ["0:0:0:1:1::", "::1:1:0:0:0"],
    ["::1:0:0:0:0", "0:0:0:1::"],
    ["FE80::", "fe80::"],
    ["::192.168.0.1", "::c0a8:1"],
    // edges
    ["0:0:0:0:0:0:0:0", "::"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["1:0:0:0:0:0:0:0", "1::"],
    ["1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"],
    ["0:1:0:1:0:1:0:1", "0:1:0:1:0:1:0:1"],
    ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
    ["::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"],
    ["::ffff:0:0", "::ffff:0.0.0.0"],
    ["::fffe:1.2.3.4", "::fffe:102:304"],
    ["1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"],
    ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ])("canonicalises %s as %s", (text, canonical) => {
    expect(Ipv6Addr.parse(text).toString()).toBe(canonical);
  });

  it.each([
    ["", "is empty"],
    [":", 'empty group (a lone ":" at either end, or ":::")'],
    [":::", 'empty group (a lone ":" at either end, or ":::")'],
    [":1", 'empty group (a lone ":" at either end, or ":::")'],
    ["1:", 'empty group (a lone ":" at either end, or ":::")'],
    ["1:::2", 'empty group (a lone ":" at either end, or ":::")'],
    ["::1:", 'empty group (a lone ":" at either end, or ":::")'],
    ["1:2:3:4:5:6:7", 'expected 8 groups, got 7 (and no "::")'],
    ["1:2:3:4:5:6:7:8:9", 'expected 8 groups, got 9 (and no "::")'],
    ["1.2.3.4", 'expected 8 groups, got 2 (and no "::")'],
    ["1:2:3:4:5:6:7:1.2.3.4", 'expected 8 groups, got 9 (and no "::")'],
    ["1::2::3", '"::" may appear only once'],
    ["::1::", '"::" may appear only once'],
    ["1:2:3:4:5:6:7:8::", 'too many groups around "::" (8, at most 7)'],
    ["::1:2:3:4:5:6:7:8", 'too many groups around "::" (8, at most 7)'],
    ["1:2:3:4:5:6::1.2.3.4", 'too many groups around "::" (8, at most 7)'],
    ["12345::12:2", 'group "12345" is not 1 to 4 hex digits'],
    ["00000::", 'group "00000" is not 1 to 4 hex digits'],
    ["::1:g:f", 'group "g" is not 1 to 4 hex digits'],
    ["::1.2.3.4:5", 'group "1.2.3.4" is not 1 to 4 hex digits'],
    ["1.2.3.4::", 'group "1.2.3.4" is not 1 to 4 hex digits'],
    ["fe80::1%eth0", 'group "1%eth0" is not 1 to 4 hex digits'],
    ["[::1]", 'group "[" is not 1 to 4 hex digits'],
    [" ::1", 'group " " is not 1 to 4 hex digits'],
    ["::1\n", 'group "1\\n" is not 1 to 4 hex digits'],
    ["-1::", 'group "-1" is not 1 to 4 hex digits'],
    ["::1.2.3", 'embedded IPv4 address "1.2.3": expected four decimal octets separated by dots'],
    ["::01.2.3.4", 'embedded IPv4 address "01.2.3.4": first octet has a leading zero (octal or decimal?)'],
    ["::ffff:256.1.1.1", 'embedded IPv4 address "256.1.1.1": first octet is greater than 255'],
  ])("rejects %j", (text, reason) => {
    expectThrow(() => Ipv6Addr.parse(text), TypeError, `invalid IPv6 address ${JSON.stringify(text)}: ${reason}`);
  });
});

describe("Ipv6Addr words and bytes", () => {
  it("round-trips words and bytes", () => {
    fc.assert(
      fc.property(ipv6, (a) => {
        expect(Ipv6Addr.fromWords(a.toWords()).equals(a)).toBe(true);
        const bytes = a.toBytes();
        const view = new DataView(bytes.buffer);
        expect([0, 4, 8, 12].map((at) => view.getUint32(at))).toEqual(a.toWords());
        expect(Ipv6Addr.fromBytes(bytes).equals(a)).toBe(true);
      }),
    );
  });

  it("reads and writes at an offset, in network order", () => {
    fc.assert(
      fc.property(ipv6, fc.nat({ max: 40 }), (a, offset) => {
        const buffer = new Uint8Array(offset + 16 + 2).fill(0x77);
        a.write(buffer, offset);
        expect(buffer.subarray(offset, offset + 16)).toEqual(a.toBytes());
        expect([...buffer.subarray(0, offset), ...buffer.subarray(offset + 16)].every((b) => b === 0x77)).toBe(true);
        expect(Ipv6Addr.read(buffer, offset).equals(a)).toBe(true);
      }),
    );
    const bytes = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 192, 168, 0, 1);
    expect(Ipv6Addr.fromBytes(bytes).toString()).toBe("::ffff:192.168.0.1");
  });

  it("copies the bytes it is built from and hands out copies", () => {
    const bytes = new Uint8Array(16);
    bytes[15] = 1;
    const a = Ipv6Addr.fromBytes(bytes);
    bytes[15] = 2;
    a.toBytes()[15] = 3;
    expect(a.toString()).toBe("::1");
  });

  it.each([
    [[-1, 0, 0, 0], -1],
    [[0, 0, 0, 2 ** 32], 2 ** 32],
    [[0, 0.5, 0, 0], 0.5],
    [[0, 0, Number.NaN, 0], Number.NaN],
  ] as const)("refuses the words %j", (words, bad) => {
    expectThrow(
      () => Ipv6Addr.fromWords(words),
      RangeError,
      `invalid IPv6 address word ${bad}: must be an integer from 0 to 4294967295`,
    );
  });

  it.each([15, 17, 4])("refuses %d bytes", (length) => {
    const message = `an IPv6 address needs exactly 16 bytes, got ${length}`;
    expectThrow(() => Ipv6Addr.fromBytes(new Uint8Array(length)), RangeError, message);
  });

  it("refuses to read or write past the end of a buffer", () => {
    const message = "an IPv6 address needs 16 bytes at offset 5, but the buffer holds 20 bytes";
    expectThrow(() => Ipv6Addr.read(new Uint8Array(20), 5), RangeError, message);
    expectThrow(() => Ipv6Addr.localhost.write(new Uint8Array(20), 5), RangeError, message);
  });
});

describe("Ipv6Addr kinds and IPv4 mapping", () => {
  it("has the well-known addresses", () => {
    expect(Ipv6Addr.unspecified.toString()).toBe("::");
    expect(Ipv6Addr.localhost.toString()).toBe("::1");
    expect(Ipv6Addr.localhost.version).toBe(6);
  });

  it.each([
    ["::", ["unspecified"]],
    ["::1", ["loopback"]],
    ["::2", []],
    ["1::1", []],
    ["ff02::1", ["multicast"]],
    ["ff01::101", ["multicast"]],
    ["fe80::1", ["linkLocal"]],
    ["febf:ffff::", ["linkLocal"]],
    ["fec0::1", []],
    ["fe7f::1", []],
    ["::ffff:10.0.0.1", ["mapped"]],
    ["::ffff:0.0.0.0", ["mapped"]],
    ["::fffe:10.0.0.1", []],
    ["1::ffff:10.0.0.1", []],
    ["2001:db8::1", []],
  ])("classifies %s", (text, kinds) => {
    const a = Ipv6Addr.parse(text);
    expect({
      unspecified: a.isUnspecified(),
      loopback: a.isLoopback(),
      multicast: a.isMulticast(),
      linkLocal: a.isLinkLocal(),
      mapped: a.isIpv4Mapped(),
    }).toEqual({
      unspecified: kinds.includes("unspecified"),
      loopback: kinds.includes("loopback"),
      multicast: kinds.includes("multicast"),
      linkLocal: kinds.includes("linkLocal"),
      mapped: kinds.includes("mapped"),
    });
  });

  it("maps IPv4 addresses into ::ffff:0:0/96 and back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const v4 = Ipv4Addr.fromNumber(n);
        const mapped = Ipv6Addr.fromIpv4(v4);
        expect(mapped.toString()).toBe(`::ffff:${v4.toString()}`);
        expect(mapped.isIpv4Mapped()).toBe(true);
        expect(mapped.toIpv4()?.equals(v4)).toBe(true);
      }),
    );
    expect(Ipv6Addr.parse("::1.2.3.4").toIpv4()).toBeUndefined();
    expect(Ipv6Addr.localhost.toIpv4()).toBeUndefined();
  });
});

describe("Ipv6Addr order", () => {
  it("orders by bytes and agrees with equals", () => {
    const key = (a: Ipv6Addr): string => Array.from(a.toBytes(), (b) => b.toString(16).padStart(2, "0")).join("");
    fc.assert(
      fc.property(ipv6, ipv6, (a, b) => {
        const [x, y] = [key(a), key(b)];
        expect(sign(a.compare(b))).toBe(x < y ? -1 : x > y ? 1 : 0);
        expect(a.compare(b) === 0).toBe(a.equals(b));
        expect(sign(b.compare(a))).toBe(sign(-a.compare(b)));
      }),
    );
  });

  it("sorts after every IPv4 address and never equals one", () => {
    expect(Ipv6Addr.unspecified.compare(Ipv4Addr.broadcast)).toBe(1);
    expect(Ipv6Addr.parse("::ffff:10.0.0.1").equals(Ipv4Addr.parse("10.0.0.1"))).toBe(false);
    expect(Ipv6Addr.parse("::0:0").equals(Ipv6Addr.unspecified)).toBe(true);
  });
});
