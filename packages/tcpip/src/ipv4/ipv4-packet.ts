/**
 * The IPv4 header codec (RFC 791). Decoding checks the version, header length, total length and
 * header checksum, trims link-layer padding after the total length, and returns a view of the
 * payload. Options are kept as raw bytes and never interpreted, so a malformed option cannot hurt.
 *
 * @packageDocumentation
 */

import { type Ipaddr, Ipv4Addr, Ipv6Addr, type Result, err, internetChecksum, ok } from "@mirage-ts/mirage-types";
import type { DecodeError } from "../codec/decode-error.js";

/**
 * The size of an IPv4 header without options.
 *
 * @public
 */
export const IPV4_HEADER_SIZE = 20;

/**
 * The IP protocol numbers the stack knows.
 *
 * @public
 */
export const IpProtocol = {
  icmp: 1,
  tcp: 6,
  udp: 17,
} as const;

/**
 * A decoded or to-be-encoded IPv4 header.
 *
 * @public
 */
export interface Ipv4Header {
  /** The type-of-service byte (DSCP and ECN). */
  readonly tos: number;
  /** The identification of the datagram, shared by its fragments. */
  readonly id: number;
  /** The don't-fragment flag. */
  readonly dontFragment: boolean;
  /** The more-fragments flag. */
  readonly moreFragments: boolean;
  /** The fragment offset in bytes (a multiple of 8). */
  readonly fragmentOffset: number;
  /** Time to live. */
  readonly ttl: number;
  /** The payload's protocol number ({@link IpProtocol}). */
  readonly protocol: number;
  /** The source address. */
  readonly src: Ipv4Addr;
  /** The destination address. */
  readonly dst: Ipv4Addr;
  /** The raw option bytes (a multiple of 4, at most 40), empty when there are none. */
  readonly options: Uint8Array;
}

/**
 * A decoded IPv4 packet: its header and a view of its payload (trimmed to the total length).
 *
 * @public
 */
export interface Ipv4Packet {
  /** The header. */
  readonly header: Ipv4Header;
  /** The header length in bytes, options included. */
  readonly headerLength: number;
  /** The payload, a view into the packet. */
  readonly payload: Uint8Array;
}

/**
 * Why an IPv4 packet was refused: the kind names the counter it is dropped under.
 *
 * @public
 */
export type Ipv4DecodeError = DecodeError<
  "truncated" | "bad_version" | "bad_header_length" | "bad_total_length" | "bad_checksum"
>;

/**
 * Decodes an IPv4 packet (an ethernet payload). The header checksum is verified unless
 * `verifyChecksum` is `false`. Never throws.
 *
 * @public
 */
export function decodeIpv4Packet(buffer: Uint8Array, verifyChecksum = true): Result<Ipv4Packet, Ipv4DecodeError> {
  if (buffer.length < IPV4_HEADER_SIZE) {
    return err({
      kind: "truncated",
      message: `IPv4 packet of ${buffer.length} bytes is shorter than a 20-byte header`,
    });
  }
  const version = buffer[0]! >>> 4;
  if (version !== 4) return err({ kind: "bad_version", message: `IP version ${version} in an IPv4 packet` });
  const headerLength = (buffer[0]! & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_SIZE || headerLength > buffer.length) {
    return err({
      kind: "bad_header_length",
      message: `IPv4 header length ${headerLength} is outside 20..${Math.min(60, buffer.length)}`,
    });
  }
  const totalLength = (buffer[2]! << 8) | buffer[3]!;
  if (totalLength < headerLength || totalLength > buffer.length) {
    return err({
      kind: "bad_total_length",
      message: `IPv4 total length ${totalLength} is outside ${headerLength}..${buffer.length}`,
    });
  }
  if (verifyChecksum && internetChecksum(buffer.subarray(0, headerLength)) !== 0) {
    return err({ kind: "bad_checksum", message: "IPv4 header checksum mismatch" });
  }
  const flagsOffset = (buffer[6]! << 8) | buffer[7]!;
  const header: Ipv4Header = {
    tos: buffer[1]!,
    id: (buffer[4]! << 8) | buffer[5]!,
    dontFragment: (flagsOffset & 0x4000) !== 0,
    moreFragments: (flagsOffset & 0x2000) !== 0,
    fragmentOffset: (flagsOffset & 0x1fff) * 8,
    ttl: buffer[8]!,
    protocol: buffer[9]!,
    src: Ipv4Addr.read(buffer, 12),
    dst: Ipv4Addr.read(buffer, 16),
    options: buffer.subarray(IPV4_HEADER_SIZE, headerLength),
  };
  return ok({ header, headerLength, payload: buffer.subarray(headerLength, totalLength) });
}

