import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ppBlockError, ppBlockWriteError } from "@mirage-ts/mirage-types";
import { connectFileBlock } from "@mirage-ts/mirage-unix";
import { describeRequiring, itRequiring, missingRoot, missingTools } from "@mirage-ts/test-support";
import { describe, expect, it } from "vitest";
import { blockCases } from "./support/block-cases.js";
import { fixturesMs } from "./support/limits.js";
import { tempDir } from "./support/temp-dir.js";
import { runFixtureUnprivileged } from "./support/unprivileged.js";

const dir = tempDir("block");
let counter = 0;

function image(bytes: number): string {
  const path = join(dir, `disk-${counter++}.img`);
  writeFileSync(path, "");
  truncateSync(path, bytes);
  return path;
}

blockCases("file block", async (sizeSectors) => {
  const path = image(sizeSectors * 512);
  return { block: await connectFileBlock(path), device: path };
});

describe("connectFileBlock", () => {
  it("has the bytes in the file when a write resolves", async () => {
    const path = image(8 * 512);
    const block = await connectFileBlock(path);
    const data = new Uint8Array(1024).map((_, i) => i & 0xff);
    expect((await block.write(2n, [data])).ok).toBe(true);
    expect(readFileSync(path).subarray(1024, 2048).equals(Buffer.from(data))).toBe(true);
    expect(statSync(path).size).toBe(8 * 512);
    expect((await block.flush()).ok).toBe(true);
    await block.disconnect();
  });

  it("completes writes issued before a disconnect", async () => {
    const path = image(4 * 512);
    const block = await connectFileBlock(path, { syncWrites: true });
    const write = block.write(0n, [new Uint8Array(512).fill(0xab)]);
    const disconnected = block.disconnect();
    expect((await write).ok).toBe(true);
    await disconnected;
    expect(readFileSync(path)[0]).toBe(0xab);
    const flushed = await block.flush();
    expect(!flushed.ok && ppBlockError(flushed.error)).toBe("Device is disconnected");
  });

  it("rounds a size that is not whole sectors up, reading the missing bytes as zeros", async () => {
    const path = join(dir, "ragged.img");
    writeFileSync(path, Buffer.alloc(1000, 0x55));
    const block = await connectFileBlock(path);
    expect((await block.getInfo()).sizeSectors).toBe(2n);
    const second = new Uint8Array(512).fill(0xff);
    expect((await block.read(1n, [second])).ok).toBe(true);
    expect(second.subarray(0, 488).every((x) => x === 0x55)).toBe(true);
    expect(second.subarray(488).every((x) => x === 0)).toBe(true);
    expect((await block.write(1n, [new Uint8Array(512).fill(7)])).ok).toBe(true);
    expect(statSync(path).size).toBe(1024);
    await block.disconnect();
  });

  it("opens read-only when asked and refuses writes with upstream's text", async () => {
    const path = image(4 * 512);
    const block = await connectFileBlock(path, { readOnly: true });
    expect(await block.getInfo()).toEqual({ readWrite: false, sectorSize: 512, sizeSectors: 4n });
    const result = await block.write(0n, [new Uint8Array(512).fill(1)]);
    expect(!result.ok && ppBlockWriteError(result.error)).toBe("attempted to write to a read-only disk");
    expect(readFileSync(path).every((x) => x === 0)).toBe(true);
    expect((await block.read(0n, [new Uint8Array(512)])).ok).toBe(true);
    await block.disconnect();
  });

  it("uses the sector size it is given", async () => {
    const block = await connectFileBlock(image(16384), { sectorSize: 4096 });
    expect(await block.getInfo()).toEqual({ readWrite: true, sectorSize: 4096, sizeSectors: 4n });
    await block.disconnect();
    await expect(connectFileBlock(image(512), { sectorSize: 0 })).rejects.toThrow(RangeError);
  });

  it("fails to connect to a missing file or a directory with a clear message", async () => {
    const missing = join(dir, "missing.img");
    await expect(connectFileBlock(missing)).rejects.toThrow(`connect ${missing}: failed to open file: ENOENT`);
    const directory = join(dir, "a-directory");
    mkdirSync(directory);
    await expect(connectFileBlock(directory, { readOnly: true })).rejects.toThrow(
      `get_file_size ${directory}: neither a file nor a block device`,
    );
  });

  // Root may write any file: as root the check runs in a child that dropped its privileges.
  const asRoot = process.getuid?.() === 0;
  itRequiring(
    asRoot ? missingTools("setpriv") : undefined,
    "falls back to read-only when the file cannot be opened for writing",
    {},
    async () => {
      const path = image(512);
      chmodSync(path, 0o444);
      if (asRoot) {
        chmodSync(dir, 0o755); // the unprivileged child must reach the image
        const outcome = await runFixtureUnprivileged("block-info", [path]);
        expect(outcome).toMatchObject({ code: 0, stdout: "readWrite=false\n", stderr: "" });
      } else {
        const block = await connectFileBlock(path);
        expect((await block.getInfo()).readWrite).toBe(false);
        await block.disconnect();
      }
    },
  );
});

const loopReason = missingRoot() ?? missingTools("losetup");

describeRequiring(loopReason, "connectFileBlock on a Linux block device", { timeout: fixturesMs(1) }, () => {
  it("reads the size and sector size of a loop device, and falls back to read-only on a read-only one", async () => {
    const backing = image(1 << 20);
    const devices: string[] = [];
    try {
      const rw = execFileSync("losetup", ["--find", "--show", backing], { encoding: "utf8" }).trim();
      devices.push(rw);
      const block = await connectFileBlock(rw);
      expect(await block.getInfo()).toEqual({ readWrite: true, sectorSize: 512, sizeSectors: 2048n });
      expect((await block.write(2047n, [new Uint8Array(512).fill(0x42)])).ok).toBe(true);
      expect((await block.flush()).ok).toBe(true);
      await block.disconnect();
      const ro = execFileSync("losetup", ["--find", "--show", "--read-only", backing], { encoding: "utf8" }).trim();
      devices.push(ro);
      const readOnly = await connectFileBlock(ro);
      expect((await readOnly.getInfo()).readWrite).toBe(false);
      const back = new Uint8Array(512);
      expect((await readOnly.read(2047n, [back])).ok).toBe(true);
      expect(back.every((x) => x === 0x42)).toBe(true);
      await readOnly.disconnect();
    } finally {
      for (const device of devices) execFileSync("losetup", ["--detach", device]);
    }
  });
});
