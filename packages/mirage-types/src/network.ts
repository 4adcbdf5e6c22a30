/**
 * `Network`: a device that sends and receives whole ethernet frames (`Mirage_net.S`).
 *
 * @packageDocumentation
 */

import type { Device, MsgError } from "./device.js";
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
 * A frame handler: gets each received frame. The buffer is only valid until the returned promise
 * settles (or the call returns); copy what must outlive it.
 *
 * @public
 */
export type FrameHandler = (frame: Uint8Array) => void | Promise<void>;

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
}

/**
 * Prints a network error with upstream's text.
 *
 * @public
 */
export function ppNetError(error: NetError): string {
  switch (error.kind) {
    case "invalid_length":
      return "invalid length (exceeds size)";
    case "disconnected":
      return "network device is disconnected";
    case "msg":
      return error.message;
  }
}
