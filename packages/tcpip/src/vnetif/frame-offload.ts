/**
 * What a device that offers {@link @mirage-ts/mirage-types#NetOffloads} does to a frame written with a
 * {@link @mirage-ts/mirage-types#FrameOffload}: complete a partial TCP or UDP checksum, and cut a large
 * IPv4 or IPv6 TCP frame into segments as the kernel's TSO does (Linux `tcp_gso_segment`, wireguard-go's
 * `gsoSplit`): headers copied, IP length, ID and checksum per segment, sequence numbers advanced,
 * FIN and PSH kept for the last segment, CWR for the first.
 *
 * @packageDocumentation
 */

import { completeChecksum, internetChecksum, onesComplementSum } from "@mirage-ts/mirage-types";
import { ETHERNET_HEADER_SIZE, Ethertype } from "../ethernet/ethernet-frame.js";
import { IpProtocol } from "../ipv4/ipv4-packet.js";
import { TcpFlags } from "../tcp/segment.js";

const { tcp: TCP, udp: UDP } = IpProtocol;
const { FIN, PSH, CWR } = TcpFlags;

/** Where a frame's transport header starts and which protocol it is, or undefined for other frames. */
function transport(frame: Uint8Array): { readonly at: number; readonly protocol: number } | undefined {
  const ip = ETHERNET_HEADER_SIZE;
  if (frame.length < ip + 20) return undefined;
  const ethertype = (frame[12]! << 8) | frame[13]!;
  if (ethertype === Ethertype.ipv4) return { at: ip + (frame[ip]! & 0x0f) * 4, protocol: frame[ip + 9]! };
  if (ethertype === Ethertype.ipv6 && frame.length >= ip + 40) return { at: ip + 40, protocol: frame[ip + 6]! };
  return undefined;
}

/**
 * Completes in place the partial checksum of a TCP or UDP frame (its field holds the pseudo-header
 * sum): the sum from the transport header to the end, seeded with that field, complemented. Returns
 * false, leaving the frame alone, for any other frame.
 */
export function completePartialChecksum(frame: Uint8Array): boolean {
  const l4 = transport(frame);
  if (l4 === undefined || (l4.protocol !== TCP && l4.protocol !== UDP)) return false;
  const offset = l4.protocol === TCP ? 16 : 6;
  if (l4.at + offset + 2 > frame.length) return false;
  completeChecksum(frame, l4.at, offset);
  return true;
}

const put16 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
};

/**
 * Cuts an IPv4 or IPv6 TCP frame into frames of at most `gsoSize` payload bytes each, every one with
 * complete checksums (IPv4's header and TCP's); the frame's own TCP checksum field is ignored.
 * Returns undefined for a frame that is not TCP over IPv4 or over IPv6 without extension headers, or
 * whose headers are cut short.
 */
export function segmentTcp(frame: Uint8Array, gsoSize: number): Uint8Array[] | undefined {
  const l4 = transport(frame);
  if (l4 === undefined || l4.protocol !== TCP || gsoSize <= 0) return undefined;
  if (l4.at + 20 > frame.length) return undefined;
  const headers = l4.at + (frame[l4.at + 12]! >>> 4) * 4;
  if (headers > frame.length) return undefined;
  const ip = ETHERNET_HEADER_SIZE;
  const v4 = frame[12] === 0x08;
  const id = (frame[ip + 4]! << 8) | frame[ip + 5]!;
  const seq =
    ((frame[l4.at + 4]! << 24) | (frame[l4.at + 5]! << 16) | (frame[l4.at + 6]! << 8) | frame[l4.at + 7]!) >>> 0;
  const flags = frame[l4.at + 13]!;
  // The pseudo-header's address part, the same for every segment.
  const addresses = onesComplementSum(v4 ? frame.subarray(ip + 12, ip + 20) : frame.subarray(ip + 8, ip + 40));
  const payload = frame.length - headers;
  const segments: Uint8Array[] = [];
  for (let offset = 0, i = 0; offset < payload || i === 0; offset += gsoSize, i++) {
    const length = Math.min(gsoSize, payload - offset);
    const segment = new Uint8Array(headers + length);
    segment.set(frame.subarray(0, headers));
    segment.set(frame.subarray(headers + offset, headers + offset + length), headers);
    const last = offset + length >= payload;
    const tcpLength = segment.length - l4.at;
    if (v4) {
      put16(segment, ip + 2, segment.length - ip);
      put16(segment, ip + 4, (id + i) & 0xffff);
      put16(segment, ip + 10, 0);
      put16(segment, ip + 10, internetChecksum(segment.subarray(ip, l4.at)));
    } else {
      // IPv6 has no header checksum nor identification: only the payload length changes.
      put16(segment, ip + 4, tcpLength);
    }
    const s = (seq + offset) >>> 0;
    put16(segment, l4.at + 4, s >>> 16);
    put16(segment, l4.at + 6, s & 0xffff);
    segment[l4.at + 13] = flags & ~(last ? 0 : FIN | PSH) & ~(i === 0 ? 0 : CWR);
    put16(segment, l4.at + 16, 0);
    put16(segment, l4.at + 16, internetChecksum(segment.subarray(l4.at), addresses + TCP + tcpLength));
    segments.push(segment);
  }
  return segments;
}
