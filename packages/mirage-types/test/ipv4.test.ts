import { isIPv4 } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ipv4Addr } from "../src/ipv4.js";
import { Ipv6Addr } from "../src/ipv6.js";
import { expectThrow, sign } from "./helpers.js";

const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const ipv4 = uint32.map((n) => Ipv4Addr.fromNumber(n));

describe("Ipv4Addr text", () => {
  it("formats dotted quads and parses its own output back", () => {
    fc.assert(
      fc.property(uint32, (n) => {
        const text = Ipv4Addr.fromNumber(n).toString();
        expect(text).toBe([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join("."));
        expect(Ipv4Addr.parse(text).toNumber()).toBe(n);
      }),
    );
  });

  it("accepts exactly what Node's strict isIPv4 accepts", () => {
    const piece = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 255 }).map(String), weight: 12 },
      { arbitrary: fc.integer({ min: 256, max: 999 }).map(String), weight: 2 },
      { arbitrary: fc.constantFrom("", "00", "01", "010", "1a", "-1", " 1", "+1", "1e2", "٣", "0x1"), weight: 2 },
    );
    const candidate = fc.oneof(
      { arbitrary: fc.array(piece, { minLength: 4, maxLength: 4 }).map((pieces) => pieces.join(".")), weight: 3 },
      { arbitrary: fc.array(piece, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join(".")), weight: 1 },
      { arbitrary: fc.string({ unit: fc.constantFrom(..."0123456789."), maxLength: 16 }), weight: 1 },
    );
    fc.assert(
      fc.property(candidate, (text) => {
        let accepted = true;
        try {
          Ipv4Addr.parse(text);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(isIPv4(text));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ["1.2.3.256", "fourth octet is greater than 255"],
    ["256.0.0.0", "first octet is greater than 255"],
    ["192.268.2.1", "second octet is greater than 255"],
    ["1.2.99999999999999999999.4", "third octet is greater than 255"],
    ["01.2.3.4", "first octet has a leading zero (octal or decimal?)"],
    ["8.010.8.8", "second octet has a leading zero (octal or decimal?)"],
    ["8.8.8.00", "fourth octet has a leading zero (octal or decimal?)"],
    ["1.2.3", "expected four decimal octets separated by dots"],
    ["192.168.0.1.1", "expected four decimal octets separated by dots"],
    ["", "expected four decimal octets separated by dots"],
    ["1.2.3.4/24", "fourth octet is not a decimal number"],
    ["192..0.1", "second octet is empty"],
    ["1.2.3.", "fourth octet is empty"],
    ["192. 168.1.1", "second octet is not a decimal number"],
    [" 1.2.3.4", "first octet is not a decimal number"],
    ["1.2.3.4\n", "fourth octet is not a decimal number"],
    ["1.2.3.-4", "fourth octet is not a decimal number"],
    ["1.2.3.0x1", "fourth octet is not a decimal number"],
    ["１.2.3.4", "first octet is not a decimal number"],
    ["::1", "expected four decimal octets separated by dots"],
  ])("rejects %j", (text, reason) => {
    expectThrow(() => Ipv4Addr.parse(text), TypeError, `invalid IPv4 address ${JSON.stringify(text)}: ${reason}`);
  });

  it("quotes the input in the message as the brief shows", () => {
    const message = 'invalid IPv4 address "1.2.3.256": fourth octet is greater than 255';
    expectThrow(() => Ipv4Addr.parse("1.2.3.256"), TypeError, message);
  });
});

describe("Ipv4Addr numbers and bytes", () => {
  it("round-trips uint32 numbers and bytes", () => {
    fc.assert(
      fc.property(uint32, (n) => {
        const a = Ipv4Addr.fromNumber(n);
        expect(a.toNumber()).toBe(n);
        const bytes = a.toBytes();
        expect(new DataView(bytes.buffer).getUint32(0)).toBe(n);
        expect(Ipv4Addr.fromBytes(bytes).equals(a)).toBe(true);
      }),
    );
  });

  it("reads and writes at an offset, in network order", () => {
    fc.assert(
      fc.property(ipv4, fc.nat({ max: 40 }), (a, offset) => {
        const buffer = new Uint8Array(offset + 4 + 2).fill(0x55);
        a.write(buffer, offset);
        expect(new DataView(buffer.buffer).getUint32(offset)).toBe(a.toNumber());
        expect([...buffer.subarray(0, offset), ...buffer.subarray(offset + 4)].every((b) => b === 0x55)).toBe(true);
        expect(Ipv4Addr.read(buffer, offset).equals(a)).toBe(true);
      }),
    );
    expect(Ipv4Addr.fromBytes(Uint8Array.of(254, 99, 3, 128)).toString()).toBe("254.99.3.128");
    expect(Ipv4Addr.fromNumber(0x0a000001).toString()).toBe("10.0.0.1");
  });

  it("copies the bytes it is built from and hands out copies", () => {
    const bytes = Uint8Array.of(10, 0, 0, 1);
    const a = Ipv4Addr.fromBytes(bytes);
    bytes[3] = 2;
    a.toBytes()[3] = 3;
    expect(a.toString()).toBe("10.0.0.1");
  });

  it.each([-1, 2 ** 32, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses the number %d", (n) => {
    expectThrow(
      () => Ipv4Addr.fromNumber(n),
      RangeError,
      `invalid IPv4 address number ${n}: must be an integer from 0 to 4294967295`,
    );
  });

  it.each([3, 5, 16])("refuses %d bytes", (length) => {
    const message = `an IPv4 address needs exactly 4 bytes, got ${length}`;
    expectThrow(() => Ipv4Addr.fromBytes(new Uint8Array(length)), RangeError, message);
  });

  it.each([
    [4, 1],
    [20, 17],
    [8, -2],
  ])("refuses to read or write past a %d-byte buffer at offset %d", (size, offset) => {
    const message = `an IPv4 address needs 4 bytes at offset ${offset}, but the buffer holds ${size} bytes`;
    expectThrow(() => Ipv4Addr.read(new Uint8Array(size), offset), RangeError, message);
    expectThrow(() => Ipv4Addr.localhost.write(new Uint8Array(size), offset), RangeError, message);
  });
});

describe("Ipv4Addr constants and kinds", () => {
  it("has the well-known addresses", () => {
    expect(Ipv4Addr.any.toString()).toBe("0.0.0.0");
    expect(Ipv4Addr.broadcast.toString()).toBe("255.255.255.255");
    expect(Ipv4Addr.localhost.toString()).toBe("127.0.0.1");
    expect(Ipv4Addr.any.version).toBe(4);
  });

  it.each([
    ["0.0.0.0", ["unspecified"]],
    ["255.255.255.255", ["broadcast"]],
    ["127.0.0.1", ["loopback"]],
    ["127.255.255.254", ["loopback"]],
    ["128.0.0.1", []],
    ["224.0.0.1", ["multicast"]],
    ["239.255.255.250", ["multicast"]],
    ["240.0.0.1", []],
    ["223.255.255.255", []],
    ["169.254.169.254", ["linkLocal"]],
    ["169.255.0.1", []],
    ["10.3.21.155", ["private"]],
    ["172.16.0.0", ["private"]],
    ["172.31.255.255", ["private"]],
    ["172.15.255.255", []],
    ["172.32.0.0", []],
    ["192.168.0.1", ["private"]],
    ["192.169.0.1", []],
    ["8.8.8.8", []],
  ])("classifies %s", (text, kinds) => {
    const a = Ipv4Addr.parse(text);
    expect({
      unspecified: a.isUnspecified(),
      broadcast: a.isBroadcast(),
      loopback: a.isLoopback(),
      multicast: a.isMulticast(),
      linkLocal: a.isLinkLocal(),
      private: a.isPrivate(),
    }).toEqual({
      unspecified: kinds.includes("unspecified"),
      broadcast: kinds.includes("broadcast"),
      loopback: kinds.includes("loopback"),
      multicast: kinds.includes("multicast"),
      linkLocal: kinds.includes("linkLocal"),
      private: kinds.includes("private"),
    });
  });
});

describe("Ipv4Addr order", () => {
  it("orders numerically and agrees with equals", () => {
    fc.assert(
      fc.property(ipv4, ipv4, (a, b) => {
        expect(sign(a.compare(b))).toBe(sign(a.toNumber() - b.toNumber()));
        expect(a.compare(b) === 0).toBe(a.equals(b));
        expect(sign(b.compare(a))).toBe(sign(-a.compare(b)));
      }),
    );
  });

  it("compares the whole unsigned range (no sign trouble above 128.0.0.0)", () => {
    expect(Ipv4Addr.parse("255.0.0.0").compare(Ipv4Addr.parse("1.0.0.0"))).toBe(1);
    expect(Ipv4Addr.parse("127.255.255.255").compare(Ipv4Addr.parse("128.0.0.0"))).toBe(-1);
  });

  it("sorts before every IPv6 address and never equals one", () => {
    const mapped = Ipv6Addr.parse("::ffff:10.0.0.1");
    const v4 = Ipv4Addr.parse("10.0.0.1");
    expect(v4.compare(mapped)).toBe(-1);
    expect(v4.compare(Ipv6Addr.unspecified)).toBe(-1);
    expect(v4.equals(mapped)).toBe(false);
  });
});
