/**
 * `BlockRequestGate`: what every block device checks a read or write against (its geometry, whether
 * it is still connected), with mirage-block-unix's checks in its order and with its texts, so that a
 * file, a ramdisk and a simulated disk refuse a request alike.
 *
 * @packageDocumentation
 */

import type { BlockError, BlockInfo, BlockWriteError } from "./block.js";
import type { MsgError } from "./device.js";
import { type Result, err, ok } from "./result.js";

/**
 * What a request is checked against.
 *
 * @beta
 */
export interface BlockGeometry {
  /** The device as messages name it: `file /var/disk.img`, `file ramdisk:data`, `the disk of h1`. */
  readonly device: string;
  /** Bytes per sector. */
  readonly sectorSize: number;
  /** Size of the device in sectors. */
  readonly sizeSectors: bigint;
  /** Whether writes are allowed. */
  readonly readWrite: boolean;
}

/**
 * A checked request: where it starts and how long it is, in bytes.
 *
 * @beta
 */
export interface BlockRequest {
  /** The byte offset of its first sector. */
  readonly offset: number;
  /** The bytes its buffers hold together. */
  readonly length: number;
}

function msg(message: string): MsgError {
  return { kind: "msg", message };
}

/**
 * mirage-block-unix's `with buffers of length [ 512, 1024 ]`, the end of its messages ("" without
 * buffers).
 *
 * @beta
 */
export function describeBlockBuffers(buffers: readonly Uint8Array[]): string {
  return buffers.length === 0 ? "" : `with buffers of length [ ${buffers.map((b) => b.length).join(", ")} ]`;
}

// Checks a request against the device, in upstream's order: whole sectors, connected, writable, within it.
function checkBlockRequest(
  op: "read" | "write",
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
        msg(`${op}: buffer length (${buffer.length}) is not a multiple of sector_size (${sectorSize}) for ${device}`),
      );
    }
    length += buffer.length;
  }
  if (!connected) return err({ kind: "disconnected" });
  if (op === "write" && !geometry.readWrite) return err({ kind: "is_read_only" });
  const offset = sector * BigInt(sectorSize);
  if (sector < 0n || sector + BigInt(length / sectorSize) > geometry.sizeSectors) {
    return err(msg(`${op}: End_of_file at ${device} offset ${offset} ${describeBlockBuffers(buffers)}`));
  }
  return ok({ offset: Number(offset), length });
}

/**
 * The state a block device checks each request against: its geometry and whether it is still
 * connected. A device keeps one and asks it before every read and write.
 *
 * @beta
 */
export class BlockRequestGate {
  /** What requests are checked against. */
  readonly geometry: BlockGeometry;
  #connected = true;

  constructor(geometry: BlockGeometry) {
    this.geometry = geometry;
  }

  /** Whether the device is still connected. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Refuses every later request as `disconnected`; whether the device was connected until now. */
  disconnect(): boolean {
    const was = this.#connected;
    this.#connected = false;
    return was;
  }

  /** The device's {@link BlockInfo}. */
  info(): BlockInfo {
    const { readWrite, sectorSize, sizeSectors } = this.geometry;
    return { readWrite, sectorSize, sizeSectors };
  }

  /**
   * Checks a read: its buffers are whole sectors, the device is connected, the sectors are within it.
   *
   * @throws TypeError if `sector` is not a bigint (a programming error).
   */
  check(op: "read", sector: bigint, buffers: readonly Uint8Array[]): Result<BlockRequest, BlockError>;
  /**
   * Checks a write: as a read, and the device is writable (checked after `connected`, as upstream).
   *
   * @throws TypeError if `sector` is not a bigint (a programming error).
   */
  check(op: "write", sector: bigint, buffers: readonly Uint8Array[]): Result<BlockRequest, BlockWriteError>;
  check(op: "read" | "write", sector: bigint, buffers: readonly Uint8Array[]): Result<BlockRequest, BlockWriteError> {
    return checkBlockRequest(op, this.geometry, this.#connected, sector, buffers);
  }
}
