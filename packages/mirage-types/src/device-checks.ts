/**
 * The checks of the devices' count and range arguments (sizes, offsets, lengths), shared by the
 * platforms so that a bad argument is refused alike everywhere: a bad argument is a programming
 * error, thrown rather than returned.
 *
 * @packageDocumentation
 */

/**
 * Throws a `RangeError` naming `what` unless `value` is a non-negative safe integer: a bad count is
 * a programming error, thrown rather than returned.
 *
 * @throws RangeError `<what> must be a non-negative integer, got <value>`.
 * @beta
 */
export function checkCount(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${String(value)}`);
  }
}

/**
 * Checks the arguments of {@link Random.generateInto} as a platform's generator does before it fills
 * anything: `offset` and `length` non-negative integers, and the range within `buffer`.
 *
 * @throws RangeError naming the argument at fault (`generateInto: offset must be …`).
 * @beta
 */
export function checkGenerateInto(buffer: Uint8Array, offset: number, length: number): void {
  checkCount("generateInto: offset", offset);
  checkCount("generateInto: length", length);
  if (offset + length > buffer.length) {
    throw new RangeError(
      `generateInto: offset ${offset} + length ${length} exceeds the buffer's ${buffer.length} bytes`,
    );
  }
}
