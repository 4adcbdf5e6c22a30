/**
 * The I/O failure message of the block devices, with mirage-block-unix's text (the checks of a
 * request are mirage-types' `checkBlockRequest`, shared with the other platforms).
 *
 * @packageDocumentation
 */

import { type BlockGeometry, type MsgError, describeBlockBuffers } from "@mirage-ts/mirage-types";

/** An operating-system failure during `op`, as mirage-block-unix prints a Unix error. */
export function ioError(
  op: string,
  geometry: BlockGeometry,
  offset: number,
  buffers: readonly Uint8Array[],
  error: unknown,
): MsgError {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    kind: "msg",
    message: `${op}: ${reason} at ${geometry.device} offset ${offset} ${describeBlockBuffers(buffers)}`,
  };
}