/**
 * Writes an IPv4 header for a payload of `payloadLength` bytes at `offset` (default 0) of `buffer`,
 * checksum included, and returns the header length.
 *
 * @throws RangeError if a field is out of range or the buffer is too small.
 * @public
 */
export function encodeIpv4Header(header: Ipv4Header, payloadLength: number, buffer: Uint8Array, offset = 0): number {
  const optionsLength = header.options.length;
  if (optionsLength % 4 !== 0 || optionsLength > 40) {
    throw new RangeError(`IPv4 options must be a multiple of 4 bytes up to 40, got ${optionsLength}`);
  }
  const headerLength = IPV4_HEADER_SIZE + optionsLength;
  const totalLength = headerLength + payloadLength;
  if (totalLength > 0xffff) throw new RangeError(`IPv4 total length ${totalLength} exceeds 65535`);
  if (header.fragmentOffset % 8 !== 0 || header.fragmentOffset > 0x1fff * 8) {
    throw new RangeError(`IPv4 fragment offset ${header.fragmentOffset} is not a multiple of 8 up to 65528`);
  }
  if (offset < 0 || offset + headerLength > buffer.length) {
    throw new RangeError(
      `an IPv4 header needs ${headerLength} bytes at offset ${offset} of a ${buffer.length}-byte buffer`,
    );
  }
  const flagsOffset =
    (header.dontFragment ? 0x4000 : 0) | (header.moreFragments ? 0x2000 : 0) | (header.fragmentOffset / 8);
  buffer[offset] = 0x40 | (headerLength / 4);
  buffer[offset + 1] = header.tos & 0xff;
  buffer[offset + 2] = totalLength >>> 8;
  buffer[offset + 3] = totalLength & 0xff;
  buffer[offset + 4] = (header.id >>> 8) & 0xff;
  buffer[offset + 5] = header.id & 0xff;
  buffer[offset + 6] = flagsOffset >>> 8;
  buffer[offset + 7] = flagsOffset & 0xff;
  buffer[offset + 8] = header.ttl & 0xff;
  buffer[offset + 9] = header.protocol & 0xff;
  buffer[offset + 10] = 0;
  buffer[offset + 11] = 0;
  header.src.write(buffer, offset + 12);
  header.dst.write(buffer, offset + 16);
  buffer.set(header.options, offset + IPV4_HEADER_SIZE);
  const checksum = internetChecksum(buffer.subarray(offset, offset + headerLength));
  buffer[offset + 10] = checksum >>> 8;
  buffer[offset + 11] = checksum & 0xff;
  return headerLength;
}

/**
 * The one's-complement sum of the pseudo-header of a transport segment: source, destination,
 * protocol and length — IPv4's (RFC 768, RFC 793) for two IPv4 addresses, IPv6's (RFC 8200 §8.1)
 * otherwise. Pass it as the initial value of {@link @mirage-ts/mirage-types#internetChecksum} over the
 * segment.
 *
 * @public
 */
export function pseudoHeaderSum(src: Ipaddr, dst: Ipaddr, protocol: number, length: number): number {
  const sum =
    src.version === 4 && dst.version === 4
      ? wordSum(src.toNumber()) + wordSum(dst.toNumber()) + protocol + length
      : addressSum(src) + addressSum(dst) + protocol + (length >>> 16) + (length & 0xffff);
  return sum % 0xffff || (sum === 0 ? 0 : 0xffff);
}

function wordSum(word: number): number {
  return (word >>> 16) + (word & 0xffff);
}

function addressSum(address: Ipaddr): number {
  if (address.version === 4) return addressSum(Ipv6Addr.fromIpv4(address));
  const [w0, w1, w2, w3] = address.toWords();
  return wordSum(w0) + wordSum(w1) + wordSum(w2) + wordSum(w3);
}

/**
 * The 12-byte IPv4 pseudo-header of a transport segment, as bytes.
 *
 * @public
 */
export function encodePseudoHeader(src: Ipv4Addr, dst: Ipv4Addr, protocol: number, length: number): Uint8Array {
  const bytes = new Uint8Array(12);
  src.write(bytes, 0);
  dst.write(bytes, 4);
  bytes[9] = protocol & 0xff;
  bytes[10] = (length >>> 8) & 0xff;
  bytes[11] = length & 0xff;
  return bytes;
}
