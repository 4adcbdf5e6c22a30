/**
 * `kvSetPartial`: the bytes a value holds after `KvRw.setPartial`, with the semantics every store of
 * mirage-ts shares (those of mirage-kv-unix).
 *
 * @packageDocumentation
 */

/**
 * The value `old` after `setPartial(key, offset, piece)`: `piece` written over it from `offset`,
 * extending it as needed; from an `offset` past the end, `piece` is appended (no gap of zeros). A new
 * array: `old` and `piece` are left as they are.
 *
 * @beta
 */
export function kvSetPartial(old: Uint8Array, offset: number, piece: Uint8Array): Uint8Array {
  const start = Math.min(offset, old.length);
  const data = new Uint8Array(Math.max(old.length, start + piece.length));
  data.set(old);
  data.set(piece, start);
  return data;
}
