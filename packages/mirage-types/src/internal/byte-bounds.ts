/**
 * Length checks for the byte conversions of the address types, with messages that name the sizes.
 */

/** Throws a `RangeError` unless `bytes` holds exactly `length` bytes. */
export function checkLength(what: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) {
    throw new RangeError(`${what} needs exactly ${length} bytes, got ${bytes.length}`);
  }
}

/** Throws a `RangeError` unless `buffer` has `length` bytes from `offset` on. */
export function checkRange(what: string, buffer: Uint8Array, offset: number, length: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + length > buffer.length) {
    throw new RangeError(
      `${what} needs ${length} bytes at offset ${offset}, but the buffer holds ${buffer.length} bytes`,
    );
  }
}
