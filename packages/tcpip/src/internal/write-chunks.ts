/**
 * The start of every IP write, shared by the IPv4 and IPv6 layers: the TTL or hop limit checked, the
 * transport's head filled, and the chunks to send.
 *
 * @packageDocumentation
 */

import type { FillFunction } from "@mirage-ts/mirage-types";

const NO_HEAD = new Uint8Array(0);

/**
 * Checks `limit` (TTL or hop limit), fills a head of `size` bytes and returns the chunks of the
 * datagram's payload. Transports that hand their header in `payload` (TCP does) ask for no head:
 * no buffer per packet.
 *
 * @throws RangeError if the limit is out of range or `fill` returns an impossible length.
 */
export function writeChunks(
  limit: number,
  what: "TTL" | "hop limit",
  fill: FillFunction,
  size: number,
  payload: readonly Uint8Array[],
): readonly Uint8Array[] {
  if (!Number.isInteger(limit) || limit < 0 || limit > 255)
    throw new RangeError(`invalid ${what} ${limit}: must be an integer from 0 to 255`);
  const head = size === 0 ? NO_HEAD : new Uint8Array(size);
  const headLength = fill(head);
  if (!Number.isInteger(headLength) || headLength < 0 || headLength > size) {
    throw new RangeError(`the fill function returned ${headLength} for a buffer of ${size} bytes`);
  }
  return headLength > 0 ? [head.subarray(0, headLength), ...payload] : payload;
}
