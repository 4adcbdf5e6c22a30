/**
 * `Block`: a sector-addressed storage device (`Mirage_block.S`).
 *
 * @packageDocumentation
 */

import type { Device, MsgError } from "./device.js";
import { printError } from "./internal/error-text.js";
import type { Result } from "./result.js";

/**
 * The geometry and mode of a block device (`Mirage_block.info`).
 *
 * @public
 */
export interface BlockInfo {
  /** Whether writes are allowed. */
  readonly readWrite: boolean;
  /** Bytes per sector. */
  readonly sectorSize: number;
  /** Size of the device in sectors. */
  readonly sizeSectors: bigint;
}

/**
 * Block read errors: a disconnected device, or an implementation failure (past the end, unaligned
 * buffer, I/O error) described by its message.
 *
 * @public
 */
export type BlockError = { readonly kind: "disconnected" } | MsgError;

/**
 * Block write errors: read errors, and writing to a read-only device.
 *
 * @public
 */
export type BlockWriteError = BlockError | { readonly kind: "is_read_only" };

/**
 * A block device. Every buffer passed to `read` or `write` is a whole number of sectors long; the
 * buffers cover consecutive sectors starting at `sector`.
 *
 * @public
 */
export interface Block extends Device {
  /** The device's geometry and mode. */
  getInfo(): Promise<BlockInfo>;
  /** Fills `buffers` from consecutive sectors starting at `sector`. */
  read(sector: bigint, buffers: readonly Uint8Array[]): Promise<Result<void, BlockError>>;
  /** Writes `buffers` to consecutive sectors starting at `sector`. */
  write(sector: bigint, buffers: readonly Uint8Array[]): Promise<Result<void, BlockWriteError>>;
}

/**
 * Prints a block read error with upstream's text.
 *
 * @public
 */
export function ppBlockError(error: BlockError): string {
  return printError(error, { disconnected: "Device is disconnected" });
}

/**
 * Prints a block write error with upstream's text.
 *
 * @public
 */
export function ppBlockWriteError(error: BlockWriteError): string {
  return error.kind === "is_read_only" ? "attempted to write to a read-only disk" : ppBlockError(error);
}

/**
 * Prints block information as upstream's `Mirage_block.pp_info`.
 *
 * @public
 */
export function ppBlockInfo(info: BlockInfo): string {
  return (
    `{ Mirage_block.read_write = ${info.readWrite}; sector_size = ${info.sectorSize}; ` +
    `size_sectors = ${info.sizeSectors}L }`
  );
}
