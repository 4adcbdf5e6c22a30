/**
 * `Udp`: datagrams over an IP layer (`Tcpip.Udp.S`).
 *
 * @packageDocumentation
 */

import type { Device } from "./device.js";
import type { IpError } from "./ip.js";
import type { Result } from "./result.js";

/**
 * UDP write errors: those of the IP layer below.
 *
 * @public
 */
export type UdpError = IpError;

/**
 * Receives a datagram: its source and destination addresses, source port and payload.
 *
 * @public
 */
export type UdpCallback<A> = (src: A, dst: A, srcPort: number, payload: Uint8Array) => void | Promise<void>;

/**
 * Options of {@link Udp.write}.
 *
 * @public
 */
export interface UdpWriteOptions<A> {
  /** Source address; the IP layer's choice by default. */
  readonly src?: A;
  /** Source port; a random ephemeral port by default. */
  readonly srcPort?: number;
  readonly ttl?: number;
}

/**
 * A UDP layer for addresses `A`.
 *
 * @public
 */
export interface Udp<A> extends Device {
  /** Delivers datagrams to `port` to `callback`, replacing any earlier listener; `RangeError` outside 0..65535. */
  listen(port: number, callback: UdpCallback<A>): void;
  /** Stops delivering datagrams to `port`. */
  unlisten(port: number): void;
  /** Handles a received UDP datagram (the IP payload). */
  input(src: A, dst: A, datagram: Uint8Array): Promise<void>;
  /** Sends `payload` to `dst`:`dstPort`. */
  write(dst: A, dstPort: number, payload: Uint8Array, options?: UdpWriteOptions<A>): Promise<Result<void, UdpError>>;
}
