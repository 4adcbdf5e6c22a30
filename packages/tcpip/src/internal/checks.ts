/**
 * Argument checks shared by the layers, with messages that name the value and the accepted range.
 */

/** Throws a `RangeError` unless `port` is an integer from 0 to 65535. */
export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    throw new RangeError(`invalid port ${port}: must be an integer from 0 to 65535`);
  }
}

/**
 * Throws a `RangeError` unless `value` is an integer of at least `min`; returns `value`, so that an
 * option is checked where it is assigned.
 */
export function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`invalid ${name} ${value}: must be an integer of at least ${min}`);
  }
  return value;
}

/** Throws a `RangeError` unless `value` is a number from 0 to 1. */
export function checkProbability(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`invalid ${name} ${value}: must be a probability from 0 to 1`);
}
