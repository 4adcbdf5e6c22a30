/**
 * `Ip`: the network layer (`Tcpip.Ip.S`), generic over the address family, with its IPv4, IPv6 and
 * dual-stack instances.
 *
 * @packageDocumentation
 */

import type { Device } from "./device.js";
import { printError } from "./internal/error-text.js";
import type { Ipaddr, Prefix } from "./ipaddr.js";
import type { Ipv4Addr } from "./ipv4.js";
import type { Ipv4Prefix } from "./ipv4-prefix.js";
import type { Ipv6Addr } from "./ipv6.js";
import type { Ipv6Prefix } from "./ipv6-prefix.js";
import type { FillFunction, FrameOffload, NetOffloads } from "./network.js";
import type { Result } from "./result.js";

/**
 * The transport protocols the IP layer writes (`Tcpip.Ip.proto`).
 *
 * @public
 */
export type IpProto = "tcp" | "udp" | "icmp";

/**
 * IP errors.
 *
 * @public
 */
export type IpError = { readonly kind: "no_route"; readonly reason: string } | { readonly kind: "would_fragment" };

/**
 * Receives the payload of an IP packet with its addresses.
 *
 * @public
 */
export type IpCallback<A> = (src: A, dst: A, payload: Uint8Array) => void | Promise<void>;

/**
 * Handlers for the payloads `Ip.input` demultiplexes: TCP, UDP, and everything else by protocol number.
 *
 * @public
 */
export interface IpHandlers<A> {
  readonly tcp: IpCallback<A>;
  readonly udp: IpCallback<A>;
  readonly default: (proto: number, src: A, dst: A, payload: Uint8Array) => void | Promise<void>;
}

/**
 * Options of {@link Ip.write}.
 *
 * @public
 */
export interface IpWriteOptions<A> {
  /** Allow fragmentation above the MTU (default `true`); `false` sets don't-fragment. */
  readonly fragment?: boolean;
  /** Time to live / hop limit (default 38, as upstream). */
  readonly ttl?: number;
  /** Source address; chosen by {@link Ip.src} by default. */
  readonly src?: A;
  /** Size of the buffer handed to the fill function (default 0: the header is all in `payload`). */
  readonly size?: number;
  /**
   * The device offloads the packet asks for (given only when {@link Ip.offloads} allows them): with
   * a `gsoSize`, a TCP packet above the MTU is sent whole, for the device to segment.
   *
   * @beta
   */
  readonly offload?: FrameOffload;
}

/**
 * A network layer for addresses `A` and prefixes `P`.
 *
 * @public
 */
export interface Ip<A, P> extends Device {
  /** Handles a received packet (the link-layer payload), delivering its payload to a handler. */
  input(packet: Uint8Array, handlers: IpHandlers<A>): Promise<void>;
  /**
   * Sends a packet to `dst`: `fill` writes the start of the payload (typically the transport header)
   * into a zeroed buffer of `options.size` bytes and returns its length; `payload` follows it.
   */
  write(
    dst: A,
    proto: IpProto,
    fill: FillFunction,
    payload: readonly Uint8Array[],
    options?: IpWriteOptions<A>,
  ): Promise<Result<void, IpError>>;
  /** The pseudo-header for transport checksums of a packet of `length` payload bytes. */
  pseudoheader(src: A, dst: A, proto: IpProto, length: number): Uint8Array;
  /** The source address used to reach `dst`. */
  src(dst: A): A;
  /** The configured addresses with their prefixes. */
  configuredIps(): P[];
  /** The largest payload a packet to `dst` can carry without fragmentation. */
  mtu(dst: A): number;
  /**
   * The offloads of the device that packets to `dst` leave by, for this layer's address family
   * (`tcpv6` false on IPv4 and `tcpv4` false on IPv6); `undefined` for none.
   *
   * @beta
   */
  offloads?(dst: A): NetOffloads | undefined;
}

/**
 * An IPv4 layer.
 *
 * @public
 */
export type Ipv4 = Ip<Ipv4Addr, Ipv4Prefix>;

/**
 * An IPv6 layer.
 *
 * @public
 */
export type Ipv6 = Ip<Ipv6Addr, Ipv6Prefix>;

/**
 * A dual-stack IP layer.
 *
 * @public
 */
export type IpV4V6 = Ip<Ipaddr, Prefix>;

/**
 * Prints an IP error with upstream's text.
 *
 * @public
 */
export function ppIpError(error: IpError): string {
  return printError(error, {
    no_route: (noRoute) => `no route to destination: ${noRoute.reason}`,
    would_fragment: "would fragment",
  });
}

/**
 * Prints an IP protocol as upstream does (`TCP`, `UDP`, `ICMP`).
 *
 * @public
 */
export function ppIpProto(proto: IpProto): string {
  return proto.toUpperCase();
}
