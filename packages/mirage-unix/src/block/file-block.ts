/**
 * `connectFileBlock`: a block device backed by a file or a Linux block device
 * (`Mirage_block_unix`).
 *
 * @packageDocumentation
 */

import { type FileHandle, open, readFile, realpath } from "node:fs/promises";
import { join } from "node:path";
import { logSource } from "@mirage-ts/mirage-runtime";
import {
  type Block,
  type BlockError,
  type BlockGeometry,
  type BlockInfo,
  BlockRequestGate,
  type BlockWriteError,
  type Result,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { ioError } from "../internal/block-request.js";
import { noProgress, readvOf, transferAll, writevOf } from "../internal/io-loop.js";
import { SerialQueue } from "../internal/serial-queue.js";

/**
 * Options of {@link connectFileBlock}.
 *
 * @public
 */
export interface FileBlockOptions {
  /** Open read-only even if the file is writable. By default read-write, falling back to read-only. */
  readonly readOnly?: boolean;
  /** Bytes per sector of a regular file (512 by default); a block device reports its own. */
  readonly sectorSize?: number;
  /** `fdatasync` after every write, so a resolved write is on stable storage (off by default). */
  readonly syncWrites?: boolean;
}

/**
 * A block device backed by a file.
 *
 * @public
 */
export interface FileBlock extends Block {
  /** The path given to {@link connectFileBlock}. */
  readonly path: string;
  /**
   * Waits for the writes issued so far, then asks the operating system to put the file's data on
   * stable storage (`fdatasync`).
   */
  flush(): Promise<Result<void, BlockError>>;
}

const log = () => logSource("block-unix", "file-backed block devices");

interface Size {
  readonly sizeBytes: bigint;
  readonly sectorSize: number;
  /** A read-only block device, which Linux lets one open for writing but not write. */
  readonly readOnly: boolean;
}

/**
 * Reads a Linux block device's size, logical sector size and read-only flag from sysfs (whole disks
 * and partitions).
 */
async function blockDeviceSize(rdev: bigint): Promise<Size> {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  const dir = await realpath(`/sys/dev/block/${major}:${minor}`);
  // `size` is always in 512-byte units; a partition's queue settings are its disk's.
  const sectors512 = BigInt((await readFile(join(dir, "size"), "utf8")).trim());
  let sectorSize = 512;
  for (const queue of [join(dir, "queue"), join(dir, "..", "queue")]) {
    try {
      sectorSize = Number((await readFile(join(queue, "logical_block_size"), "utf8")).trim());
      break;
    } catch {
      // not this level: try the parent disk
    }
  }
  const readOnly = (await readFile(join(dir, "ro"), "utf8")).trim() === "1";
  return { sizeBytes: sectors512 * 512n, sectorSize, readOnly };
}

async function deviceSize(handle: FileHandle, path: string, sectorSize: number): Promise<Size> {
  const stat = await handle.stat({ bigint: true });
  if (stat.isFile()) return { sizeBytes: stat.size, sectorSize, readOnly: false };
  if (stat.isBlockDevice()) return blockDeviceSize(stat.rdev);
  throw new Error(`get_file_size ${path}: neither a file nor a block device`);
}

async function openReadWriteOrReadOnly(
  path: string,
  readOnly: boolean,
): Promise<{ handle: FileHandle; readWrite: boolean }> {
  if (!readOnly) {
    try {
      return { handle: await open(path, "r+"), readWrite: true };
    } catch {
      // as upstream: fall back to read-only (a read-only file or file system)
    }
  }
  return { handle: await open(path, "r"), readWrite: false };
}

class UnixFileBlock implements FileBlock {
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #gate: BlockRequestGate;
  readonly #syncWrites: boolean;
  readonly #queue = new SerialQueue();

  constructor(path: string, handle: FileHandle, geometry: BlockGeometry, syncWrites: boolean) {
    this.path = path;
    this.#handle = handle;
    this.#gate = new BlockRequestGate(geometry);
    this.#syncWrites = syncWrites;
  }

  async getInfo(): Promise<BlockInfo> {
    return this.#gate.info();
  }

  read(sector: bigint, buffers: readonly Uint8Array[]): Promise<Result<void, BlockError>> {
    const request = this.#gate.check("read", sector, buffers);
    // Past the end of a file whose size is not a whole number of sectors, the last sector reads as
    // zeros, as upstream's "virtual zeroes".
    return this.#transfer(request, "read", buffers, (offset) =>
      transferAll(readvOf(this.#handle), buffers, offset, (remaining) => {
        for (const buffer of remaining) buffer.fill(0);
      }),
    );
  }

  write(sector: bigint, buffers: readonly Uint8Array[]): Promise<Result<void, BlockWriteError>> {
    const request = this.#gate.check("write", sector, buffers);
    return this.#transfer(request, "write", buffers, async (offset) => {
      await transferAll(writevOf(this.#handle), buffers, offset, noProgress);
      if (this.#syncWrites) await this.#handle.datasync();
    });
  }

  /** Runs `io` at the byte offset of a checked request, in turn; a failure is logged and returned. */
  #transfer<E>(
    request: Result<{ readonly offset: number }, E>,
    op: "read" | "write",
    buffers: readonly Uint8Array[],
    io: (offset: number) => Promise<unknown>,
  ): Promise<Result<void, E | BlockError>> {
    if (!request.ok) return Promise.resolve(request);
    const { offset } = request.value;
    return this.#queue.run(async () => {
      try {
        await io(offset);
        return ok();
      } catch (error) {
        return this.#failed(ioError(op, this.#gate.geometry, offset, buffers, error));
      }
    });
  }

  flush(): Promise<Result<void, BlockError>> {
    if (!this.#gate.connected) return Promise.resolve(err({ kind: "disconnected" }));
    return this.#queue.run(async () => {
      try {
        await this.#handle.datasync();
        return ok();
      } catch (error) {
        return this.#failed(ioError("fsync", this.#gate.geometry, 0, [], error));
      }
    });
  }

  disconnect(): Promise<void> {
    if (!this.#gate.disconnect()) return Promise.resolve();
    // Operations issued before still complete; the file is closed after them.
    return this.#queue.run(() => this.#handle.close());
  }

  #failed(error: { readonly kind: "msg"; readonly message: string }): Result<never, BlockError> {
    log().err(error.message);
    return err(error);
  }
}

