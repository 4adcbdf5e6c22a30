/**
 * Checks and error messages shared by the block devices, with mirage-block-unix's texts: a request is
 * rejected for a buffer that is not a whole number of sectors, then for a disconnected device, then
 * (writes) for a read-only device, then for sectors past the end.
 *
 * @packageDocumentation
 */

import { type BlockError, type BlockWriteError, type MsgError, type Result, err, ok } from "@mirage-ts/mirage-types";

/** The operation a message names. */
export type BlockOp = "read" | "write";

/** What a request needs to know about its device. */
export interface BlockGeometry {
  /** The name messages use for the device (its file path, or `ramdisk:<name>`). */
  readonly device: string;
  readonly sectorSize: number;
  readonly sizeSectors: bigint;
  readonly readWrite: boolean;
}

/** A checked request: its byte offset and total length. */
export interface BlockRequest {
  readonly offset: number;
  readonly length: number;
}

function msg(message: string): MsgError {
  return { kind: "msg", message };
}

/** mirage-block-unix's `with buffers of length [ 512, 1024 ]` suffix ("" without buffers). */
export function describeBuffers(buffers: readonly Uint8Array[]): string {
  return buffers.length === 0 ? "" : `with buffers of length [ ${buffers.map((b) => b.length).join(", ")} ]`;
}

/** An operating-system failure during `op`, as mirage-block-unix prints a Unix error. */
export function ioError(
  op: string,
  geometry: BlockGeometry,
  offset: number,
  buffers: readonly Uint8Array[],
  error: unknown,
): MsgError {
  const reason = error instanceof Error ? error.message : String(error);
  return msg(`${op}: ${reason} at file ${geometry.device} offset ${offset} ${describeBuffers(buffers)}`);
}

/**
 * Checks a request against the device, in upstream's order, and returns its byte offset and length.
 *
 * @throws TypeError if `sector` is not a bigint
 */
export function checkRequest(
  op: "read",
  geometry: BlockGeometry,
  connected: boolean,
  sector: bigint,
  buffers: readonly Uint8Array[],
): Result<BlockRequest, BlockError>;
export function checkRequest(
  op: "write",
  geometry: BlockGeometry,
  connected: boolean,
  sector: bigint,
  buffers: readonly Uint8Array[],
): Result<BlockRequest, BlockWriteError>;
export function checkRequest(
  op: BlockOp,
  geometry: BlockGeometry,
  connected: boolean,
  sector: bigint,
  buffers: readonly Uint8Array[],
): Result<BlockRequest, BlockWriteError> {
  if (typeof sector !== "bigint") throw new TypeError(`${op}: the sector must be a bigint, got ${typeof sector}`);
  const { sectorSize, device } = geometry;
  let length = 0;
  for (const buffer of buffers) {
    if (buffer.length % sectorSize !== 0) {
      return err(
        msg(
          `${op}: buffer length (${buffer.length}) is not a multiple of sector_size (${sectorSize}) for file ${device}`,
        ),
      );
    }
    length += buffer.length;
  }
  if (!connected) return err({ kind: "disconnected" });
  if (op === "write" && !geometry.readWrite) return err({ kind: "is_read_only" });
  const offset = sector * BigInt(sectorSize);
  if (sector < 0n || sector + BigInt(length / sectorSize) > geometry.sizeSectors) {
    return err(msg(`${op}: End_of_file at file ${device} offset ${offset} ${describeBuffers(buffers)}`));
  }
  return ok({ offset: Number(offset), length });
}
