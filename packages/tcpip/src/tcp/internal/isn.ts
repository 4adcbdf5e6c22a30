/**
 * Initial sequence numbers (RFC 6528) and timestamp offsets (RFC 7323 §5.4): a 4 µs clock plus a
 * keyed hash of the connection's addresses and ports, so numbers are unpredictable off-path yet
 * grow monotonically for successive connections of one 4-tuple (which lets a new SYN safely reuse a
 * tuple still in TIME-WAIT). The keyed function is HalfSipHash-2-4 with a secret from {@link Random}.
 *
 * @packageDocumentation
 */

import type { Random } from "@mirage-ts/mirage-types";

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

function rotl(x: number, b: number): number {
  return ((x << b) | (x >>> (32 - b))) >>> 0;
}

// HalfSipHash-2-4 over the UTF-16 code units of `text` (two per word) followed by `domain`, which
// separates the ISN and timestamp uses of one key. The state lives in a module array so the hash
// allocates nothing.
const v = new Uint32Array(4);

function round(): void {
  v[0] = v[0]! + v[1]!;
  v[1] = rotl(v[1]!, 5) ^ v[0]!;
  v[0] = rotl(v[0]!, 16);
  v[2] = v[2]! + v[3]!;
  v[3] = rotl(v[3]!, 8) ^ v[2]!;
  v[0] = v[0]! + v[3]!;
  v[3] = rotl(v[3]!, 7) ^ v[0]!;
  v[2] = v[2]! + v[1]!;
  v[1] = rotl(v[1]!, 13) ^ v[2]!;
  v[2] = rotl(v[2]!, 16);
}

function absorb(m: number): void {
  v[3] = v[3]! ^ m;
  round();
  round();
  v[0] = v[0]! ^ m;
}

function halfSipHash(k0: number, k1: number, text: string, domain: number): number {
  v[0] = k0;
  v[1] = k1;
  v[2] = 0x6c796765 ^ k0;
  v[3] = 0x74656462 ^ k1;
  for (let i = 0; i < text.length; i += 2) {
    absorb(text.charCodeAt(i) | ((i + 1 < text.length ? text.charCodeAt(i + 1) : 0) << 16));
  }
  absorb(domain);
  absorb((text.length * 2 + 4) << 24);
  v[2] = v[2]! ^ 0xff;
  round();
  round();
  round();
  round();
  return (v[1]! ^ v[3]!) >>> 0;
}