/**
 * Connects a block device backed by the file (or Linux block device) at `path`, as
 * `Mirage_block_unix.connect`: read-write if possible, else read-only (or read-only when asked).
 *
 * A file's size is rounded up to whole sectors and the missing bytes of its last sector read as
 * zeros. Requests are checked as upstream, with its error texts: a buffer that is not a whole number
 * of sectors, a disconnected device, a write to a read-only device, sectors past the end. Operations
 * run one at a time in the order they were issued. A write resolves once its bytes are in the file
 * (visible to any reader); they reach stable storage on {@link FileBlock.flush}, or before the write
 * resolves with `syncWrites`.
 *
 * @throws Error `connect <path>: failed to open file: <reason>` if the file cannot be opened, or
 * `get_file_size <path>: neither a file nor a block device`
 * @throws RangeError if `sectorSize` is not a positive integer
 * @public
 */
export async function connectFileBlock(path: string, options: FileBlockOptions = {}): Promise<FileBlock> {
  const requestedSectorSize = options.sectorSize ?? 512;
  if (!Number.isSafeInteger(requestedSectorSize) || requestedSectorSize <= 0) {
    throw new RangeError(`sectorSize must be a positive integer, got ${String(options.sectorSize)}`);
  }
  let opened: { handle: FileHandle; readWrite: boolean };
  try {
    opened = await openReadWriteOrReadOnly(path, options.readOnly ?? false);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`connect ${path}: failed to open file: ${reason}`, { cause: error });
  }
  const { handle, readWrite } = opened;
  try {
    const { sizeBytes, sectorSize, readOnly } = await deviceSize(handle, path, requestedSectorSize);
    const sizeSectors = (sizeBytes + BigInt(sectorSize) - 1n) / BigInt(sectorSize);
    const geometry = { device: `file ${path}`, sectorSize, sizeSectors, readWrite: readWrite && !readOnly };
    return new UnixFileBlock(path, handle, geometry, options.syncWrites ?? false);
  } catch (error) {
    await handle.close();
    throw error;
  }
}
