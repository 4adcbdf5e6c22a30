/**
 * `Network`: a device that sends and receives whole ethernet frames (`Mirage_net.S`).
 *
 * @packageDocumentation
 */

import type { Device, MsgError } from "./device.js";
import { printError } from "./internal/error-text.js";
import type { Macaddr } from "./macaddr.js";
import type { Result } from "./result.js";

/**
 * Network device errors.
 *
 * @public
 */
export type NetError = { readonly kind: "invalid_length" } | { readonly kind: "disconnected" } | MsgError;

/**
 * Traffic counters of a network device (`Mirage_net.stats`), with the drops the backend can see.
 *
 * @public
 */
export interface NetStats {
  /** Bytes received. */
  rxBytes: number;
  /** Frames received. */
  rxPkts: number;
  /** Bytes sent. */
  txBytes: number;
  /** Frames sent. */
  txPkts: number;
  /**
   * Frames lost on the way in before the device read them (mostly because its queue on the host was
   * full), when the backend can see that count; absent when it cannot. Not in upstream's `Mirage_net.stats`.
   */
  rxDropped?: number;
  /**
   * Frames the device sent that the host dropped, when the backend can see that count; absent when
   * it cannot. Not in upstream's `Mirage_net.stats`.
   */
  txDropped?: number;
}

/**
 * Fills an outgoing buffer and returns how many of its bytes to send.
 *
 * @public
 */
export type FillFunction = (buffer: Uint8Array) => number;

/**
 * What a device tells of a frame it received, as bits of the `flags` a {@link FrameHandler} gets.
 *
 * @beta
 */
export const FrameFlags = {
  /**
   * The device vouches for the frame's TCP or UDP checksum (virtio-net's `DATA_VALID`, Linux's
   * `CHECKSUM_UNNECESSARY`): the receiver need not verify it.
   */
  checksumValid: 1,
  /**
   * The frame's TCP or UDP checksum field holds only its pseudo-header sum (virtio-net's
   * `NEEDS_CSUM`, Linux's `CHECKSUM_PARTIAL`) and the data is vouched for, as with `checksumValid`:
   * whoever passes the frame on to a place that checks it (a capture file, a tunnel, a device
   * without offloads) completes the checksum first. Only a device that offers
   * {@link NetOffloads} delivers such frames.
   */
  checksumPartial: 2,
  /**
   * The frame's buffer is the handler's from now on: the device never reads, writes or reuses it
   * after delivering it, so the handler may keep views of it past its return instead of copying
   * what it needs (a TCP receiver hands large segments' payloads to the application as they are).
   * A device that hands one buffer to several handlers, or takes it back once the handler is done,
   * must not set it, and a wrapper that passes the frame on to more than one place must clear it.
   */
  owned: 4,
} as const;

/**
 * A frame handler: gets each received frame, and the device's {@link FrameFlags} for it (0 or
 * absent: nothing vouched for). The buffer is only valid until the returned promise settles (or the
 * call returns), unless flagged {@link FrameFlags}`.owned`; copy what must outlive it.
 *
 * @public
 */
export type FrameHandler = (frame: Uint8Array, flags?: number) => void | Promise<void>;

/**
 * The offloads a network device performs for the frames written to it with
 * {@link Network.writeOffloaded} (as a virtio-net or tap device's features). A device without the
 * `offloads` method performs none.
 *
 * @beta
 */
export interface NetOffloads {
  /**
   * The device completes the TCP and UDP checksums of frames written with
   * {@link FrameOffload.partialChecksum}.
   */
  readonly checksum: boolean;
  /** The device cuts IPv4 TCP frames written with a {@link FrameOffload.gsoSize} into segments (TSO). */
  readonly tcpv4: boolean;
  /** The device cuts IPv6 TCP frames written with a {@link FrameOffload.gsoSize} into segments (TSO). */
  readonly tcpv6: boolean;
  /**
   * The largest frame (ethernet header included) the device takes when it segments it: at most
   * 65535 bytes of IP packet, as a virtio-net device.
   */
  readonly maxFrame: number;
}

/**
 * What the device is asked to do with one frame it sends, among its {@link NetOffloads}.
 *
 * @beta
 */
export interface FrameOffload {
  /**
   * Cut the frame's TCP payload into segments of this many bytes, the TCP header (options included)
   * copied into each as the kernel's TSO does; 0 for none. Only with `partialChecksum`.
   */
  readonly gsoSize: number;
  /**
   * The frame's TCP or UDP checksum field holds only the folded, non-inverted sum of its
   * pseudo-header (with the whole frame's transport length): the device completes it (per segment).
   */
  readonly partialChecksum: boolean;
}

/**
 * A network interface carrying ethernet frames.
 *
 * @public
 */
export interface Network extends Device {
  /**
   * Sends one frame: `fill` gets a zeroed buffer of `size` bytes and returns the frame length, which
   * must not exceed `size` (else `invalid_length`).
   */
  write(size: number, fill: FillFunction): Promise<Result<void, NetError>>;
  /**
   * {@link Network.write} asking for the device's {@link NetOffloads} on this frame, which may then
   * exceed the MTU up to `maxFrame` when it is to be segmented. Called only on a device whose
   * `offloads` allows what `offload` asks.
   *
   * @beta
   */
  writeOffloaded?(size: number, fill: FillFunction, offload: FrameOffload): Promise<Result<void, NetError>>;
  /**
   * Delivers every received frame to `handler` until the device is disconnected, then resolves.
   * `headerSize` is the link header length the caller expects (14 for ethernet).
   */
  listen(headerSize: number, handler: FrameHandler): Promise<Result<void, NetError>>;
  /** The interface's MAC address. */
  mac(): Macaddr;
  /** The maximum payload of a frame (the ethernet MTU, without the 14-byte header). */
  mtu(): number;
  /** The traffic counters since connect or the last reset. */
  getStatsCounters(): NetStats;
  /** Resets the traffic counters to zero. */
  resetStatsCounters(): void;
  /**
   * The offloads the device performs for frames written with {@link Network.writeOffloaded}; absent
   * or `undefined` for none.
   *
   * @beta
   */
  offloads?(): NetOffloads | undefined;
}

/**
 * Prints a network error with upstream's text.
 *
 * @public
 */
export function ppNetError(error: NetError): string {
  return printError(error, {
    invalid_length: "invalid length (exceeds size)",
    disconnected: "network device is disconnected",
  });
}
