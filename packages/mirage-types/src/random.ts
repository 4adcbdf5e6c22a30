/**
 * `Random`: the cryptographically secure generator device (`Mirage_crypto_rng`).
 *
 * @packageDocumentation
 */

/**
 * Random bytes (`Mirage_crypto_rng`): a cryptographically secure generator.
 *
 * @public
 */
export interface Random {
  /** Returns `n` fresh random bytes. */
  generate(n: number): Uint8Array;
  /** Fills `buffer` (from `offset`, `length` bytes; default the whole buffer) with random bytes. */
  generateInto(buffer: Uint8Array, offset?: number, length?: number): void;
}

function checkCount(what: string, value: number): void {
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
