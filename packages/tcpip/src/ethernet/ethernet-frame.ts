/**
 * The Ethernet II header codec: destination and source MAC and the ethertype, 14 bytes in front of
 * every frame. Decoding returns a view of the payload, never a copy.
 *
 * @packageDocumentation
 */

import { Macaddr, type Result, ok } from "@mirage-ts/mirage-types";
import { type DecodeError, decodeError } from "../codec/decode-error.js";

/**
 * The size of an Ethernet II header in bytes.
 *
 * @public
 */
export const ETHERNET_HEADER_SIZE = 14;

/**
 * The ethertypes the stack knows.
 *
 * @public
 */
export const Ethertype = {
  /** IPv4, `0x0800`. */
  ipv4: 0x0800,
  /** ARP, `0x0806`. */
  arp: 0x0806,
  /** IPv6, `0x86dd`. */
  ipv6: 0x86dd,
} as const;

/**
 * A decoded Ethernet II header.
 *
 * @public
 */
export interface EthernetHeader {
  /** The destination MAC. */
  readonly dst: Macaddr;
  /** The source MAC. */
  readonly src: Macaddr;
  /** The 16-bit ethertype; values below `0x0600` are 802.3 lengths, not types. */
  readonly ethertype: number;
}

/**
 * A decoded frame: its header and a view of its payload.
 *
 * @public
 */
export interface EthernetFrame {
  /** The header. */
  readonly header: EthernetHeader;
  /** The payload, a view into the frame. */
  readonly payload: Uint8Array;
}

/**
 * Why a frame was refused: it is shorter than its header.
 *
 * @public
 */
export type EthernetDecodeError = DecodeError<"truncated">;

/**
 * Decodes an Ethernet II frame; the payload is a view into `frame`. Never throws.
 *
 * @returns the header and payload, or the defect.
 * @public
 */
export function decodeEthernetFrame(frame: Uint8Array): Result<EthernetFrame, EthernetDecodeError> {
  if (frame.length < ETHERNET_HEADER_SIZE) {
    return decodeError(
      "truncated",
      `ethernet frame of ${frame.length} bytes is shorter than its ${ETHERNET_HEADER_SIZE}-byte header`,
    );
  }
  const header: EthernetHeader = {
    dst: Macaddr.read(frame, 0),
    src: Macaddr.read(frame, 6),
    ethertype: (frame[12]! << 8) | frame[13]!,
  };
  return ok({ header, payload: frame.subarray(ETHERNET_HEADER_SIZE) });
}

/**
 * Writes an Ethernet II header at `offset` (default 0) of `buffer` and returns its size (14).
 *
 * @throws RangeError if fewer than 14 bytes are available at `offset`.
 * @public
 */
export function encodeEthernetHeader(header: EthernetHeader, buffer: Uint8Array, offset = 0): number {
  if (offset < 0 || offset + ETHERNET_HEADER_SIZE > buffer.length) {
    throw new RangeError(`an ethernet header needs 14 bytes at offset ${offset} of a ${buffer.length}-byte buffer`);
  }
  header.dst.write(buffer, offset);
  header.src.write(buffer, offset + 6);
  buffer[offset + 12] = (header.ethertype >>> 8) & 0xff;
  buffer[offset + 13] = header.ethertype & 0xff;
  return ETHERNET_HEADER_SIZE;
}
