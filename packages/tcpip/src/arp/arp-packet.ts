/**
 * The ARP packet codec for IPv4 over Ethernet (RFC 826): 28 bytes with fixed hardware and protocol
 * types. Anything else (other hardware types, other lengths, unknown operations) is refused.
 *
 * @packageDocumentation
 */

import { Ipv4Addr, Macaddr, type Result, ok } from "@mirage-ts/mirage-types";
import { type DecodeError, decodeError } from "../codec/decode-error.js";

/**
 * The size of an ARP packet for IPv4 over Ethernet.
 *
 * @public
 */
export const ARP_PACKET_SIZE = 28;

/**
 * An ARP request or reply for IPv4 over Ethernet.
 *
 * @public
 */
export interface ArpPacket {
  /** Request (1) or reply (2). */
  readonly operation: "request" | "reply";
  /** Sender hardware address. */
  readonly senderMac: Macaddr;
  /** Sender protocol address. */
  readonly senderIp: Ipv4Addr;
  /** Target hardware address (zero in requests). */
  readonly targetMac: Macaddr;
  /** Target protocol address. */
  readonly targetIp: Ipv4Addr;
}

/**
 * Why an ARP packet was refused: shorter than 28 bytes, or not a request or reply of IPv4 over
 * Ethernet (hardware type, protocol type, address lengths, operation).
 *
 * @public
 */
export type ArpDecodeError = DecodeError<
  "truncated" | "bad_hardware_type" | "bad_protocol_type" | "bad_address_length" | "bad_operation"
>;

/**
 * Decodes an ARP packet (an ethernet payload; trailing padding is ignored). Never throws.
 *
 * @returns the packet, or the defect.
 * @public
 */
export function decodeArpPacket(buffer: Uint8Array): Result<ArpPacket, ArpDecodeError> {
  if (buffer.length < ARP_PACKET_SIZE) {
    return decodeError("truncated", `ARP packet of ${buffer.length} bytes is shorter than ${ARP_PACKET_SIZE}`);
  }
  const htype = (buffer[0]! << 8) | buffer[1]!;
  const ptype = (buffer[2]! << 8) | buffer[3]!;
  if (htype !== 1) return decodeError("bad_hardware_type", `ARP hardware type ${htype} is not Ethernet (1)`);
  if (ptype !== 0x0800) {
    return decodeError("bad_protocol_type", `ARP protocol type 0x${ptype.toString(16)} is not IPv4 (0x800)`);
  }
  if (buffer[4] !== 6 || buffer[5] !== 4) {
    return decodeError("bad_address_length", `ARP address lengths ${buffer[4]}/${buffer[5]} are not 6/4`);
  }
  const op = (buffer[6]! << 8) | buffer[7]!;
  if (op !== 1 && op !== 2) {
    return decodeError("bad_operation", `ARP operation ${op} is neither request (1) nor reply (2)`);
  }
  return ok({
    operation: op === 1 ? "request" : "reply",
    senderMac: Macaddr.read(buffer, 8),
    senderIp: Ipv4Addr.read(buffer, 14),
    targetMac: Macaddr.read(buffer, 18),
    targetIp: Ipv4Addr.read(buffer, 24),
  });
}

/**
 * Writes an ARP packet at `offset` (default 0) of `buffer` and returns its size (28).
 *
 * @throws RangeError if fewer than 28 bytes are available at `offset`.
 * @public
 */
export function encodeArpPacket(packet: ArpPacket, buffer: Uint8Array, offset = 0): number {
  if (offset < 0 || offset + ARP_PACKET_SIZE > buffer.length) {
    throw new RangeError(
      `an ARP packet needs ${ARP_PACKET_SIZE} bytes at offset ${offset} of a ${buffer.length}-byte buffer`,
    );
  }
  buffer.set(ARP_FIXED_HEADER, offset);
  buffer[offset + 7] = packet.operation === "request" ? 1 : 2;
  packet.senderMac.write(buffer, offset + 8);
  packet.senderIp.write(buffer, offset + 14);
  packet.targetMac.write(buffer, offset + 18);
  packet.targetIp.write(buffer, offset + 24);
  return ARP_PACKET_SIZE;
}

// htype Ethernet, ptype IPv4, hlen 6, plen 4, and the high byte of the operation.
const ARP_FIXED_HEADER = Uint8Array.of(0, 1, 8, 0, 6, 4, 0);
