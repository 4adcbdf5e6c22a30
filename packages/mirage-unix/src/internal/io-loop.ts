/**
 * Positional scatter/gather I/O that finishes what a single `readv`/`writev` call may leave undone
 * (short transfers, the kernel's limit on buffers per call).
 *
 * @packageDocumentation
 */

import type { FileHandle } from "node:fs/promises";

/** One `readv` or `writev` call: transfers from the start of `buffers` at `position`, returns bytes. */
export type VectorIo = (buffers: Uint8Array[], position: number) => Promise<number>;

/** Drops the first `count` bytes of `buffers`. */
function advance(buffers: Uint8Array[], count: number): Uint8Array[] {
  let rest = count;
  let index = 0;
  while (index < buffers.length && rest >= (buffers[index] as Uint8Array).length) {
    rest -= (buffers[index] as Uint8Array).length;
    index++;
  }
  const remaining = buffers.slice(index);
  if (rest > 0 && remaining.length > 0) remaining[0] = (remaining[0] as Uint8Array).subarray(rest);
  return remaining;
}

/**
 * Transfers all of `buffers` from `position` and returns the bytes transferred. When `io` makes no
 * progress (end of file on a read), `onStall` gets the untransferred buffers: a block read zero-fills
 * them, a write throws, a key-value read stops short.
 */
export async function transferAll(
  io: VectorIo,
  buffers: readonly Uint8Array[],
  position: number,
  onStall: (remaining: Uint8Array[]) => void,
): Promise<number> {
  let pending = buffers.filter((buffer) => buffer.length > 0);
  let at = position;
  while (pending.length > 0) {
    const count = await io(pending, at);
    if (count <= 0) {
      onStall(pending);
      break;
    }
    at += count;
    pending = advance(pending, count);
  }
  return at - position;
}

/** A `readv` on an open file, for {@link transferAll}. */
export function readvOf(handle: FileHandle): VectorIo {
  return async (buffers, position) => (await handle.readv(buffers, position)).bytesRead;
}

/** A `writev` on an open file, for {@link transferAll}. */
export function writevOf(handle: FileHandle): VectorIo {
  return async (buffers, position) => (await handle.writev(buffers, position)).bytesWritten;
}

/** Fails a write that the operating system stopped accepting. */
export function noProgress(): never {
  throw new Error("the operating system accepted no more bytes");
}
