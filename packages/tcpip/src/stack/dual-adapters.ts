/**
 * The dual-stack views of a {@link DirectStack} (`Tcpip_stack_direct.IPV4V6` and the V4V6 UDP and
 * TCP): each dispatches on the address family to the IPv4 or the IPv6 layer. A family the stack does
 * not use (`--ipv4-only`, `--ipv6-only`, or no IPv6 layer) fails writes with `no_route` and
 * connections with a `msg` error naming it, and its packets are never delivered.
 *
 * The adapters only test `version` and forward the same arguments: no allocation is added on the
 * per-segment paths.
 *
 * @packageDocumentation
 */

import {
  type FillFunction,
  type IpError,
  type IpHandlers,
  type IpProto,
  type IpV4V6,
  type IpWriteOptions,
  type Ipaddr,
  Ipv4Addr,
  Ipv6Addr,
  type NetOffloads,
  type Prefix,
  type Result,
  type TcpConnectOptions,
  type TcpError,
  type TcpFlow,
  type TcpListenOptions,
  type Udp,
  type UdpCallback,
  type UdpError,
  type UdpIcmpErrorCallback,
  type UdpWriteOptions,
  checkIpaddr,
  err,
  ppIpError,
} from "@mirage-ts/mirage-types";
import { DONE } from "../internal/settled.js";
import type { Ipv4Layer } from "../ipv4/ipv4-layer.js";
import type { Ipv6Layer } from "../ipv6/ipv6-layer.js";
import type { TcpListenerOptions } from "../tcp/tcp-config.js";
import type { TcpLayer } from "../tcp/tcp-layer.js";
import type { TcpStats } from "../tcp/tcp-stats.js";
import type { UdpLayer } from "../udp/udp-layer.js";

/**
 * The TCP of a {@link DirectStack}: mirage-types' `Tcp` over `Ipaddr`, with the listen backlog and
 * the counters of its TCP layers.
 *
 * @public
 */
export interface DirectStackTcp {
  /**
   * Accepts connections on `port` over every family the stack uses, handing each to `handler`;
   * replaces an earlier listener. `options.backlog` bounds the connections each family's listener
   * holds before `handler` gets them.
   */
  listen(port: number, handler: (flow: TcpFlow<Ipaddr>) => void | Promise<void>, options?: TcpListenerOptions): void;
  /** Stops accepting connections on `port`. */
  unlisten(port: number): void;
  /**
   * Opens a connection to `dst`:`port` over `dst`'s family.
   *
   * @throws TypeError if `dst` is not an address (text from JavaScript: `Ipv4Addr.parse("10.0.0.1")` makes one).
   */
  createConnection(dst: Ipaddr, port: number, options?: TcpConnectOptions): Promise<Result<TcpFlow<Ipaddr>, TcpError>>;
  /** Handles a received segment. */
  input(src: Ipaddr, dst: Ipaddr, segment: Uint8Array): Promise<void>;
  /** A snapshot of the IPv4 TCP layer's state and counters (the IPv6 one's are in the stack's stats). */
  stats(): TcpStats;
  /** Resets every connection of both families. */
  disconnect(): Promise<void>;
}

function familyError(version: 4 | 6): IpError {
  return Object.freeze({ kind: "no_route", reason: `IPv${version} is not used by this stack` });
}

const NO_FAMILY: Record<4 | 6, Promise<Result<never, IpError>>> = {
  4: Promise.resolve(Object.freeze(err(familyError(4)))),
  6: Promise.resolve(Object.freeze(err(familyError(6)))),
};
const NO_FAMILY_TCP: Record<4 | 6, Promise<Result<never, TcpError>>> = {
  4: Promise.resolve(Object.freeze(err(Object.freeze({ kind: "msg" as const, message: ppIpError(familyError(4)) })))),
  6: Promise.resolve(Object.freeze(err(Object.freeze({ kind: "msg" as const, message: ppIpError(familyError(6)) })))),
};

const MIXED: Promise<Result<never, IpError>> = Promise.resolve(
  Object.freeze(
    err(Object.freeze({ kind: "no_route" as const, reason: "the source and destination families differ" })),
  ),
);

/**
 * The family a write goes out on: the destination's; 0 when the source is of the other family,
 * which fails as that family would if it is not used, else as a mixed pair.
 */
function familyOf(dst: Ipaddr, options: { readonly src?: Ipaddr } | undefined): 4 | 6 | 0 {
  const src = options?.src;
  return src === undefined || src.version === dst.version ? dst.version : 0;
}

function refused(dst: Ipaddr, options: { readonly src?: Ipaddr } | undefined, used: (v: 4 | 6) => boolean) {
  const src = options?.src;
  if (src !== undefined && src.version !== dst.version) return used(src.version) ? MIXED : NO_FAMILY[src.version];
  return NO_FAMILY[dst.version];
}

/**
 * Options of {@link DualIp.connect}: Mirage's `--ipv4-only` and `--ipv6-only`.
 *
 * @beta
 */
