/**
 * Big-endian (network order) uint32 words in byte buffers, as the address types store them. The callers
 * check the range first, with the messages of `byte-bounds.ts`.
 */

/** The uint32 whose four bytes, most significant first, stand at `offset` in `buffer`. */
export function readUint32(buffer: Uint8Array, offset: number): number {
  return (
    (((buffer[offset] as number) << 24) |
      ((buffer[offset + 1] as number) << 16) |
      ((buffer[offset + 2] as number) << 8) |
      (buffer[offset + 3] as number)) >>>
    0
  );
}

/** Writes the four bytes of the uint32 `value`, most significant first, at `offset` in `buffer`. */
export function writeUint32(buffer: Uint8Array, offset: number, value: number): void {
  buffer[offset] = value >>> 24;
  buffer[offset + 1] = (value >>> 16) & 0xff;
  buffer[offset + 2] = (value >>> 8) & 0xff;
  buffer[offset + 3] = value & 0xff;
}
