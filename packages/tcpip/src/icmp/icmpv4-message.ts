/**
 * The ICMPv4 message codec (RFC 792): type, code, checksum, four type-specific bytes and data.
 * Decoding verifies the checksum over the whole message.
 *
 * @packageDocumentation
 */

import { type Result, internetChecksum, ok } from "@mirage-ts/mirage-types";
import { type DecodeError, decodeError } from "../codec/decode-error.js";

/**
 * The size of the ICMPv4 header (type, code, checksum and the four type-specific bytes).
 *
 * @public
 */
export const ICMPV4_HEADER_SIZE = 8;

/**
 * ICMPv4 message types the stack sends, answers or reports to transports.
 *
 * @public
 */
export const Icmpv4Type = {
  echoReply: 0,
  destinationUnreachable: 3,
  echoRequest: 8,
  timeExceeded: 11,
  parameterProblem: 12,
} as const;

/**
 * Codes of destination-unreachable messages.
 *
 * @public
 */
export const UnreachableCode = {
  network: 0,
  host: 1,
  protocol: 2,
  port: 3,
  fragmentationNeeded: 4,
} as const;

/**
 * An ICMPv4 message.
 *
 * @public
 */
export interface Icmpv4Message {
  /** The message type ({@link Icmpv4Type}). */
  readonly type: number;
  /** The message code (for unreachable messages, {@link UnreachableCode}). */
  readonly code: number;
  /**
   * The four type-specific header bytes as a 32-bit number: identifier (high 16 bits) and sequence
   * number (low 16 bits) in echo messages, the next-hop MTU (low 16 bits) in fragmentation-needed.
   */
  readonly rest: number;
  /** The data after the header (a view when decoded). */
  readonly data: Uint8Array;
}

/**
 * Why an ICMPv4 message was refused: shorter than its header, or a checksum that does not verify.
 *
 * @public
 */
export type Icmpv4DecodeError = DecodeError<"truncated" | "bad_checksum">;

/**
 * Decodes an ICMPv4 message (an IP payload), verifying its checksum unless `verifyChecksum` is false.
 * Never throws.
 *
 * @returns the message, or the defect.
 * @public
 */
export function decodeIcmpv4Message(
  buffer: Uint8Array,
  verifyChecksum = true,
): Result<Icmpv4Message, Icmpv4DecodeError> {
  if (buffer.length < ICMPV4_HEADER_SIZE) {
    return decodeError(
      "truncated",
      `ICMP message of ${buffer.length} bytes is shorter than its ${ICMPV4_HEADER_SIZE}-byte header`,
    );
  }
  if (verifyChecksum && internetChecksum(buffer) !== 0) return decodeError("bad_checksum", "ICMP checksum mismatch");
  return ok({
    type: buffer[0]!,
    code: buffer[1]!,
    rest: ((buffer[4]! << 24) | (buffer[5]! << 16) | (buffer[6]! << 8) | buffer[7]!) >>> 0,
    data: buffer.subarray(ICMPV4_HEADER_SIZE),
  });
}

/**
 * Encodes an ICMPv4 message into a new buffer, checksum included.
 *
 * @public
 */
export function encodeIcmpv4Message(message: Icmpv4Message): Uint8Array {
  const buffer = new Uint8Array(ICMPV4_HEADER_SIZE + message.data.length);
  buffer[0] = message.type & 0xff;
  buffer[1] = message.code & 0xff;
  buffer[4] = (message.rest >>> 24) & 0xff;
  buffer[5] = (message.rest >>> 16) & 0xff;
  buffer[6] = (message.rest >>> 8) & 0xff;
  buffer[7] = message.rest & 0xff;
  buffer.set(message.data, ICMPV4_HEADER_SIZE);
  const checksum = internetChecksum(buffer);
  buffer[2] = checksum >>> 8;
  buffer[3] = checksum & 0xff;
  return buffer;
}

/**
 * An echo request with identifier `id`, sequence number `seq` and `data`, ready for {@link Icmpv4Layer.write}.
 *
 * @public
 */
export function encodeEchoRequest(id: number, seq: number, data: Uint8Array): Uint8Array {
  return encodeIcmpv4Message({
    type: Icmpv4Type.echoRequest,
    code: 0,
    rest: (((id & 0xffff) << 16) | (seq & 0xffff)) >>> 0,
    data,
  });
}
