/**
 * The IPv6 fixed header codec (RFC 8200 §3) and the IPv6 pseudo-header of upper-layer checksums
 * (RFC 8200 §8.1). Decoding checks the version and the payload length, trims link-layer padding and
 * returns a view of the payload; it never throws on wire input.
 *
 * @packageDocumentation
 */

import { Ipv6Addr, type Result, err, ok } from "@mirage-ts/mirage-types";
import type { DecodeError } from "../codec/decode-error.js";

/**
 * The size of the IPv6 fixed header.
 *
 * @beta
 */
export const IPV6_HEADER_SIZE = 40;

/**
 * The smallest MTU every IPv6 link has (RFC 8200 §5): paths never go below it.
 *
 * @beta
 */
export const IPV6_MIN_MTU = 1280;

/**
 * The next-header values the IPv6 layer knows.
 *
 * @beta
 */
export const NextHeader = {
  hopByHop: 0,
  tcp: 6,
  udp: 17,
  routing: 43,
  fragment: 44,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  noNextHeader: 59,
  destinationOptions: 60,
} as const;

/**
 * A decoded or to-be-encoded IPv6 fixed header.
 *
 * @beta
 */
export interface Ipv6Header {
  /** The traffic class (DSCP and ECN). */
  readonly trafficClass: number;
  /** The 20-bit flow label. */
  readonly flowLabel: number;
  /** The first next-header value (an extension header or the upper-layer protocol). */
  readonly nextHeader: number;
  /** The hop limit. */
  readonly hopLimit: number;
  /** The source address. */
  readonly src: Ipv6Addr;
  /** The destination address. */
  readonly dst: Ipv6Addr;
}

/**
 * A decoded IPv6 packet: its fixed header and a view of what follows it (trimmed to the payload length).
 *
 * @beta
 */
export interface Ipv6Packet {
  /** The fixed header. */
  readonly header: Ipv6Header;
  /** Extension headers and upper-layer payload, a view into the packet. */
  readonly payload: Uint8Array;
}

/**
 * Why an IPv6 packet was refused; the kind names the counter it is dropped under.
 *
 * @beta
 */
export type Ipv6DecodeError = DecodeError<"truncated" | "bad_version" | "bad_payload_length">;

/**
 * Decodes an IPv6 packet. Jumbograms (payload length 0 with a Jumbo option) are refused as a bad
 * payload length: no link this stack runs on carries them.
 *
 * @beta
 */
export function decodeIpv6Packet(packet: Uint8Array): Result<Ipv6Packet, Ipv6DecodeError> {
  if (packet.length < IPV6_HEADER_SIZE) {
    return err({ kind: "truncated", message: `IPv6 packet of ${packet.length} bytes is shorter than 40` });
  }
  const version = packet[0]! >>> 4;
  if (version !== 6) return err({ kind: "bad_version", message: `IP version ${version} in an IPv6 frame` });
  const payloadLength = (packet[4]! << 8) | packet[5]!;
  if (IPV6_HEADER_SIZE + payloadLength > packet.length) {
    return err({
      kind: "bad_payload_length",
      message: `payload length ${payloadLength} exceeds the ${packet.length - IPV6_HEADER_SIZE} bytes received`,
    });
  }
  return ok({
    header: {
      trafficClass: ((packet[0]! & 0x0f) << 4) | (packet[1]! >>> 4),
      flowLabel: ((packet[1]! & 0x0f) << 16) | (packet[2]! << 8) | packet[3]!,
      nextHeader: packet[6]!,
      hopLimit: packet[7]!,
      src: Ipv6Addr.read(packet, 8),
      dst: Ipv6Addr.read(packet, 24),
    },
    payload: packet.subarray(IPV6_HEADER_SIZE, IPV6_HEADER_SIZE + payloadLength),
  });
}

/**
 * Writes the 40-byte fixed header for a payload of `payloadLength` bytes at `offset` (default 0) of
 * `buffer` and returns its size (40).
 *
 * @throws RangeError if the payload exceeds 65535 bytes or the buffer is too small.
 * @beta
 */
export function encodeIpv6Header(header: Ipv6Header, payloadLength: number, buffer: Uint8Array, offset = 0): number {
  if (payloadLength > 0xffff) throw new RangeError(`an IPv6 payload of ${payloadLength} bytes exceeds 65535`);
  if (offset + IPV6_HEADER_SIZE > buffer.length) {
    throw new RangeError(`an IPv6 header needs 40 bytes at offset ${offset} of a ${buffer.length}-byte buffer`);
  }
  buffer[offset] = 0x60 | ((header.trafficClass >>> 4) & 0x0f);
  buffer[offset + 1] = ((header.trafficClass & 0x0f) << 4) | ((header.flowLabel >>> 16) & 0x0f);
  buffer[offset + 2] = (header.flowLabel >>> 8) & 0xff;
  buffer[offset + 3] = header.flowLabel & 0xff;
  buffer[offset + 4] = payloadLength >>> 8;
  buffer[offset + 5] = payloadLength & 0xff;
  buffer[offset + 6] = header.nextHeader;
  buffer[offset + 7] = header.hopLimit;
  header.src.write(buffer, offset + 8);
  header.dst.write(buffer, offset + 24);
  return IPV6_HEADER_SIZE;
}

/**
 * The 40-byte IPv6 pseudo-header of an upper-layer checksum (RFC 8200 §8.1), as bytes.
 *
 * @beta
 */
export function encodeIpv6PseudoHeader(src: Ipv6Addr, dst: Ipv6Addr, protocol: number, length: number): Uint8Array {
  const bytes = new Uint8Array(40);
  src.write(bytes, 0);
  dst.write(bytes, 16);
  bytes[34] = (length >>> 8) & 0xff;
  bytes[35] = length & 0xff;
  bytes[39] = protocol & 0xff;
  return bytes;
}
