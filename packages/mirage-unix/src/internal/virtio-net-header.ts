/**
 * The virtio-net header a tap with `IFF_VNET_HDR` puts before every frame (Linux
 * `include/uapi/linux/virtio_net.h`, `struct virtio_net_hdr_v1`, 12 bytes, little-endian as the
 * x86-64 and arm64 hosts' native order): what the kernel segments and checksums for us on write, and
 * what it left undone (a partial checksum, a GRO'd large segment) on read.
 *
 * @packageDocumentation
 */

import type { FrameOffload, Result } from "@mirage-ts/mirage-types";
import { err, ok } from "@mirage-ts/mirage-types";

/** The header's size as set with TUNSETVNETHDRSZ. */
export const VNET_HEADER_SIZE = 12;

/** `flags`: the checksum field holds the pseudo-header sum; sum from `csumStart` to the end. */
export const NEEDS_CSUM = 1;
/** `flags`: the checksum was verified. */
export const DATA_VALID = 2;

/** `gsoType` values. */
export const GsoType = { none: 0, tcpv4: 1, udp: 3, tcpv6: 4, udpL4: 5 } as const;
/** `gsoType` bit: the segments carry ECN (CWR on the first). */
export const GSO_ECN = 0x80;

/** `TUN_F_*` bits of TUNSETOFFLOAD: what the kernel may hand the reader. */
export const TunOffload = { csum: 0x01, tso4: 0x02, tso6: 0x04, tsoEcn: 0x08, uso4: 0x20, uso6: 0x40 } as const;

/** A decoded virtio-net header. */
export interface VirtioNetHeader {
  readonly flags: number;
  readonly gsoType: number;
  /** Length of the headers (ethernet, IP, transport): a hint on read. */
  readonly hdrLen: number;
  /** Payload bytes per segment. */
  readonly gsoSize: number;
  readonly csumStart: number;
  readonly csumOffset: number;
}

/** The header of a frame with nothing to do. */
export const PLAIN_HEADER: VirtioNetHeader = {
  flags: 0,
  gsoType: GsoType.none,
  hdrLen: 0,
  gsoSize: 0,
  csumStart: 0,
  csumOffset: 0,
};

const u16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const put16 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
};

/** Writes `header` into the first {@link VNET_HEADER_SIZE} bytes of `buffer` (`num_buffers` 0). */
export function encodeVirtioNetHeader(header: VirtioNetHeader, buffer: Uint8Array): void {
  buffer[0] = header.flags;
  buffer[1] = header.gsoType;
  put16(buffer, 2, header.hdrLen);
  put16(buffer, 4, header.gsoSize);
  put16(buffer, 6, header.csumStart);
  put16(buffer, 8, header.csumOffset);
  put16(buffer, 10, 0);
}

/**
 * Reads the header at the start of what a tap read returned, checking what later steps rely on: a
 * known GSO type, and a checksum field inside the frame when NEEDS_CSUM is set.
 */
export function decodeVirtioNetHeader(buffer: Uint8Array): Result<VirtioNetHeader, string> {
  if (buffer.length < VNET_HEADER_SIZE) return err(`a virtio-net header needs 12 bytes, got ${buffer.length}`);
  const header: VirtioNetHeader = {
    flags: buffer[0]!,
    gsoType: buffer[1]!,
    hdrLen: u16(buffer, 2),
    gsoSize: u16(buffer, 4),
    csumStart: u16(buffer, 6),
    csumOffset: u16(buffer, 8),
  };
  const gso = header.gsoType & ~GSO_ECN;
  if (gso !== GsoType.none && gso !== GsoType.tcpv4 && gso !== GsoType.tcpv6 && gso !== GsoType.udpL4)
    return err(`unknown gso_type ${header.gsoType}`);
  const frameLength = buffer.length - VNET_HEADER_SIZE;
  if ((header.flags & NEEDS_CSUM) !== 0 && header.csumStart + header.csumOffset + 2 > frameLength)
    return err(
      `csum_start ${header.csumStart} + csum_offset ${header.csumOffset} is outside the ${frameLength}-byte frame`,
    );
  return ok(header);
}

const ETHERNET = 14;
const TCP = 6;
const UDP = 17;

/**
 * The header that asks the kernel for `offload` on an outgoing ethernet frame (IPv4 or IPv6 without
 * extension headers, TCP or UDP), or an error naming what the frame lacks.
 */
export function offloadHeader(frame: Uint8Array, offload: FrameOffload): Result<VirtioNetHeader, string> {
  if (!offload.partialChecksum && offload.gsoSize === 0) return ok(PLAIN_HEADER);
  if (frame.length < ETHERNET + 40) return err(`a ${frame.length}-byte frame is too short to offload`);
  const ethertype = (frame[12]! << 8) | frame[13]!;
  let l4: number;
  let protocol: number;
  let v6: boolean;
  if (ethertype === 0x0800) {
    l4 = ETHERNET + (frame[ETHERNET]! & 0x0f) * 4;
    protocol = frame[ETHERNET + 9]!;
    v6 = false;
  } else if (ethertype === 0x86dd) {
    l4 = ETHERNET + 40;
    protocol = frame[ETHERNET + 6]!;
    v6 = true;
  } else {
    return err(`ethertype 0x${ethertype.toString(16)} cannot be offloaded`);
  }
  if (protocol !== TCP && protocol !== UDP) return err(`IP protocol ${protocol} cannot be offloaded`);
  const csumOffset = protocol === TCP ? 16 : 6;
  if (l4 + csumOffset + 2 > frame.length) return err("the transport header is cut short");
  const hdrLen = protocol === TCP ? l4 + (frame[l4 + 12]! >>> 4) * 4 : l4 + 8;
  const segmented = offload.gsoSize > 0 && frame.length - hdrLen > offload.gsoSize;
  if (segmented && protocol !== TCP) return err("only TCP frames are segmented");
  return ok({
    flags: offload.partialChecksum ? NEEDS_CSUM : 0,
    gsoType: segmented ? (v6 ? GsoType.tcpv6 : GsoType.tcpv4) : GsoType.none,
    hdrLen: segmented ? hdrLen : 0,
    gsoSize: segmented ? offload.gsoSize : 0,
    csumStart: offload.partialChecksum ? l4 : 0,
    csumOffset: offload.partialChecksum ? csumOffset : 0,
  });
}
