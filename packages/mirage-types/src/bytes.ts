/**
 * Joining byte chunks, as Cstruct.concat does for Mirage's libraries: what a device read in pieces,
 * or a codec built from parts, in one array.
 *
 * @packageDocumentation
 */

/**
 * The bytes of `chunks`, in order, in one fresh array.
 *
 * @beta
 */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
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
