import {
  type BlockGeometry,
  BlockRequestGate,
  Macaddr,
  checkCount,
  kvSetPartial,
  netifIdentity,
} from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";

describe("checkCount", () => {
  it("accepts non-negative integers and names what it refuses", () => {
    expect(() => checkCount("size", 0)).not.toThrow();
    expect(() => checkCount("size", 2 ** 40)).not.toThrow();
    expect(() => checkCount("getPartial: offset", -1)).toThrow(
      new RangeError("getPartial: offset must be a non-negative integer, got -1"),
    );
    expect(() => checkCount("size", 1.5)).toThrow("size must be a non-negative integer, got 1.5");
    expect(() => checkCount("size", Number.NaN)).toThrow(RangeError);
    expect(() => checkCount("size", 2 ** 53)).toThrow(RangeError);
  });
});

describe("kvSetPartial", () => {
  const bytes = (...values: number[]) => Uint8Array.from(values);

  it("writes over the value from the offset, growing it as needed", () => {
    expect(kvSetPartial(bytes(1, 2, 3, 4), 1, bytes(9, 9))).toEqual(bytes(1, 9, 9, 4));
    expect(kvSetPartial(bytes(1, 2, 3), 2, bytes(8, 9))).toEqual(bytes(1, 2, 8, 9));
    expect(kvSetPartial(new Uint8Array(0), 0, bytes(7))).toEqual(bytes(7));
  });

  it("appends from an offset past the end, leaving no gap", () => {
    expect(kvSetPartial(bytes(1, 2), 10, bytes(3))).toEqual(bytes(1, 2, 3));
  });

  it("leaves its arguments as they are", () => {
    const old = bytes(1, 2, 3);
    const piece = bytes(9);
    const result = kvSetPartial(old, 0, piece);
    result[1] = 0;
    expect(old).toEqual(bytes(1, 2, 3));
    expect(piece).toEqual(bytes(9));
  });
});

describe("BlockRequestGate", () => {
  const geometry: BlockGeometry = { device: "file disk.img", sectorSize: 512, sizeSectors: 8n, readWrite: false };
  const sectors = (...counts: number[]) => counts.map((n) => new Uint8Array(n * 512));

  it("gives the byte offset and length of a request within the device", () => {
    expect(new BlockRequestGate(geometry).check("read", 2n, sectors(1, 2))).toEqual({
      ok: true,
      value: { offset: 1024, length: 1536 },
    });
    expect(new BlockRequestGate(geometry).check("read", 8n, [])).toEqual({
      ok: true,
      value: { offset: 4096, length: 0 },
    });
  });

  it("refuses in upstream's order: partial sectors, disconnected, read-only, past the end", () => {
    const disconnected = new BlockRequestGate(geometry);
    expect(disconnected.disconnect()).toBe(true);
    expect(disconnected.disconnect()).toBe(false);
    expect(disconnected.connected).toBe(false);
    const partial = [new Uint8Array(100)];
    expect(disconnected.check("write", 99n, partial)).toEqual({
      ok: false,
      error: {
        kind: "msg",
        message: "write: buffer length (100) is not a multiple of sector_size (512) for file disk.img",
      },
    });
    expect(disconnected.check("write", 99n, sectors(1))).toEqual({
      ok: false,
      error: { kind: "disconnected" },
    });
    expect(new BlockRequestGate(geometry).check("write", 99n, sectors(1))).toEqual({
      ok: false,
      error: { kind: "is_read_only" },
    });
    expect(new BlockRequestGate(geometry).check("read", 7n, sectors(1, 1))).toEqual({
      ok: false,
      error: {
        kind: "msg",
        message: "read: End_of_file at file disk.img offset 3584 with buffers of length [ 512, 512 ]",
      },
    });
    expect(new BlockRequestGate(geometry).check("read", -1n, sectors(1))).toMatchObject({ ok: false });
  });

  it("gives the device's info", () => {
    expect(new BlockRequestGate(geometry).info()).toEqual({ readWrite: false, sectorSize: 512, sizeSectors: 8n });
  });

  it("throws for a sector that is not a bigint", () => {
    expect(() => new BlockRequestGate(geometry).check("read", 1 as unknown as bigint, [])).toThrow(
      new TypeError("read: the sector must be a bigint, got number"),
    );
  });
});

describe("netifIdentity", () => {
  const random = { generate: (n: number) => new Uint8Array(n).fill(0xff), generateInto: () => undefined };

  it("takes the options given", () => {
    const mac = Macaddr.parse("02:00:00:00:00:01");
    expect(netifIdentity({ mtu: 9000, mac }, random)).toEqual({ mtu: 9000, mac });
  });

  it("defaults to an MTU of 1500 and a random locally administered unicast MAC", () => {
    const { mtu, mac } = netifIdentity({}, random);
    expect(mtu).toBe(1500);
    expect(mac.toString()).toBe("fe:ff:ff:ff:ff:ff");
  });

  it("refuses an MTU out of 68 to 65535, naming it", () => {
    expect(() => netifIdentity({ mtu: 67 }, random)).toThrow(
      new RangeError("mtu must be an integer from 68 to 65535, got 67"),
    );
    expect(() => netifIdentity({ mtu: 65536 }, random)).toThrow(RangeError);
    expect(() => netifIdentity({ mtu: 1500.5 }, random)).toThrow(RangeError);
  });
});
