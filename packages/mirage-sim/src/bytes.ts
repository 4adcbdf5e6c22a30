/**
 * Joining byte chunks.
 *
 * @packageDocumentation
 */

/** The bytes of `chunks`, in order, in one array. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const chunk of chunks) size += chunk.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
