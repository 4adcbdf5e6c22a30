/**
 * Initial sequence numbers (RFC 6528) and timestamp offsets (RFC 7323 §5.4): a 4 µs clock plus a
 * keyed hash of the connection's addresses and ports, so numbers are unpredictable off-path yet
 * grow monotonically for successive connections of one 4-tuple (which lets a new SYN safely reuse a
 * tuple still in TIME-WAIT). The keyed function is HalfSipHash-2-4 with a secret from {@link Random}.
 *
 * @packageDocumentation
 */

import type { Random } from "@mirage-ts/mirage-types";
import { halfSipHash } from "./half-siphash.js";

/** Derives ISNs and timestamp offsets for connections, keyed once per TCP layer. */
export class IsnGenerator {
  readonly #k0: number;
  readonly #k1: number;

  constructor(random: Random) {
    const key = random.generate(8);
    this.#k0 = (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0;
    this.#k1 = (key[4]! | (key[5]! << 8) | (key[6]! << 16) | (key[7]! << 24)) >>> 0;
  }

  /** The ISN for the connection named `tupleKey` at `nowMs`: M + F(tuple, secret) of RFC 6528. */
  isn(tupleKey: string, nowMs: number): number {
    return (Math.floor(nowMs * 250) + halfSipHash(this.#k0, this.#k1, tupleKey, 0)) >>> 0;
  }

  /** The offset added to our millisecond clock in the connection's TSval. */
  timestampOffset(tupleKey: string): number {
    return halfSipHash(this.#k0, this.#k1, tupleKey, 1);
  }
}
