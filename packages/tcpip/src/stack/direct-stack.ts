/**
 * `DirectStack`: the pure TypeScript implementation of mirage-types' dual-stack `Stack`
 * (`Tcpip_stack_direct.MakeV4V6`) over one network device: an {@link Ipv4Stack} (Ethernet, ARP,
 * IPv4, ICMPv4, UDP), a {@link TcpLayer} over its IPv4 layer, and a {@link DhcpClient} when the
 * address comes from DHCP (the IPv4 layer is then a {@link DhcpIpv4Layer}).
 *
 * {@link DirectStack.ofLayers} composes layers created one by one, as upstream's functor does;
 * {@link DirectStack.connect} creates them and composes them the same way.
 *
 * IPv6 is not implemented: the stack speaks the `Ipaddr` signatures so applications written against
 * `Stack` run unchanged, but writes and connections to IPv6 addresses fail with
 * `{ kind: "no_route" }` (TCP: a `msg` error with the same text), and IPv6 frames are ignored, so
 * listeners only ever receive IPv4 traffic.
 *
 * The IPv4 layers are handed to the `Ipaddr`-typed signatures by thin adapters that only test
 * `version` and forward the same arguments: no allocation is added on the per-segment paths, and
 * received segments go to the IPv4 TCP layer directly.
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
  type Prefix,
  type Result,
  type Stack,
  type Tcp,
  type TcpConnectOptions,
  type TcpError,
  type TcpFlow,
  type TcpListenOptions,
  type Udp,
  type UdpCallback,
  type UdpError,
  type UdpWriteOptions,
  err,
  ppIpError,
} from "@mirage-ts/mirage-types";
import type { DhcpClient, DhcpStats } from "../dhcp/dhcp-client.js";
import { type DhcpIpv4ClientOptions, DhcpIpv4Layer } from "../dhcp/dhcp-ipv4-layer.js";
import { DONE } from "../internal/settled.js";
import type { Ipv4Layer } from "../ipv4/ipv4-layer.js";
import type { Ipv4Config } from "../ipv4/routing.js";
import type { TcpConfig, TcpListenerOptions } from "../tcp/tcp-config.js";
import { TcpLayer } from "../tcp/tcp-layer.js";
import type { TcpStats } from "../tcp/tcp-stats.js";
import type { UdpLayer } from "../udp/udp-layer.js";
import { Ipv4Stack, type Ipv4StackLayers, type Ipv4StackOptions, type Ipv4StackStats } from "./ipv4-stack.js";

/**
 * Settings of the DHCP client of a {@link DirectStack}: those of its {@link DhcpIpv4Layer}.
 *
 * @public
 */
export type DirectStackDhcpOptions = DhcpIpv4ClientOptions;

/**
 * Options of {@link DirectStack.connect}: those of {@link Ipv4StackOptions} (device, clock, random,
 * table limits) with the address given statically (`ipv4`) or by DHCP, and the TCP settings.
 *
 * @public
 */
export interface DirectStackOptions extends Omit<Ipv4StackOptions, "config" | "dhcp"> {
  /** A static address with its prefix, and an optional default gateway. */
  readonly ipv4?: Ipv4Config;
  /**
   * Configure the address by DHCP (`true`, or the client's settings); the default is DHCP unless
   * `ipv4` is given. `false` without `ipv4` leaves the stack unconfigured (configure it later through
   * `layers.ipv4.configure`).
   */
  readonly dhcp?: boolean | DirectStackDhcpOptions;
  /** TCP settings (buffer sizes, timers, limits, congestion control). */
  readonly tcp?: TcpConfig;
}

/**
 * The layers {@link DirectStack.ofLayers} composes: those of an {@link Ipv4Stack}, and TCP over the
 * IPv4 layer.
 *
 * @public
 */
export interface DirectStackLayers extends Ipv4StackLayers {
  /** TCP over `ipv4`. */
  readonly tcp: TcpLayer<Ipv4Addr>;
}

