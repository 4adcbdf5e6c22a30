import { ppBlockWriteError } from "@mirage-ts/mirage-types";
import { connectRamdisk, destroyRamdisk } from "@mirage-ts/mirage-unix";
import { describe, expect, it } from "vitest";
import { blockCases } from "./support/block-cases.js";

let counter = 0;

blockCases("ramdisk", async (sizeSectors) => {
  const name = `test-${counter++}`;
  return { block: await connectRamdisk(name, { sizeSectors: BigInt(sizeSectors) }), device: `ramdisk:${name}` };
});

describe("connectRamdisk", () => {
  it("shares the data of a name between connections until destroyed", async () => {
    const a = await connectRamdisk("shared", { sizeSectors: 4n });
    expect((await a.write(1n, [new Uint8Array(512).fill(9)])).ok).toBe(true);
    await a.disconnect();
    const b = await connectRamdisk("shared");
    const back = new Uint8Array(512);
    expect((await b.read(1n, [back])).ok).toBe(true);
    expect(back.every((x) => x === 9)).toBe(true);
    destroyRamdisk("shared");
    const c = await connectRamdisk("shared", { sizeSectors: 4n });
    expect((await c.read(1n, [back])).ok).toBe(true);
    expect(back.every((x) => x === 0)).toBe(true);
    destroyRamdisk("shared");
  });

  it("refuses writes when read-only", async () => {
    const disk = await connectRamdisk("ro", { sizeSectors: 4n, readOnly: true });
    expect((await disk.getInfo()).readWrite).toBe(false);
    const result = await disk.write(0n, [new Uint8Array(512)]);
    expect(!result.ok && ppBlockWriteError(result.error)).toBe("attempted to write to a read-only disk");
    expect((await disk.read(0n, [new Uint8Array(512)])).ok).toBe(true);
    destroyRamdisk("ro");
  });

  it("rejects bad geometries, and a different geometry for an existing name", async () => {
    await expect(connectRamdisk("bad", { sizeSectors: 0n })).rejects.toThrow(RangeError);
    await expect(connectRamdisk("bad", { sectorSize: 0 })).rejects.toThrow(RangeError);
    await expect(connectRamdisk("bad", { sizeSectors: 2n ** 40n })).rejects.toThrow("at most 2 GiB");
    await connectRamdisk("geo", { sizeSectors: 4n });
    await expect(connectRamdisk("geo", { sizeSectors: 8n })).rejects.toThrow(
      "ramdisk geo exists with 4 sectors of 512 bytes",
    );
    destroyRamdisk("geo");
  });

  it("supports other sector sizes", async () => {
    const disk = await connectRamdisk("4k", { sizeSectors: 4n, sectorSize: 4096 });
    expect(await disk.getInfo()).toEqual({ readWrite: true, sectorSize: 4096, sizeSectors: 4n });
    const result = await disk.write(0n, [new Uint8Array(512)]);
    expect(!result.ok && ppBlockWriteError(result.error)).toBe(
      "write: buffer length (512) is not a multiple of sector_size (4096) for file ramdisk:4k",
    );
    destroyRamdisk("4k");
  });
});
