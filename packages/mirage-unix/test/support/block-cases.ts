/**
 * Checks every block device must pass, shared by the file-backed device and the ramdisk: the
 * mirage-skeleton `block_test` unikernel's cases (device-usage/block/unikernel.ml), round trips
 * across sectors and buffer lists, upstream's error texts, and a model-based property test.
 */

import {
  type Block,
  type BlockWriteError,
  type Result,
  ppBlockError,
  ppBlockWriteError,
} from "@mirage-ts/mirage-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** A fresh device of `sizeSectors` 512-byte sectors, and the name its error messages use. */
export type BlockFactory = (sizeSectors: number) => Promise<{ readonly block: Block; readonly device: string }>;

/** `n` sectors filled with the skeleton's phrase, "<n>: All work and no play makes Dave a dull boy.\n". */
export function alloc(sectorSize: number, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const phrase = Buffer.from(`${n - i}: All work and no play makes Dave a dull boy.\n`);
    const sector = new Uint8Array(sectorSize);
    for (let j = 0; j < sectorSize; j++) sector[j] = phrase[j % phrase.length] as number;
    return sector;
  });
}

function unwrap<T>(result: Result<T, BlockWriteError>): T {
  if (!result.ok) throw new Error(ppBlockWriteError(result.error));
  return result.value;
}

function message(result: Result<void, BlockWriteError>): string {
  if (result.ok) throw new Error("expected a failure");
  return ppBlockWriteError(result.error);
}