/**
 * The TCP of a {@link DirectStack}: mirage-types' `Tcp` over `Ipaddr`, with the listen backlog and
 * the counters of its {@link TcpLayer}.
 *
 * @public
 */
export interface DirectStackTcp extends Tcp<Ipaddr> {
  /**
   * Accepts connections on `port`, handing each to `handler`; replaces an earlier listener.
   * `options.backlog` bounds the connections the listener holds before `handler` gets them.
   */
  listen(port: number, handler: (flow: TcpFlow<Ipaddr>) => void | Promise<void>, options?: TcpListenerOptions): void;
  /** A snapshot of the TCP layer's state and counters. */
  stats(): TcpStats;
}

/**
 * The counters of a {@link DirectStack}: every IPv4-side layer, TCP, and the DHCP client if any.
 *
 * @public
 */
export interface DirectStackStats extends Ipv4StackStats {
  /** TCP. */
  readonly tcp: TcpStats;
  /** The DHCP client, when the stack uses one. */
  readonly dhcp: DhcpStats | undefined;
}

const NO_IPV6 = "IPv6 is not implemented by the direct stack";
const NO_IPV6_ERROR: IpError = Object.freeze({ kind: "no_route", reason: NO_IPV6 });
// One shared settled promise: failing an IPv6 write allocates nothing.
const NO_IPV6_RESULT: Promise<Result<never, IpError>> = Promise.resolve(Object.freeze(err(NO_IPV6_ERROR)));
const NO_IPV6_TCP: Promise<Result<never, TcpError>> = Promise.resolve(
  Object.freeze(err(Object.freeze({ kind: "msg" as const, message: ppIpError(NO_IPV6_ERROR) }))),
);
// IPv6's fixed header is 20 bytes longer than IPv4's minimal one.
const IPV6_EXTRA_HEADER = 20;

function isIpv4<T extends { readonly src?: Ipaddr }>(
  options: T | undefined,
): options is T & { readonly src?: Ipv4Addr } {
  return options?.src === undefined || options.src.version === 4;
}

/** The IPv4 layer seen through the dual-stack `Ip` signature. */
class Ipv4OnlyIp implements IpV4V6 {
  readonly #ipv4: Ipv4Layer;

  constructor(ipv4: Ipv4Layer) {
    this.#ipv4 = ipv4;
  }

  input(packet: Uint8Array, handlers: IpHandlers<Ipaddr>): Promise<void> {
    return this.#ipv4.input(packet, handlers);
  }

  write(
    dst: Ipaddr,
    proto: IpProto,
    fill: FillFunction,
    payload: readonly Uint8Array[],
    options?: IpWriteOptions<Ipaddr>,
  ): Promise<Result<void, IpError>> {
    if (dst.version === 6 || !isIpv4(options)) return NO_IPV6_RESULT;
    return this.#ipv4.write(dst, proto, fill, payload, options);
  }

  pseudoheader(src: Ipaddr, dst: Ipaddr, proto: IpProto, length: number): Uint8Array {
    if (src.version === 6 || dst.version === 6) throw new TypeError(`pseudoheader: ${NO_IPV6}`);
    return this.#ipv4.pseudoheader(src, dst, proto, length);
  }

  src(dst: Ipaddr): Ipaddr {
    return dst.version === 6 ? Ipv6Addr.unspecified : this.#ipv4.src(dst);
  }

  configuredIps(): Prefix[] {
    return this.#ipv4.configuredIps();
  }

  mtu(dst: Ipaddr): number {
    return dst.version === 6 ? this.#ipv4.mtu(Ipv4Addr.any) - IPV6_EXTRA_HEADER : this.#ipv4.mtu(dst);
  }

  disconnect(): Promise<void> {
    return this.#ipv4.disconnect();
  }
}

/** The UDP layer seen through the dual-stack `Udp` signature. */
class Ipv4OnlyUdp implements Udp<Ipaddr> {
  readonly #udp: UdpLayer;

  constructor(udp: UdpLayer) {
    this.#udp = udp;
  }

  listen(port: number, callback: UdpCallback<Ipaddr>): void {
    this.#udp.listen(port, callback);
  }

