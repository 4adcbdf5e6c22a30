/**
 * The device offloads a connection uses to send: partial checksums (the device sums the segment) and
 * TCP segmentation (one write of up to 64 KiB that the device cuts into MSS-sized segments, as Linux
 * hands a virtio-net or tap device). Chosen once, from what the IP layer reports of the device.
 *
 * @packageDocumentation
 */

import type { FrameOffload, IpWriteOptions, NetOffloads } from "@mirage-ts/mirage-types";
import { fold } from "./checksum.js";

/** IP header (IPv6's fixed one, the larger) and the longest TCP header, kept out of a burst. */
const HEADROOM = 40 + 60;
/** The largest IP packet. */
const MAX_PACKET = 65535;

/** How one connection's segments leave: the IP write options for each kind of segment. */
export class SegmentOffload<A> {
  /** Whether checksums are left to the device. */
  readonly partialChecksum: boolean;
  /** The most payload bytes one write may carry (0: no segmentation offload). */
  readonly #burstBytes: number;
  readonly #plain: IpWriteOptions<A>;
  readonly #partial: IpWriteOptions<A>;
  /** The options of the last segmented write and their segment size: made once, not per write. */
  #segmented: IpWriteOptions<A> | undefined;
  #segmentedSize = 0;

  constructor(base: IpWriteOptions<A>, offloads: NetOffloads | undefined) {
    this.#plain = base;
    this.partialChecksum = offloads?.checksum === true;
    this.#partial = this.partialChecksum ? { ...base, offload: { gsoSize: 0, partialChecksum: true } } : base;
    const segments = this.partialChecksum && (offloads!.tcpv4 || offloads!.tcpv6);
    this.#burstBytes = segments ? Math.min(MAX_PACKET, offloads!.maxFrame - 14) - HEADROOM : 0;
  }

  /**
   * Whether the last `len` bytes of the data, less than the largest whole-segment write the device
   * takes, wait while `flight` bytes are unacknowledged: while two such writes are in flight. Their
   * ACK is due at once, and an application that keeps that much in flight is streaming, so the tail
   * leaves with what it writes next (as Linux's autocorking holds a small write while earlier ones
   * are still queued). Without segmentation offload nothing waits here (Nagle still applies).
   */
  tailWaits(len: number, flight: number, maxPayload: number): boolean {
    if (this.#burstBytes <= maxPayload) return false;
    const full = this.#burstBytes - (this.#burstBytes % maxPayload);
    return len < full && flight >= 2 * full;
  }

  /**
   * The payload of the next new-data write, at most `wanted` bytes: whole segments of `maxPayload`
   * when the device segments (a partial segment only at the end of the data), one segment otherwise.
   */
  burst(wanted: number, maxPayload: number, unsent: number): number {
    if (this.#burstBytes <= maxPayload || wanted <= maxPayload) return Math.min(wanted, maxPayload);
    const len = Math.min(wanted, this.#burstBytes - (this.#burstBytes % maxPayload));
    return len === unsent ? len : len - (len % maxPayload);
  }

  /**
   * The largest part a cumulative ACK is fed to the congestion controller in: with segmentation
   * offload, the ACK of every other `smss` segment a peer without stretch ACKs sends; whole otherwise.
   */
  ackStep(smss: number): number {
    return this.#burstBytes === 0 ? Number.POSITIVE_INFINITY : 2 * smss;
  }

  /** The write options of a segment with `dataLen` payload bytes, `maxPayload` per wire segment. */
  options(dataLen: number, maxPayload: number): IpWriteOptions<A> {
    if (!this.partialChecksum) return this.#plain;
    if (dataLen <= maxPayload) return this.#partial;
    if (this.#segmented === undefined || this.#segmentedSize !== maxPayload) {
      const offload: FrameOffload = { gsoSize: maxPayload, partialChecksum: true };
      this.#segmented = { ...this.#plain, offload };
      this.#segmentedSize = maxPayload;
    }
    return this.#segmented;
  }
}

/** The checksum field of a segment the device completes: the folded, non-inverted pseudo-header sum. */
export function partialChecksum(pseudo: number, length: number): number {
  return fold(pseudo + length);
}