export function blockCases(name: string, make: BlockFactory): void {
  describe(`${name}: the block_test unikernel's cases`, () => {
    const checkSectorWrite = async (block: Block, offset: bigint, length: number) => {
      const info = await block.getInfo();
      const sectors = alloc(info.sectorSize, length);
      unwrap(await block.write(offset, sectors));
      const back = alloc(info.sectorSize, length).map((s) => s.fill(0));
      unwrap(await block.read(offset, back));
      for (const [i, sector] of back.entries())
        expect(Buffer.from(sector).equals(Buffer.from(sectors[i] as Uint8Array))).toBe(true);
    };

    it.each([
      ["sector 0", 0n, 1],
      ["the last sector", -1n, 1],
      ["two sectors at 0", 0n, 2],
      ["the last two sectors", -2n, 2],
      ["twelve sectors at 0", 0n, 12],
      ["the last twelve sectors", -12n, 12],
    ])("writes and reads back %s", async (_label, at, length) => {
      const { block } = await make(64);
      const { sizeSectors } = await block.getInfo();
      await checkSectorWrite(block, at < 0n ? sizeSectors + at : at, length);
    });

    it.each([
      ["one sector at the end", 0n, 1],
      ["twelve sectors across the end", -11n, 12],
    ])("fails to write and read %s", async (_label, fromEnd, length) => {
      const { block } = await make(64);
      const info = await block.getInfo();
      const at = info.sizeSectors + fromEnd;
      expect((await block.write(at, alloc(info.sectorSize, length))).ok).toBe(false);
      expect((await block.read(at, alloc(info.sectorSize, length))).ok).toBe(false);
    });
  });

  describe(`${name}: requests`, () => {
    it("reports its geometry", async () => {
      const { block } = await make(64);
      expect(await block.getInfo()).toEqual({ readWrite: true, sectorSize: 512, sizeSectors: 64n });
    });

    it("writes a list of buffers to consecutive sectors and reads it back as other lists", async () => {
      const { block } = await make(64);
      const data = new Uint8Array(6 * 512).map((_, i) => (i * 7 + 3) & 0xff);
      unwrap(await block.write(5n, [data.subarray(0, 512), data.subarray(512, 2048), data.subarray(2048)]));
      const a = new Uint8Array(2048);
      const b = new Uint8Array(1024);
      unwrap(await block.read(5n, [a, b]));
      expect(Buffer.concat([a, b]).equals(Buffer.from(data))).toBe(true);
      const middle = new Uint8Array(512);
      unwrap(await block.read(7n, [middle]));
      expect(Buffer.from(middle).equals(Buffer.from(data.subarray(1024, 1536)))).toBe(true);
    });

    it("accepts an empty buffer list", async () => {
      const { block } = await make(8);
      expect((await block.write(8n, [])).ok).toBe(true);
      expect((await block.read(0n, [])).ok).toBe(true);
    });

    it("fails past the end with upstream's text", async () => {
      const { block, device } = await make(8);
      expect(message(await block.read(8n, [new Uint8Array(512)]))).toBe(
        `read: End_of_file at file ${device} offset 4096 with buffers of length [ 512 ]`,
      );
      expect(message(await block.write(7n, [new Uint8Array(512), new Uint8Array(512)]))).toBe(
        `write: End_of_file at file ${device} offset 3584 with buffers of length [ 512, 512 ]`,
      );
      expect(message(await block.read(-1n, [new Uint8Array(512)]))).toBe(
        `read: End_of_file at file ${device} offset -512 with buffers of length [ 512 ]`,
      );
    });

    it("fails on a buffer that is not a whole number of sectors, before anything else", async () => {
      const { block, device } = await make(8);
      expect(message(await block.read(0n, [new Uint8Array(512), new Uint8Array(100)]))).toBe(
        `read: buffer length (100) is not a multiple of sector_size (512) for file ${device}`,
      );
      expect(message(await block.write(99n, [new Uint8Array(513)]))).toBe(
        `write: buffer length (513) is not a multiple of sector_size (512) for file ${device}`,
      );
    });

    it("fails with `Device is disconnected` after disconnect", async () => {
      const { block } = await make(8);
      await block.disconnect();
      const read = await block.read(0n, [new Uint8Array(512)]);
      expect(!read.ok && ppBlockError(read.error)).toBe("Device is disconnected");
      expect(message(await block.write(0n, [new Uint8Array(512)]))).toBe("Device is disconnected");
      await block.disconnect(); // never fails
    });

    it("rejects a sector that is not a bigint", async () => {
      const { block } = await make(8);
      await expect(async () => block.read(0 as unknown as bigint, [])).rejects.toThrow(TypeError);
    });

    it("keeps the order of concurrent operations", async () => {
      const { block } = await make(8);
      const first = new Uint8Array(512).fill(1);
      const second = new Uint8Array(512).fill(2);
      const between = new Uint8Array(512);
      const after = new Uint8Array(512);
      const done = await Promise.all([
        block.write(3n, [first]),
        block.read(3n, [between]),
        block.write(3n, [second]),
        block.read(3n, [after]),
      ]);
      expect(done.every((r) => r.ok)).toBe(true);
      expect(between.every((x) => x === 1)).toBe(true);
      expect(after.every((x) => x === 2)).toBe(true);
    });

    it("behaves as an array of sectors under random reads and writes", async () => {
      const sizeSectors = 32;
      const { block } = await make(sizeSectors);
      const model = new Uint8Array(sizeSectors * 512);
      unwrap(await block.write(0n, [new Uint8Array(model.length)]));
      const op = fc.record({
        write: fc.boolean(),
        sector: fc.integer({ min: 0, max: sizeSectors - 1 }),
        lengths: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
        seed: fc.integer({ min: 0, max: 255 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 20 }), async (ops) => {
          for (const { write, sector, lengths, seed } of ops) {
            const buffers = lengths.map((n, k) => new Uint8Array(n * 512).map((_, i) => (seed + i + k * 31) & 0xff));
            const total = buffers.reduce((sum, b) => sum + b.length, 0) / 512;
            const fits = sector + total <= sizeSectors;
            if (write) {
              const result = await block.write(BigInt(sector), buffers);
              expect(result.ok).toBe(fits);
              if (fits) model.set(Buffer.concat(buffers), sector * 512);
            } else {
              const result = await block.read(BigInt(sector), buffers);
              expect(result.ok).toBe(fits);
              if (fits)
                expect(
                  Buffer.concat(buffers).equals(Buffer.from(model.subarray(sector * 512, (sector + total) * 512))),
                ).toBe(true);
            }
          }
        }),
        { numRuns: 40 },
      );
    });
  });
}
