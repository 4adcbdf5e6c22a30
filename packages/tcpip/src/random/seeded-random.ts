/**
 * `SeededRandom`: a deterministic {@link @mirage-ts/mirage-types#Random} for tests and simulations
 * (xoshiro128** seeded through splitmix32). Not cryptographically secure: never use it for real
 * initial sequence numbers.
 *
 * @packageDocumentation
 */

import type { Random } from "@mirage-ts/mirage-types";

/**
 * A seeded pseudo-random generator: the same seed gives the same bytes.
 *
 * @public
 */
export class SeededRandom implements Random {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** Creates a generator from a 32-bit seed. */
  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      // splitmix32: spreads one seed over the four state words (never all zero).
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
  }

  /** Returns the next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.#s1 << 9) >>> 0;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** Returns a float in `[0, 1)`. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Returns an integer in `[0, bound)`; `bound` must be a positive integer up to 2^32. */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0 || bound > 4294967296) {
      throw new RangeError(`nextInt bound must be an integer in 1..2^32, got ${bound}`);
    }
    return Math.floor(this.nextFloat() * bound);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Random.generate} */
  generate(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.generateInto(out);
    return out;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Random.generateInto} */
  generateInto(buffer: Uint8Array, offset = 0, length = buffer.length - offset): void {
    if (offset < 0 || length < 0 || offset + length > buffer.length) {
      throw new RangeError(`generateInto range ${offset}+${length} exceeds a buffer of ${buffer.length} bytes`);
    }
    for (let i = 0; i < length; i += 4) {
      let word = this.nextUint32();
      for (let j = 0; j < 4 && i + j < length; j++) {
        buffer[offset + i + j] = word & 0xff;
        word >>>= 8;
      }
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
