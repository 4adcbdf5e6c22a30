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
