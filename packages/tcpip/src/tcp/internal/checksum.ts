/**
 * TCP's use of the Internet checksum: a segment is summed as a pseudo-header sum plus the header and
 * payload views the send buffer hands out, which can have any length, so a view starting at an odd
 * offset of the segment has its partial sum byte-swapped (RFC 1071 §2(B)). The summing itself is the
 * shared {@link @mirage-ts/mirage-types#onesComplementSum}.
 *
 * @packageDocumentation
 */

import { onesComplementSum } from "@mirage-ts/mirage-types";

/** Folds a non-negative sum to 16 bits with end-around carry. */
export function fold(sum: number): number {
  if (sum === 0) return 0;
  const r = sum % 0xffff;
  return r === 0 ? 0xffff : r;
}

/** The one's-complement sum of the parts taken as one byte string, plus `initial`, folded. */
export function sumParts(parts: readonly Uint8Array[], initial: number): number {
  let sum = fold(initial);
  let oddStart = false;
  for (const part of parts) {
    const partial = onesComplementSum(part);
    sum += oddStart ? ((partial & 0xff) << 8) | (partial >>> 8) : partial;
    if ((part.length & 1) === 1) oddStart = !oddStart;
  }
  return fold(sum);
}

/** The checksum field for a segment made of `parts` whose pseudo-header sums (length excluded) to `pseudo`. */
export function segmentChecksum(parts: readonly Uint8Array[], pseudo: number, length: number): number {
  return ~sumParts(parts, pseudo + length) & 0xffff;
}

/** Whether a received segment (header, options and payload) carries a correct checksum. */
export function checksumValid(segment: Uint8Array, pseudo: number): boolean {
  return onesComplementSum(segment, fold(pseudo + segment.length)) === 0xffff;
}

/** The folded sum of a pseudo-header. */
export function pseudoHeaderSum(pseudoheader: Uint8Array): number {
  return onesComplementSum(pseudoheader);
}