  unlisten(port: number): void {
    this.#udp.unlisten(port);
  }

  input(src: Ipaddr, dst: Ipaddr, datagram: Uint8Array): Promise<void> {
    if (src.version === 6 || dst.version === 6) return DONE;
    return this.#udp.input(src, dst, datagram);
  }

  write(
    dst: Ipaddr,
    dstPort: number,
    payload: Uint8Array,
    options?: UdpWriteOptions<Ipaddr>,
  ): Promise<Result<void, UdpError>> {
    if (dst.version === 6 || !isIpv4(options)) return NO_IPV6_RESULT;
    return this.#udp.write(dst, dstPort, payload, options);
  }

  disconnect(): Promise<void> {
    return this.#udp.disconnect();
  }
}

/** The IPv4 TCP layer seen through the dual-stack `Tcp` signature; connections to IPv6 fail at once. */
class Ipv4OnlyTcp implements DirectStackTcp {
  readonly #tcp: TcpLayer<Ipv4Addr>;

  constructor(tcp: TcpLayer<Ipv4Addr>) {
    this.#tcp = tcp;
  }

  listen(
    port: number,
    handler: (flow: TcpFlow<Ipaddr>) => void | Promise<void>,
    options?: TcpListenerOptions | TcpListenOptions,
  ): void {
    this.#tcp.listen(port, handler, options);
  }

  unlisten(port: number): void {
    this.#tcp.unlisten(port);
  }

  createConnection(dst: Ipaddr, port: number, options?: TcpConnectOptions): Promise<Result<TcpFlow<Ipaddr>, TcpError>> {
    if (dst.version === 4) return this.#tcp.createConnection(dst, port, options);
    if (Number.isInteger(port) && port >= 1 && port <= 65535) return NO_IPV6_TCP;
    // An invalid port throws the layer's own RangeError, whatever the family: nothing is sent.
    return this.#tcp.createConnection(Ipv4Addr.any, port, options);
  }

  input(src: Ipaddr, dst: Ipaddr, segment: Uint8Array): Promise<void> {
    if (src.version === 6 || dst.version === 6) return DONE;
    return this.#tcp.input(src, dst, segment);
  }

  stats(): TcpStats {
    return this.#tcp.stats();
  }

  disconnect(): Promise<void> {
    return this.#tcp.disconnect();
  }
}

/**
 * A TCP/IP stack in TypeScript over one network device, implementing mirage-types' `Stack`
 * (IPv4 only: see the module documentation for what IPv6 addresses do).
 *
 * @example
 * ```ts
 * const stack = await DirectStack.connect({ netif, clock, random, ipv4: { cidr: Ipv4Prefix.parse("10.0.0.2/24") } });
 * stack.tcp().listen(80, async (flow) => { await flow.write(body); await flow.close(); });
 * await stack.listen();
 * ```
 *
 * @public
 */
export class DirectStack implements Stack {
  /** The IPv4-side layers (Ethernet, ARP, IPv4, ICMPv4, UDP), for pings, statistics and configuration. */
  readonly layers: Ipv4Stack;
  /** The DHCP client, when the address comes from DHCP (the client of a {@link DhcpIpv4Layer}). */
  readonly dhcpClient: DhcpClient | undefined;
  readonly #ip: Ipv4OnlyIp;
  readonly #udp: Ipv4OnlyUdp;
  readonly #tcp: Ipv4OnlyTcp;
  readonly #stopped: Promise<void>;
  readonly #listening: Promise<void>;
  #stop: () => void = () => undefined;
  #disconnected = false;