export interface DualIpOptions {
  /** Use IPv4 only: the IPv6 layer is disconnected and never used. */
  readonly ipv4Only?: boolean;
  /** Use IPv6 only: IPv4 writes fail with `no_route` and IPv4 packets are ignored. */
  readonly ipv6Only?: boolean;
}

/**
 * The IPv4 and IPv6 layers seen through the dual-stack `Ip` signature (upstream
 * `Tcpip_stack_direct.IPV4V6`): each call dispatches on the address family.
 *
 * @beta
 */
export class DualIp implements IpV4V6 {
  readonly #ipv4: Ipv4Layer | undefined;
  readonly #ipv6: Ipv6Layer | undefined;
  readonly #ipv4Mtu: Ipv4Layer;

  /**
   * Dispatches to `ipv4` (when `useIpv4`) and `ipv6` (when given); {@link DualIp.connect} is the
   * usual way to make one.
   */
  constructor(ipv4: Ipv4Layer, useIpv4: boolean, ipv6: Ipv6Layer | undefined) {
    this.#ipv4 = useIpv4 ? ipv4 : undefined;
    this.#ipv4Mtu = ipv4;
    this.#ipv6 = ipv6;
  }

  /**
   * Composes two layers of one interface (upstream `IPV4V6.connect ~ipv4_only ~ipv6_only`). With
   * `ipv4Only` the IPv6 layer is disconnected (its ND timers stop) and left out.
   *
   * @throws TypeError if both `ipv4Only` and `ipv6Only` are set.
   */
  static async connect(ipv4: Ipv4Layer, ipv6: Ipv6Layer, options: DualIpOptions = {}): Promise<DualIp> {
    if (options.ipv4Only === true && options.ipv6Only === true) {
      throw new TypeError("DualIp.connect: `ipv4Only` and `ipv6Only` exclude each other; give at most one");
    }
    if (options.ipv4Only === true) await ipv6.disconnect();
    return new DualIp(ipv4, options.ipv6Only !== true, options.ipv4Only === true ? undefined : ipv6);
  }

  /** The IPv4 layer (also when IPv4 is not used: it answers `mtu` and `src`). */
  get ipv4(): Ipv4Layer {
    return this.#ipv4Mtu;
  }

  /** The IPv6 layer, unless IPv4 only is used. */
  get ipv6(): Ipv6Layer | undefined {
    return this.#ipv6;
  }

  /** Whether IPv4 is used (not `--ipv6-only`). */
  get usesIpv4(): boolean {
    return this.#ipv4 !== undefined;
  }

