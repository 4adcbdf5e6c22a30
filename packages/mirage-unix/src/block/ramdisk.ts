/**
 * `connectRamdisk`: an in-memory block device (`Mirage_block_ramdisk`).
 *
 * @packageDocumentation
 */

import {
  type Block,
  type BlockError,
  type BlockGeometry,
  type BlockInfo,
  BlockRequestGate,
  type BlockWriteError,
  type Result,
  ok,
} from "@mirage-ts/mirage-types";

/**
 * Options of {@link connectRamdisk}; they apply when the ramdisk is created.
 *
 * @public
 */
export interface RamdiskOptions {
  /** Size in sectors; 32768 (16 MiB of 512-byte sectors) by default. */
  readonly sizeSectors?: bigint;
  /** Bytes per sector; 512 by default. */
  readonly sectorSize?: number;
  /** Refuse writes. */
  readonly readOnly?: boolean;
}

const ramdisks = new Map<string, { readonly data: Uint8Array; readonly geometry: BlockGeometry }>();

// One contiguous buffer per disk: keep it within what a Uint8Array can hold everywhere.
const maxBytes = 2 ** 31;

class Ramdisk implements Block {
  readonly #data: Uint8Array;
  readonly #gate: BlockRequestGate;

  constructor(data: Uint8Array, geometry: BlockGeometry) {
    this.#data = data;
    this.#gate = new BlockRequestGate(geometry);
  }

  async getInfo(): Promise<BlockInfo> {
    return this.#gate.info();
  }

  async read(sector: bigint, buffers: readonly Uint8Array[]): Promise<Result<void, BlockError>> {
    const request = this.#gate.check("read", sector, buffers);
    if (!request.ok) return request;
    let at = request.value.offset;
    for (const buffer of buffers) {
      buffer.set(this.#data.subarray(at, at + buffer.length));
      at += buffer.length;
    }
    return ok();
  }

  async write(sector: bigint, buffers: readonly Uint8Array[]): Promise<Result<void, BlockWriteError>> {
    const request = this.#gate.check("write", sector, buffers);
    if (!request.ok) return request;
    let at = request.value.offset;
    for (const buffer of buffers) {
      this.#data.set(buffer, at);
      at += buffer.length;
    }
    return ok();
  }

  async disconnect(): Promise<void> {
    this.#gate.disconnect();
  }
}

/**
 * Connects the in-memory block device named `name`, creating it (zero-filled, with `options`) on
 * first use. Its contents live as long as the process or until {@link destroyRamdisk}: connecting
 * the same name again sees the same data. Requests are checked as {@link connectFileBlock} checks
 * them, with `ramdisk:<name>` as the file name in messages.
 *
 * @throws RangeError if the size or sector size is not a positive integer, the size exceeds 2 GiB,
 * or the ramdisk exists with a different geometry
 * @public
 */
export async function connectRamdisk(name: string, options: RamdiskOptions = {}): Promise<Block> {
  const sectorSize = options.sectorSize ?? 512;
  const sizeSectors = options.sizeSectors ?? 32768n;
  if (!Number.isSafeInteger(sectorSize) || sectorSize <= 0) {
    throw new RangeError(`ramdisk ${name}: sectorSize must be a positive integer, got ${String(sectorSize)}`);
  }
  if (typeof sizeSectors !== "bigint" || sizeSectors <= 0n || sizeSectors * BigInt(sectorSize) > BigInt(maxBytes)) {
    throw new RangeError(
      `ramdisk ${name}: sizeSectors must be a positive bigint of at most 2 GiB, got ${String(sizeSectors)}`,
    );
  }
  const readWrite = !(options.readOnly ?? false);
  let disk = ramdisks.get(name);
  if (disk === undefined) {
    const geometry = { device: `file ramdisk:${name}`, sectorSize, sizeSectors, readWrite: true };
    disk = { data: new Uint8Array(Number(sizeSectors) * sectorSize), geometry };
    ramdisks.set(name, disk);
  } else if (
    (options.sectorSize !== undefined && options.sectorSize !== disk.geometry.sectorSize) ||
    (options.sizeSectors !== undefined && options.sizeSectors !== disk.geometry.sizeSectors)
  ) {
    throw new RangeError(
      `ramdisk ${name} exists with ${disk.geometry.sizeSectors} sectors of ${disk.geometry.sectorSize} bytes`,
    );
  }
  return new Ramdisk(disk.data, { ...disk.geometry, readWrite });
}

/**
 * Frees the ramdisk named `name`; devices still connected to it keep their data, a later
 * {@link connectRamdisk} creates a fresh one.
 *
 * @public
 */
export function destroyRamdisk(name: string): void {
  ramdisks.delete(name);
}
