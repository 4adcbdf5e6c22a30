/**
 * Argument checks shared by the devices: a bad argument is a programming error, thrown.
 *
 * @packageDocumentation
 */

/** Throws a `RangeError` naming `what` unless `value` is a non-negative safe integer. */
export function checkCount(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${String(value)}`);
  }
}