  input(packet: Uint8Array, handlers: IpHandlers<Ipaddr>): Promise<void> {
    const version = packet[0]! >>> 4;
    if (version === 4 && this.#ipv4 !== undefined) return this.#ipv4.input(packet, handlers);
    if (version === 6 && this.#ipv6 !== undefined) return this.#ipv6.input(packet, handlers);
    return DONE;
  }

  write(
    dst: Ipaddr,
    proto: IpProto,
    fill: FillFunction,
    payload: readonly Uint8Array[],
    options?: IpWriteOptions<Ipaddr>,
  ): Promise<Result<void, IpError>> {
    const family = familyOf(dst, options);
    if (family === 4 && this.#ipv4 !== undefined) {
      return this.#ipv4.write(dst as Ipv4Addr, proto, fill, payload, options as IpWriteOptions<Ipv4Addr>);
    }
    if (family === 6 && this.#ipv6 !== undefined) {
      return this.#ipv6.write(dst as Ipv6Addr, proto, fill, payload, options as IpWriteOptions<Ipv6Addr>);
    }
    return refused(dst, options, (v) => (v === 4 ? this.#ipv4 : this.#ipv6) !== undefined);
  }

  pseudoheader(src: Ipaddr, dst: Ipaddr, proto: IpProto, length: number): Uint8Array {
    if (src.version === 4 && dst.version === 4) return this.#ipv4Mtu.pseudoheader(src, dst, proto, length);
    if (src.version === 6 && dst.version === 6 && this.#ipv6 !== undefined) {
      return this.#ipv6.pseudoheader(src, dst, proto, length);
    }
    throw new TypeError(
      `pseudoheader: ${src.toString()} and ${dst.toString()} are not two addresses of one used family`,
    );
  }

  src(dst: Ipaddr): Ipaddr {
    if (dst.version === 6) return this.#ipv6?.src(dst) ?? Ipv6Addr.unspecified;
    return this.#ipv4Mtu.src(dst);
  }

  configuredIps(): Prefix[] {
    return [...(this.#ipv4?.configuredIps() ?? []), ...(this.#ipv6?.configuredIps() ?? [])];
  }

  mtu(dst: Ipaddr): number {
    // Without IPv6, the MTU an IPv6 packet would have: the fixed header is 20 bytes longer.
    if (dst.version === 6) return this.#ipv6?.mtu(dst) ?? this.#ipv4Mtu.mtu(Ipv4Addr.any) - 20;
    return this.#ipv4Mtu.mtu(dst);
  }

  offloads(dst: Ipaddr): NetOffloads | undefined {
    return dst.version === 6 ? this.#ipv6?.offloads(dst) : this.#ipv4?.offloads(dst);
  }

  async disconnect(): Promise<void> {
    await this.#ipv6?.disconnect();
    await this.#ipv4Mtu.disconnect();
  }
}

/** The UDP layers seen through the dual-stack `Udp` signature. */
export class DualUdp implements Udp<Ipaddr> {
  readonly #udp4: UdpLayer | undefined;
  readonly #udp6: UdpLayer<Ipv6Addr> | undefined;

  constructor(udp4: UdpLayer | undefined, udp6: UdpLayer<Ipv6Addr> | undefined) {
    this.#udp4 = udp4;
    this.#udp6 = udp6;
  }

  listen(port: number, callback: UdpCallback<Ipaddr>): void {
    this.#udp4?.listen(port, callback);
    this.#udp6?.listen(port, callback);
  }

  unlisten(port: number): void {
    this.#udp4?.unlisten(port);
    this.#udp6?.unlisten(port);
  }

  input(src: Ipaddr, dst: Ipaddr, datagram: Uint8Array): Promise<void> {
    if (src.version === 4 && dst.version === 4) return this.#udp4?.input(src, dst, datagram) ?? DONE;
    if (src.version === 6 && dst.version === 6) return this.#udp6?.input(src, dst, datagram) ?? DONE;
    return DONE;
  }

  write(
    dst: Ipaddr,
    dstPort: number,
    payload: Uint8Array,
    options?: UdpWriteOptions<Ipaddr>,
  ): Promise<Result<void, UdpError>> {
    checkIpaddr(dst, "write: dst");
    const family = familyOf(dst, options);
    if (family === 4 && this.#udp4 !== undefined) {
      return this.#udp4.write(dst as Ipv4Addr, dstPort, payload, options as UdpWriteOptions<Ipv4Addr>);
    }
    if (family === 6 && this.#udp6 !== undefined) {
      return this.#udp6.write(dst as Ipv6Addr, dstPort, payload, options as UdpWriteOptions<Ipv6Addr>);
    }
    return refused(dst, options, (v) => (v === 4 ? this.#udp4 : this.#udp6) !== undefined);
  }

  onIcmpError(callback: UdpIcmpErrorCallback<Ipaddr> | undefined): void {
    this.#udp4?.onIcmpError(callback);
    this.#udp6?.onIcmpError(callback);
  }

  async disconnect(): Promise<void> {
    await this.#udp4?.disconnect();
    await this.#udp6?.disconnect();
  }
}

/** The TCP layers seen through the dual-stack `Tcp` signature. */
export class DualTcp implements DirectStackTcp {
  readonly #tcp4: TcpLayer<Ipv4Addr>;
  readonly #use4: boolean;
  readonly #tcp6: TcpLayer<Ipv6Addr> | undefined;

  constructor(tcp4: TcpLayer<Ipv4Addr>, use4: boolean, tcp6: TcpLayer<Ipv6Addr> | undefined) {
    this.#tcp4 = tcp4;
    this.#use4 = use4;
    this.#tcp6 = tcp6;
  }

  listen(
    port: number,
    handler: (flow: TcpFlow<Ipaddr>) => void | Promise<void>,
    options?: TcpListenerOptions | TcpListenOptions,
  ): void {
    if (this.#use4 || this.#tcp6 === undefined) this.#tcp4.listen(port, handler, options);
    this.#tcp6?.listen(port, handler, options);
  }

  unlisten(port: number): void {
    this.#tcp4.unlisten(port);
    this.#tcp6?.unlisten(port);
  }

  createConnection(dst: Ipaddr, port: number, options?: TcpConnectOptions): Promise<Result<TcpFlow<Ipaddr>, TcpError>> {
    checkIpaddr(dst, "createConnection: dst");
    if (dst.version === 4 && this.#use4) return this.#tcp4.createConnection(dst, port, options);
    if (dst.version === 6 && this.#tcp6 !== undefined) return this.#tcp6.createConnection(dst, port, options);
    if (Number.isInteger(port) && port >= 1 && port <= 65535) return NO_FAMILY_TCP[dst.version];
    // An invalid port throws the layer's own RangeError, whatever the family: nothing is sent.
    return this.#tcp4.createConnection(Ipv4Addr.any, port, options);
  }

  input(src: Ipaddr, dst: Ipaddr, segment: Uint8Array): Promise<void> {
    if (src.version === 4 && dst.version === 4) return this.#use4 ? this.#tcp4.input(src, dst, segment) : DONE;
    if (src.version === 6 && dst.version === 6) return this.#tcp6?.input(src, dst, segment) ?? DONE;
    return DONE;
  }

  stats(): TcpStats {
    return this.#tcp4.stats();
  }

  async disconnect(): Promise<void> {
    await this.#tcp4.disconnect();
    await this.#tcp6?.disconnect();
  }
}
