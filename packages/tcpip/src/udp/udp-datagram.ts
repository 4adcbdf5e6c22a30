/**
 * The UDP header codec (RFC 768). Decoding checks the length field against the IP payload, trims
 * what follows it, and verifies a non-zero checksum over the IPv4 or IPv6 pseudo-header (zero, "none", is
 * refused over IPv6).
 *
 * @packageDocumentation
 */

import { type Ipaddr, type Result, err, internetChecksum, ok, onesComplementSum } from "@mirage-ts/mirage-types";
import type { DecodeError } from "../codec/decode-error.js";
import { checkPort } from "../internal/checks.js";
import { IpProtocol, pseudoHeaderSum } from "../ipv4/ipv4-packet.js";

/**
 * The size of the UDP header.
 *
 * @public
 */
export const UDP_HEADER_SIZE = 8;

/**
 * A decoded UDP datagram.
 *
 * @public
 */
export interface UdpDatagram {
  /** The source port. */
  readonly srcPort: number;
  /** The destination port. */
  readonly dstPort: number;
  /** The checksum field; `0` means the sender computed none. */
  readonly checksum: number;
  /** The payload (a view, trimmed to the length field). */
  readonly payload: Uint8Array;
}

/**
 * Why a UDP datagram was refused: the kind names the counter it is dropped under.
 *
 * @public
 */
export type UdpDecodeError = DecodeError<"truncated" | "bad_length" | "bad_checksum">;

/**
 * Decodes a UDP datagram carried from `src` to `dst`; a non-zero checksum is verified. Never throws.
 *
 * @public
 */
export function decodeUdpDatagram(
  src: Ipaddr,
  dst: Ipaddr,
  buffer: Uint8Array,
  verifyChecksum = true,
): Result<UdpDatagram, UdpDecodeError> {
  if (buffer.length < UDP_HEADER_SIZE) {
    return err({
      kind: "truncated",
      message: `UDP datagram of ${buffer.length} bytes is shorter than its 8-byte header`,
    });
  }
  const length = (buffer[4]! << 8) | buffer[5]!;
  if (length < UDP_HEADER_SIZE || length > buffer.length) {
    return err({ kind: "bad_length", message: `UDP length ${length} is outside 8..${buffer.length}` });
  }
  const datagram = buffer.subarray(0, length);
  const checksum = (buffer[6]! << 8) | buffer[7]!;
  // Over IPv6 the checksum is mandatory (RFC 8200 §8.1): a zero one is refused.
  if (checksum === 0 && (src.version === 6 || dst.version === 6)) {
    return err({ kind: "bad_checksum", message: "UDP over IPv6 without a checksum" });
  }
  if (verifyChecksum && checksum !== 0) {
    if (internetChecksum(datagram, pseudoHeaderSum(src, dst, IpProtocol.udp, length)) !== 0) {
      return err({ kind: "bad_checksum", message: "UDP checksum mismatch" });
    }
  }
  return ok({
    srcPort: (buffer[0]! << 8) | buffer[1]!,
    dstPort: (buffer[2]! << 8) | buffer[3]!,
    checksum,
    payload: datagram.subarray(UDP_HEADER_SIZE),
  });
}

/**
 * Writes the 8-byte UDP header for `payload` sent from `src`:`srcPort` to `dst`:`dstPort` at `offset`
 * (default 0) of `buffer`, with its checksum (a computed `0` is sent as `0xffff`, RFC 768), and returns
 * its size (8).
 *
 * @throws RangeError if a port is out of range, the datagram exceeds 65535 bytes or the buffer is too small.
 * @public
 */
export function encodeUdpHeader(
  src: Ipaddr,
  dst: Ipaddr,
  srcPort: number,
  dstPort: number,
  payload: Uint8Array,
  buffer: Uint8Array,
  offset = 0,
): number {
  checkPort(srcPort);
  checkPort(dstPort);
  const length = UDP_HEADER_SIZE + payload.length;
  if (length > 0xffff) throw new RangeError(`UDP datagram of ${length} bytes exceeds 65535`);
  if (offset < 0 || offset + UDP_HEADER_SIZE > buffer.length) {
    throw new RangeError(`a UDP header needs 8 bytes at offset ${offset} of a ${buffer.length}-byte buffer`);
  }
  const header = buffer.subarray(offset, offset + UDP_HEADER_SIZE);
  header[0] = srcPort >>> 8;
  header[1] = srcPort & 0xff;
  header[2] = dstPort >>> 8;
  header[3] = dstPort & 0xff;
  header[4] = length >>> 8;
  header[5] = length & 0xff;
  header[6] = 0;
  header[7] = 0;
  // The header is 8 bytes (even), so its sum chains into the payload's.
  const headerSum = onesComplementSum(header, pseudoHeaderSum(src, dst, IpProtocol.udp, length));
  const checksum = internetChecksum(payload, headerSum) || 0xffff;
  header[6] = checksum >>> 8;
  header[7] = checksum & 0xff;
  return UDP_HEADER_SIZE;
}