  private constructor(layers: Ipv4Stack, tcp: TcpLayer<Ipv4Addr>) {
    this.layers = layers;
    this.dhcpClient = layers.ipv4 instanceof DhcpIpv4Layer ? layers.ipv4.client : undefined;
    this.#ip = new Ipv4OnlyIp(layers.ipv4);
    this.#udp = new Ipv4OnlyUdp(layers.udp);
    this.#tcp = new Ipv4OnlyTcp(tcp);
    layers.setTcpInput(
      (src, dst, segment) => tcp.input(src, dst, segment),
      (report) => tcp.icmpError(report),
    );
    this.#stopped = new Promise((resolve) => {
      this.#stop = resolve;
    });
    this.#listening = Promise.race([layers.listen(), this.#stopped]);
  }

  /**
   * Composes layers created one by one (upstream `Tcpip_stack_direct.MakeV4V6.connect`) and starts
   * receiving: see {@link Ipv4Stack.ofLayers}. The address is the IPv4 layer's: static, or from its
   * DHCP client when it is a {@link DhcpIpv4Layer}.
   *
   * @example
   * ```ts
   * const ethernet = new EthernetLayer(netif);
   * const arp = new ArpLayer(ethernet, { clock });
   * const ipv4 = await Ipv4Layer.connect(ethernet, arp, {
   *   clock,
   *   random,
   *   config: { cidr: Ipv4Prefix.parse("10.0.0.2/24") },
   * });
   * const icmp = new Icmpv4Layer(ipv4, { clock });
   * const udp = new UdpLayer(ipv4, { random, onPortUnreachable: icmpPortUnreachable(icmp) });
   * const tcp = new TcpLayer({ ip: ipv4, clock, random });
   * const stack = DirectStack.ofLayers({ netif, ethernet, arp, ipv4, icmp, udp, tcp });
   * ```
   *
   * @throws TypeError if `layers.ipv4` is a {@link DhcpIpv4Layer} of another device or stack.
   */
  static ofLayers(layers: DirectStackLayers): DirectStack {
    return new DirectStack(Ipv4Stack.ofLayers(layers), layers.tcp);
  }

  /**
   * Builds the stack over `options.netif` and configures its address: the static `ipv4`, or by DHCP,
   * in which case it resolves once the first lease is bound (and waits as long as no server answers,
   * as upstream does).
   *
   * @throws TypeError if both `ipv4` and `dhcp` are asked for.
   * @throws RangeError if a TCP or DHCP setting is out of range.
   */
  static async connect(options: DirectStackOptions): Promise<DirectStack> {
    const { ipv4, dhcp, tcp, ...rest } = options;
    if (ipv4 !== undefined && dhcp !== undefined && dhcp !== false) {
      throw new TypeError("DirectStack.connect: give either a static `ipv4` configuration or `dhcp`, not both");
    }
    const useDhcp = dhcp ?? ipv4 === undefined;
    const tcpLayerOptions = {
      clock: options.clock,
      random: options.random,
      ...(tcp === undefined ? {} : { config: tcp }),
    };
    const layers = await Ipv4Stack.connect({
      ...rest,
      ...(ipv4 === undefined ? {} : { config: ipv4 }),
      ...(useDhcp === false ? {} : { dhcp: useDhcp === true ? {} : useDhcp }),
    });
    return new DirectStack(layers, new TcpLayer<Ipv4Addr>({ ip: layers.ipv4, ...tcpLayerOptions }));
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Stack.udp} */
  udp(): Udp<Ipaddr> {
    return this.#udp;
  }

  /** The TCP layer, with its listen backlog and counters. */
  tcp(): DirectStackTcp {
    return this.#tcp;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Stack.ip} */
  ip(): IpV4V6 {
    return this.#ip;
  }

  /** Resolves when the stack is disconnected or its device stops delivering frames. */
  listen(): Promise<void> {
    return this.#listening;
  }

  /** A snapshot of every layer's counters. */
  stats(): DirectStackStats {
    return { ...this.layers.stats(), tcp: this.#tcp.stats(), dhcp: this.dhcpClient?.stats() };
  }

  /**
   * Stops the DHCP client (keeping the lease on the server), resets every TCP connection, disconnects
   * every layer (cancelling their timers) and resolves {@link DirectStack.listen}. The device is left
   * to its owner. Calling it again does nothing.
   */
  async disconnect(): Promise<void> {
    if (this.#disconnected) return;
    this.#disconnected = true;
    await this.#tcp.disconnect();
    await this.layers.disconnect();
    this.#stop();
  }
}
