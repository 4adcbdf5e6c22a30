import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Macaddr } from "../src/macaddr.js";
import { expectThrow, sign } from "./helpers.js";

const sixBytes = fc.uint8Array({ minLength: 6, maxLength: 6 });
const mac = sixBytes.map((bytes) => Macaddr.fromBytes(bytes));

/** Lexicographic order of byte arrays, the reference order of addresses. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  }
  return a.length - b.length;
}

describe("Macaddr text", () => {
  it("formats lower-case hex pairs and parses its own output back", () => {
    fc.assert(
      fc.property(sixBytes, (bytes) => {
        const text = Macaddr.fromBytes(bytes).toString();
        const expected = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(":");
        expect(text).toBe(expected);
        expect(Macaddr.parse(text).toBytes()).toEqual(bytes);
      }),
    );
  });

  it('accepts "-" separators and upper case, as ocaml-macaddr', () => {
    fc.assert(
      fc.property(mac, (m) => {
        const dashed = m.toString("-");
        expect(dashed).toMatch(/^[0-9a-f]{2}(-[0-9a-f]{2}){5}$/);
        expect(Macaddr.parse(dashed).equals(m)).toBe(true);
        expect(Macaddr.parse(m.toString().toUpperCase()).equals(m)).toBe(true);
      }),
    );
    expect(Macaddr.parse("34-56-78-9A-BC-DE").toString()).toBe("34:56:78:9a:bc:de");
  });

  it.each([
    ["", 'expected six pairs of hex digits separated by ":" or "-"'],
    ["aa:bb:cc:dd:ee", 'expected six pairs of hex digits separated by ":" or "-"'],
    ["aa:bb:cc:dd:ee:ff:00", 'expected six pairs of hex digits separated by ":" or "-"'],
    ["a:bb:cc:dd:ee:fff", 'expected ":" or "-" after the first pair'],
    ["aa.bb.cc.dd.ee.ff", 'expected ":" or "-" after the first pair'],
    ["aabb.ccdd.eeff.", 'expected six pairs of hex digits separated by ":" or "-"'],
    ["aa-bb:cc:dd:ee:ff", 'expected "-" at index 5'],
    ["aa:bb:cc:dd:ee-ff", 'expected ":" at index 14'],
    ["aa:bb:cc:dd:ee:fg", 'byte 6 "fg" is not two hex digits'],
    ["+a:bb:cc:dd:ee:ff", 'byte 1 "+a" is not two hex digits'],
    [" a:bb:cc:dd:ee:ff", 'byte 1 " a" is not two hex digits'],
    ["aa:bb:cc:dd:ee:f\n", 'byte 6 "f\\n" is not two hex digits'],
  ])("rejects %j", (text, reason) => {
    expectThrow(() => Macaddr.parse(text), TypeError, `invalid MAC address ${JSON.stringify(text)}: ${reason}`);
  });

  it("quotes the input in the message", () => {
    const message = 'invalid MAC address "aa:bb:cc:dd:ee:fg": byte 6 "fg" is not two hex digits';
    expectThrow(() => Macaddr.parse("aa:bb:cc:dd:ee:fg"), TypeError, message);
  });
});

describe("Macaddr bytes", () => {
  it("copies the bytes it is built from and hands out copies", () => {
    const bytes = Uint8Array.of(0x02, 0, 0x5e, 0x10, 0, 1);
    const m = Macaddr.fromBytes(bytes);
    bytes[0] = 0xff;
    expect(m.toString()).toBe("02:00:5e:10:00:01");
    const out = m.toBytes();
    out[5] = 9;
    expect(m.toBytes()).toEqual(Uint8Array.of(0x02, 0, 0x5e, 0x10, 0, 1));
  });

  it("reads and writes at an offset", () => {
    fc.assert(
      fc.property(mac, fc.nat({ max: 20 }), (m, offset) => {
        const buffer = new Uint8Array(offset + 6 + 3).fill(0xaa);
        m.write(buffer, offset);
        expect(buffer.subarray(offset, offset + 6)).toEqual(m.toBytes());
        expect(buffer.subarray(0, offset).every((b) => b === 0xaa)).toBe(true);
        expect(buffer.subarray(offset + 6).every((b) => b === 0xaa)).toBe(true);
        expect(Macaddr.read(buffer, offset).equals(m)).toBe(true);
      }),
    );
  });

  it.each([5, 7, 0])("refuses %d bytes", (length) => {
    const message = `a MAC address needs exactly 6 bytes, got ${length}`;
    expectThrow(() => Macaddr.fromBytes(new Uint8Array(length)), RangeError, message);
  });

  it.each([
    [10, 5],
    [6, 1],
    [6, -1],
    [12, 1.5],
  ])("refuses to read or write past a %d-byte buffer at offset %d", (size, offset) => {
    const message = `a MAC address needs 6 bytes at offset ${offset}, but the buffer holds ${size} bytes`;
    expectThrow(() => Macaddr.read(new Uint8Array(size), offset), RangeError, message);
    expectThrow(() => Macaddr.broadcast.write(new Uint8Array(size), offset), RangeError, message);
  });
});

describe("Macaddr kinds", () => {
  it("knows the broadcast address", () => {
    expect(Macaddr.broadcast.toString()).toBe("ff:ff:ff:ff:ff:ff");
    expect(Macaddr.broadcast.isBroadcast()).toBe(true);
    expect(Macaddr.broadcast.isMulticast()).toBe(true);
    expect(Macaddr.broadcast.isUnicast()).toBe(false);
    expect(Macaddr.parse("ff:ff:ff:ff:ff:fe").isBroadcast()).toBe(false);
  });

  it.each([
    ["00:16:3e:00:00:01", { unicast: true, local: false }],
    ["01:00:5e:00:00:fb", { unicast: false, local: false }],
    ["33:33:00:00:00:01", { unicast: false, local: true }],
    ["02:00:00:00:00:01", { unicast: true, local: true }],
    ["fe:ff:ff:ff:ff:ff", { unicast: true, local: true }],
  ])("classifies %s", (text, { unicast, local }) => {
    const m = Macaddr.parse(text);
    expect(m.isUnicast()).toBe(unicast);
    expect(m.isMulticast()).toBe(!unicast);
    expect(m.isLocallyAdministered()).toBe(local);
  });

  it("makes locally administered unicast addresses from random bytes", () => {
    fc.assert(
      fc.property(sixBytes, (random) => {
        const before = Uint8Array.from(random);
        const m = Macaddr.makeLocal(random);
        expect(random).toEqual(before);
        expect(m.isUnicast()).toBe(true);
        expect(m.isLocallyAdministered()).toBe(true);
        const bytes = m.toBytes();
        expect(bytes.subarray(1)).toEqual(random.subarray(1));
        expect((bytes[0] as number) & 0xfc).toBe((random[0] as number) & 0xfc);
      }),
    );
    expect(Macaddr.makeLocal(new Uint8Array(6).fill(0xff)).toString()).toBe("fe:ff:ff:ff:ff:ff");
    expect(Macaddr.makeLocal(new Uint8Array(6)).toString()).toBe("02:00:00:00:00:00");
  });

  it("refuses a wrong amount of random bytes", () => {
    const message = "a local MAC address needs exactly 6 bytes, got 4";
    expectThrow(() => Macaddr.makeLocal(new Uint8Array(4)), RangeError, message);
  });
});

describe("Macaddr order", () => {
  it("orders by bytes and agrees with equals", () => {
    fc.assert(
      fc.property(mac, mac, (a, b) => {
        expect(sign(a.compare(b))).toBe(sign(compareBytes(a.toBytes(), b.toBytes())));
        expect(a.compare(b) === 0).toBe(a.equals(b));
        expect(sign(a.compare(b))).toBe(sign(-b.compare(a)));
      }),
    );
  });

  it("is transitive", () => {
    fc.assert(
      fc.property(mac, mac, mac, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort((p, q) => p.compare(q)) as [Macaddr, Macaddr, Macaddr];
        expect(x.compare(y)).toBeLessThanOrEqual(0);
        expect(y.compare(z)).toBeLessThanOrEqual(0);
        expect(x.compare(z)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it("tells equal addresses from different objects", () => {
    expect(Macaddr.parse("aa:bb:cc:dd:ee:ff").equals(Macaddr.parse("AA-BB-CC-DD-EE-FF"))).toBe(true);
    expect(Macaddr.parse("aa:bb:cc:dd:ee:ff").equals(Macaddr.parse("aa:bb:cc:dd:ee:fe"))).toBe(false);
    expect(Macaddr.parse("00:00:00:00:00:01").compare(Macaddr.parse("01:00:00:00:00:00"))).toBe(-1);
  });
});
