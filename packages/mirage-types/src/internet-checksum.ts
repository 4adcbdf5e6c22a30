/**
 * The Internet checksum (RFC 1071): the one's-complement sum of 16-bit big-endian words, the hot spot
 * of every JavaScript stack. Large buffers are summed 32 bits at a time through a `Uint32Array` over the
 * aligned middle of the data (little-endian words, swapped back at the end: RFC 1071 §2(B) byte-order
 * independence); carries are never folded inside the loop because a double holds 2^53, far more than
 * any packet can sum to. Small buffers, where creating the typed view costs more than it saves, use an
 * unrolled byte loop. It lives here, below both, for tcpip's codecs and for the platforms that finish
 * checksums a device left partial (mirage-unix's virtio-net offloads).
 *
 * @packageDocumentation
 */

// Below this size the byte loop beats the cost of creating a Uint32Array view (measured: tcpip's
// bench/checksum.bench.ts).
const WORD_LOOP_THRESHOLD = 256;

/**
 * The one's-complement sum of `data` read as big-endian 16-bit words (a final odd byte is padded with
 * zero), added to `initial` (a previous sum, for example of a pseudo-header), folded to 16 bits.
 * Chain sums over consecutive chunks only when every chunk but the last has an even length.
 *
 * @param data - the bytes to sum.
 * @param initial - a sum to add, from `0` to `0xffff` (default `0`).
 * @returns the folded sum, from `0` to `0xffff`; `0` only when every word and `initial` are zero.
 * @public
 */
export function onesComplementSum(data: Uint8Array, initial = 0): number {
  const n = data.length;
  if (n < WORD_LOOP_THRESHOLD) return fold(initial + sumBytes(data, 0, n));
  // Bytes before the first 4-aligned address are summed one by one; `head` is their count.
  const head = (4 - (data.byteOffset & 3)) & 3;
  const words = (n - head) >>> 2;
  const view = new Uint32Array(data.buffer, data.byteOffset + head, words);
  let even = 0;
  let odd = 0;
  let j = 0;
  const unrolled = words - (words & 7);
  for (; j < unrolled; j += 8) {
    even += view[j]! + view[j + 2]! + view[j + 4]! + view[j + 6]!;
    odd += view[j + 1]! + view[j + 3]! + view[j + 5]! + view[j + 7]!;
  }
  for (; j < words; j++) even += view[j]!;
  // 2^16 ≡ 1 (mod 0xffff), so a sum of 32-bit words is congruent to the sum of their 16-bit halves.
  let middle = fold(even + odd);
  // Little-endian words give the byte-swapped sum when the middle starts on an even offset; from an odd
  // offset each byte already sits in the half its position gives it.
  if ((head & 1) === 0) middle = ((middle & 0xff) << 8) | (middle >>> 8);
  const tail = head + words * 4;
  return fold(initial + sumBytes(data, 0, head) + middle + sumBytes(data, tail, n));
}

/**
 * The Internet checksum of `data` (RFC 1071): the complement of its one's-complement sum plus
 * `initial`. Verifying data that carries its own checksum gives `0`.
 *
 * @param data - the bytes to checksum.
 * @param initial - a one's-complement sum to include, such as a pseudo-header's (default `0`).
 * @returns the 16-bit checksum to store in a header.
 * @public
 */
export function internetChecksum(data: Uint8Array, initial = 0): number {
  return ~onesComplementSum(data, initial) & 0xffff;
}

/**
 * Updates a checksum after one 16-bit word of the data it covers changed from `oldWord` to `newWord`,
 * without summing the data again (RFC 1624 eqn. 3: `HC' = ~(~HC + ~m + m')`). Apply it twice for a
 * 32-bit field such as an address.
 *
 * @param checksum - the stored checksum.
 * @param oldWord - the 16-bit word before the change.
 * @param newWord - the 16-bit word after the change.
 * @returns the checksum of the changed data.
 * @public
 */
export function updateChecksum(checksum: number, oldWord: number, newWord: number): number {
  return ~fold((~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff)) & 0xffff;
}

/**
 * Completes in place a partial checksum, as a device does for a frame sent with `CHECKSUM_PARTIAL`
 * (virtio-net's `NEEDS_CSUM`): the 16-bit field at `start + offset` holds the pseudo-header sum; the
 * one's-complement sum from `start` to the end of `data` is complemented into it. A result of zero is
 * stored as `0xffff`, as UDP sends it (RFC 768); for TCP the two are the same one's-complement value.
 *
 * @param data - the frame or packet, changed in place.
 * @param start - where the summed part (the transport header) starts.
 * @param offset - where the checksum field is, from `start` (16 for TCP, 6 for UDP).
 * @beta
 */
export function completeChecksum(data: Uint8Array, start: number, offset: number): void {
  let checksum = ~onesComplementSum(data.subarray(start)) & 0xffff;
  if (checksum === 0) checksum = 0xffff;
  data[start + offset] = checksum >>> 8;
  data[start + offset + 1] = checksum & 0xff;
}

/** Sums bytes `[start, end)` of `data` as big-endian words placed by their offset from `data[0]`. */
function sumBytes(data: Uint8Array, start: number, end: number): number {
  let sum = 0;
  let i = start;
  if ((i & 1) === 1 && i < end) sum += data[i++]!;
  const unrolled = end - ((end - i) & 7);
  for (; i < unrolled; i += 8) {
    sum +=
      ((data[i]! << 8) | data[i + 1]!) +
      ((data[i + 2]! << 8) | data[i + 3]!) +
      ((data[i + 4]! << 8) | data[i + 5]!) +
      ((data[i + 6]! << 8) | data[i + 7]!);
  }
  for (; i + 1 < end; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (i < end) sum += data[i]! << 8;
  return sum;
}

/** Folds a non-negative sum to 16 bits as end-around carries would: non-zero multiples of 0xffff give 0xffff. */
function fold(sum: number): number {
  if (sum === 0) return 0;
  const folded = sum % 0xffff;
  return folded === 0 ? 0xffff : folded;
}
