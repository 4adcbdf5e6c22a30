/**
 * The ICMPv6 message codec (RFC 4443 §2): type, code, checksum over the IPv6 pseudo-header, the
 * 32-bit word after the checksum and the body. Decoding verifies the checksum and never throws.
 *
 * @packageDocumentation
 */

import { type Ipv6Addr, type Result, internetChecksum, ok, onesComplementSum } from "@mirage-ts/mirage-types";
import { type DecodeError, decodeError } from "../codec/decode-error.js";
import { pseudoHeaderSum } from "../ipv4/ipv4-packet.js";
import { NextHeader } from "../ipv6/ipv6-packet.js";

/**
 * ICMPv6 message types used by the stack (RFC 4443, RFC 4861, RFC 3810).
 *
 * @beta
 */
export const Icmpv6Type = {
  destinationUnreachable: 1,
  packetTooBig: 2,
  timeExceeded: 3,
  parameterProblem: 4,
  echoRequest: 128,
  echoReply: 129,
  mldQuery: 130,
  routerSolicitation: 133,
  routerAdvertisement: 134,
  neighborSolicitation: 135,
  neighborAdvertisement: 136,
  redirect: 137,
  mldv2Report: 143,
} as const;

/**
 * A decoded ICMPv6 message.
 *
 * @beta
 */
export interface Icmpv6Message {
  /** The type ({@link Icmpv6Type}). */
  readonly type: number;
  /** The code. */
  readonly code: number;
  /** The 32-bit word after the checksum (identifier and sequence, MTU, pointer, flags...). */
  readonly rest: number;
  /** What follows the first 8 bytes, a view into the packet. */
  readonly body: Uint8Array;
}

/**
 * The size of the ICMPv6 header with the word after the checksum.
 *
 * @beta
 */
export const ICMPV6_HEADER_SIZE = 8;

/**
 * Why an ICMPv6 message was refused: shorter than its header, or a checksum that does not verify.
 *
 * @beta
 */
export type Icmpv6DecodeError = DecodeError<"truncated" | "bad_checksum">;

/**
 * Decodes an ICMPv6 message sent from `src` to `dst`, verifying its checksum. Never throws.
 *
 * @beta
 */
export function decodeIcmpv6Message(
  src: Ipv6Addr,
  dst: Ipv6Addr,
  data: Uint8Array,
): Result<Icmpv6Message, Icmpv6DecodeError> {
  if (data.length < ICMPV6_HEADER_SIZE) {
    return decodeError("truncated", `ICMPv6 message of ${data.length} bytes is shorter than its 8-byte header`);
  }
  if (internetChecksum(data, pseudoHeaderSum(src, dst, NextHeader.icmpv6, data.length)) !== 0) {
    return decodeError("bad_checksum", "ICMPv6 checksum mismatch");
  }
  return ok({
    type: data[0]!,
    code: data[1]!,
    rest: ((data[4]! << 24) | (data[5]! << 16) | (data[6]! << 8) | data[7]!) >>> 0,
    body: data.subarray(ICMPV6_HEADER_SIZE),
  });
}

/**
 * Writes an ICMPv6 header (with its checksum over `body`, which follows it) at `offset` (default 0) of
 * `head` and returns its size (8).
 *
 * @throws RangeError if fewer than 8 bytes are available at `offset`.
 * @beta
 */
export function encodeIcmpv6Header(
  src: Ipv6Addr,
  dst: Ipv6Addr,
  type: number,
  code: number,
  rest: number,
  body: Uint8Array,
  head: Uint8Array,
  offset = 0,
): number {
  if (offset < 0 || offset + ICMPV6_HEADER_SIZE > head.length) {
    throw new RangeError(`an ICMPv6 header needs 8 bytes at offset ${offset} of a ${head.length}-byte buffer`);
  }
  const h = head.subarray(offset, offset + ICMPV6_HEADER_SIZE);
  const length = ICMPV6_HEADER_SIZE + body.length;
  h[0] = type;
  h[1] = code;
  h[2] = 0;
  h[3] = 0;
  h[4] = (rest >>> 24) & 0xff;
  h[5] = (rest >>> 16) & 0xff;
  h[6] = (rest >>> 8) & 0xff;
  h[7] = rest & 0xff;
  const headSum = onesComplementSum(h, pseudoHeaderSum(src, dst, NextHeader.icmpv6, length));
  const checksum = internetChecksum(body, headSum);
  h[2] = checksum >>> 8;
  h[3] = checksum & 0xff;
  return ICMPV6_HEADER_SIZE;
}
