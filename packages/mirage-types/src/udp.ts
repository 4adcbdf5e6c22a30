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
 * What an ICMP error says about a datagram this host sent, independently of the ICMP version:
 * `port_unreachable` is the peer's "nobody listens on that port" (ICMPv4 type 3 code 3, ICMPv6
 * type 1 code 4); `fragmentation_needed` is ICMPv4's "fragmentation needed" or ICMPv6's Packet Too
 * Big; `net_unreachable`, `host_unreachable`, `protocol_unreachable`, `prohibited`,
 * `source_route_failed`, `time_exceeded` and `parameter_problem` the other errors of RFC 792 and
 * RFC 4443.
 *
 * @beta
 */
export type UdpIcmpErrorKind =
  | "net_unreachable"
  | "host_unreachable"
  | "protocol_unreachable"
  | "port_unreachable"
  | "prohibited"
  | "fragmentation_needed"
  | "source_route_failed"
  | "time_exceeded"
  | "parameter_problem";

/**
 * An ICMP error about a UDP datagram this host sent, as {@link Udp.onIcmpError} delivers it
 * (RFC 1122 §4.1.3.3: UDP passes ICMP errors up to the application; RFC 8085 §5.2).
 *
 * @remarks
 * UDP has no sequence number, so the report is only as trustworthy as its ports: an off-path
 * node that guesses them can forge one. Treat it as advice (retry elsewhere, stop sending), not as
 * proof.
 *
 * @beta
 */
export interface UdpIcmpError<A> {
  /** What the error says. */
  readonly kind: UdpIcmpErrorKind;
  /** Who sent the error: the destination host, or a router on the path. */
  readonly from: A;
  /** The ICMP type, as received. */
  readonly type: number;
  /** The ICMP code, as received. */
  readonly code: number;
  /** For `fragmentation_needed`, the MTU of the link the datagram did not fit; 0 otherwise. */
  readonly nextHopMtu: number;
  /** The quoted datagram's source address: one of this host's. */
  readonly src: A;
  /** The quoted datagram's source port. */
  readonly srcPort: number;
  /** The quoted datagram's destination address: the peer. */
  readonly dst: A;
  /** The quoted datagram's destination port. */
  readonly dstPort: number;
  /** The start of the quoted datagram's payload, as much as the error carried (maybe none). */
  readonly quote: Uint8Array;
}

/**
 * Receives the ICMP errors about datagrams sent through a {@link Udp}.
 *
 * @beta
 */
export type UdpIcmpErrorCallback<A> = (error: UdpIcmpError<A>) => void;

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
  /**
   * Delivers the ICMP errors about datagrams sent through this layer (from any source port) to
   * `callback`, replacing any earlier one; `undefined` stops the delivery. Optional: a layer that
   * cannot hear ICMP errors (a socket stack) leaves it out.
   *
   * @beta
   */
  onIcmpError?(callback: UdpIcmpErrorCallback<A> | undefined): void;
}
