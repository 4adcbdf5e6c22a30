/**
 * Copies a byte range of a list of chunks, as if they were one buffer: how fragments take their
 * slice of a datagram whose payload arrives as a transport header plus payload chunks.
 */

/** Copies bytes `[offset, offset + length)` of the concatenation of `chunks` to `dest` at `destOffset`. */
export function gather(
  chunks: readonly Uint8Array[],
  offset: number,
  length: number,
  dest: Uint8Array,
  destOffset: number,
): void {
  let skip = offset;
  let left = length;
  let at = destOffset;
  for (const chunk of chunks) {
    if (left === 0) return;
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    // A chunk taken whole (the usual case: one packet's header and payload) needs no subarray view.
    const piece = skip === 0 && chunk.length <= left ? chunk : chunk.subarray(skip, skip + left);
    dest.set(piece, at);
    at += piece.length;
    left -= piece.length;
    skip = 0;
  }
}

/** The total length of `chunks`. */
export function totalLength(chunks: readonly Uint8Array[]): number {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  return length;
}
