/**
 * `DirectStack`: the pure TypeScript implementation of mirage-types' dual-stack `Stack`
 * (`Tcpip_stack_direct.MakeV4V6`) over one network device: an {@link Ipv4Stack} (Ethernet, ARP,
 * IPv4, ICMPv4, UDP), an {@link Ipv6Layer} (with ND, SLAAC, MLD and ICMPv6) on the same Ethernet
 * layer, UDP and TCP over each family, and a {@link DhcpClient} when the IPv4 address comes from DHCP
 * (the IPv4 layer is then a {@link DhcpIpv4Layer}).
 *
 * {@link DirectStack.ofLayers} composes layers created one by one, as upstream's functor does;
 * {@link DirectStack.connect} creates them and composes them the same way. `ipv4Only` and `ipv6Only`
 * (Mirage's `--ipv4-only`, `--ipv6-only`) leave one family out: its writes and connections fail with
 * `{ kind: "no_route" }` (TCP: a `msg` error with the same text) and its packets are ignored.
 *
 * @packageDocumentation
 */

import type { IpV4V6, Ipaddr, Ipv4Addr, Ipv6Addr, Random, Stack, Udp } from "@mirage-ts/mirage-types";
import type { DhcpClient, DhcpStats } from "../dhcp/dhcp-client.js";
import { type DhcpIpv4ClientOptions, DhcpIpv4Layer } from "../dhcp/dhcp-ipv4-layer.js";
import { Icmpv6Type } from "../icmp/icmpv6-message.js";
import { IpProtocol } from "../ipv4/ipv4-packet.js";
import type { Ipv4Config } from "../ipv4/routing.js";
import { Ipv6Layer } from "../ipv6/ipv6-layer.js";
import type { Ipv6Config, Ipv6LayerOptions, Ipv6Stats } from "../ipv6/ipv6-options.js";
import type { TcpConfig } from "../tcp/tcp-config.js";
import { TcpLayer } from "../tcp/tcp-layer.js";
import type { TcpStats } from "../tcp/tcp-stats.js";
import { UdpLayer, type UdpStats } from "../udp/udp-layer.js";
import { type DirectStackTcp, DualIp, DualTcp, DualUdp } from "./dual-adapters.js";
import { Ipv4Stack, type Ipv4StackLayers, type Ipv4StackOptions, type Ipv4StackStats } from "./ipv4-stack.js";

export type { DirectStackTcp } from "./dual-adapters.js";

/**
 * Settings of the DHCP client of a {@link DirectStack}: those of its {@link DhcpIpv4Layer}.
 *
 * @public
 */
export type DirectStackDhcpOptions = DhcpIpv4ClientOptions;

/**
 * Options of {@link DirectStack.connect}: those of {@link Ipv4StackOptions} (device, clock, random,
 * table limits) with the IPv4 address given statically (`ipv4`) or by DHCP, the IPv6 configuration,
 * the families used, and the TCP settings.
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
  /**
   * IPv6: static addresses (`--ipv6`), gateway (`--ipv6-gateway`) and whether router advertisements
   * are accepted (`--accept-router-advertisements`, default `true`). A link-local address is always
   * formed; SLAAC adds addresses from advertised prefixes.
   */
  readonly ipv6?: Ipv6Config;
  /** Bounds and timings of the IPv6 layer (reassembly, neighbour cache, ND lists, ICMPv6 rate). */
  readonly ipv6Limits?: Omit<Ipv6LayerOptions, "clock" | "random" | "config">;
  /** Use IPv4 only (`--ipv4-only`): no IPv6 layer. */
  readonly ipv4Only?: boolean;
  /** Use IPv6 only (`--ipv6-only`): IPv4 stays unconfigured, without DHCP, and is not used. */
  readonly ipv6Only?: boolean;
  /** TCP settings (buffer sizes, timers, limits, congestion control). */
  readonly tcp?: TcpConfig;
}

/**
 * The IPv6 half of a {@link DirectStack}: the IPv6 layer (on the IPv4 half's Ethernet layer), and
 * UDP and TCP over it.
 *
 * @beta
 */
export interface DirectStackIpv6Layers {
  /** IPv6 over the stack's `ethernet`. */
  readonly ipv6: Ipv6Layer;
  /** UDP over `ipv6`. */
  readonly udp6: UdpLayer<Ipv6Addr>;
  /** TCP over `ipv6`. */
  readonly tcp6: TcpLayer<Ipv6Addr>;
}

/**
 * The layers {@link DirectStack.ofLayers} composes: those of an {@link Ipv4Stack}, TCP over the
 * IPv4 layer, and optionally the IPv6 half.
 *
 * @public
 */
export interface DirectStackLayers extends Ipv4StackLayers, Partial<DirectStackIpv6Layers> {
  /** TCP over `ipv4`. */
  readonly tcp: TcpLayer<Ipv4Addr>;
  /** Leave IPv4 out (`--ipv6-only`): its writes fail and its packets are ignored. */
  readonly ipv6Only?: boolean;
}

/**
 * The counters of a {@link DirectStack}: every layer of both families, and the DHCP client if any.
 *
 * @public
 */
export interface DirectStackStats extends Ipv4StackStats {
  /** TCP over IPv4. */
  readonly tcp: TcpStats;
  /** The DHCP client, when the stack uses one. */
  readonly dhcp: DhcpStats | undefined;
  /** IPv6, when the stack uses it. */
  readonly ipv6: Ipv6Stats | undefined;
  /** UDP over IPv6. */
  readonly udp6: UdpStats | undefined;
  /** TCP over IPv6. */
  readonly tcp6: TcpStats | undefined;
}

/**
 * The clock, generator and TCP settings {@link DirectStack.ipv6Transports} builds UDP and TCP with.
 *
 * @beta
 */
export interface DirectStackTransportOptions {
  /** The clock of TCP's timers. */
  readonly clock: DirectStackOptions["clock"];
  /** Ephemeral ports and initial sequence numbers. */
  readonly random: Random;
  /** TCP settings (buffer sizes, timers, limits, congestion control). */
  readonly tcp?: TcpConfig | undefined;
}

/** UDP (reporting closed ports with ICMPv6) and TCP over an IPv6 layer. */
function ipv6Transports(ipv6: Ipv6Layer, options: DirectStackTransportOptions): DirectStackIpv6Layers {
  const { clock, random, tcp } = options;
  const udp6 = new UdpLayer<Ipv6Addr>(ipv6, {
    random,
    onPortUnreachable: (datagram) => ipv6.icmp.sendError(Icmpv6Type.destinationUnreachable, 4, 0, datagram),
  });
  const tcp6 = new TcpLayer<Ipv6Addr>({ ip: ipv6, clock, random, ...(tcp === undefined ? {} : { config: tcp }) });
  return { ipv6, udp6, tcp6 };
}

/** Creates the IPv6 half over the IPv4 half's Ethernet layer. */
function ipv6Half(
  layers: Ipv4Stack,
  options: DirectStackTransportOptions & {
    config: Ipv6Config;
    limits: DirectStackOptions["ipv6Limits"];
  },
): DirectStackIpv6Layers {
  const { clock, random } = options;
  const ipv6 = Ipv6Layer.connect(layers.ethernet, { clock, random, config: options.config, ...options.limits });
  return ipv6Transports(ipv6, options);
}

/**
 * A TCP/IP stack in TypeScript over one network device, implementing mirage-types' `Stack` over
 * IPv4 and IPv6.
 *
 * @example
 * ```ts
 * const stack = await DirectStack.connect({
 *   netif, clock, random,
 *   ipv4: { cidr: Ipv4Prefix.parse("10.0.0.2/24") },
 *   ipv6: { addresses: [Ipv6Prefix.parse("2001:db8::2/64")] },
 * });
 * stack.tcp().listen(80, async (flow) => { await flow.write(body); await flow.close(); });
 * await stack.listen();
 * ```
 *
 * @public
 */
export class DirectStack implements Stack {
  /** The IPv4-side layers (Ethernet, ARP, IPv4, ICMPv4, UDP), for pings, statistics and configuration. */
  readonly layers: Ipv4Stack;
  /** The IPv6 half (IPv6 with ND and ICMPv6, UDP, TCP), unless the stack uses IPv4 only. */
  readonly ipv6Layers: DirectStackIpv6Layers | undefined;
  /** The DHCP client, when the address comes from DHCP (the client of a {@link DhcpIpv4Layer}). */
  readonly dhcpClient: DhcpClient | undefined;
  readonly #ip: DualIp;
  readonly #udp: DualUdp;
  readonly #tcp: DualTcp;
  readonly #stopped: Promise<void>;
  readonly #listening: Promise<void>;
  #stop: () => void = () => undefined;
  #disconnected = false;

  private constructor(
    layers: Ipv4Stack,
    tcp: TcpLayer<Ipv4Addr>,
    v6: DirectStackIpv6Layers | undefined,
    use4: boolean,
  ) {
    this.layers = layers;
    this.ipv6Layers = v6;
    this.dhcpClient = layers.ipv4 instanceof DhcpIpv4Layer ? layers.ipv4.client : undefined;
    this.#ip = new DualIp(layers.ipv4, use4, v6?.ipv6);
    this.#udp = new DualUdp(use4 ? layers.udp : undefined, v6?.udp6);
    this.#tcp = new DualTcp(tcp, use4, v6?.tcp6);
    if (use4) {
      layers.setTcpInput(
        (src, dst, segment, _datagram, flags) => tcp.input(src, dst, segment, flags),
        (report) => tcp.icmpError(report),
      );
    }
    if (v6 !== undefined) {
      const { ipv6, udp6, tcp6 } = v6;
      const handlers = {
        tcp: (src: Ipv6Addr, dst: Ipv6Addr, segment: Uint8Array, _packet?: Uint8Array, flags?: number) =>
          tcp6.input(src, dst, segment, flags),
        udp: (src: Ipv6Addr, dst: Ipv6Addr, datagram: Uint8Array, packet?: Uint8Array) =>
          udp6.input(src, dst, datagram, packet),
        default: () => undefined,
      };
      layers.setIpv6Input((packet, flags) => ipv6.input(packet, handlers, flags));
      // As on IPv4: errors quoting TCP go to TCP, those quoting UDP to UDP's `onIcmpError` callback.
      ipv6.icmp.setErrorHandler((report) => {
        if (report.protocol === IpProtocol.tcp) tcp6.icmpError(report);
        else if (report.protocol === IpProtocol.udp) udp6.icmpError(report);
      });
    }
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
    const { ipv6, udp6, tcp6 } = layers;
    const v6 = ipv6 !== undefined && udp6 !== undefined && tcp6 !== undefined ? { ipv6, udp6, tcp6 } : undefined;
    if (v6 === undefined && (ipv6 !== undefined || udp6 !== undefined || tcp6 !== undefined)) {
      throw new TypeError("DirectStack.ofLayers: give all of `ipv6`, `udp6` and `tcp6`, or none");
    }
    return new DirectStack(Ipv4Stack.ofLayers(layers), layers.tcp, v6, layers.ipv6Only !== true);
  }

  /**
   * UDP and TCP over an IPv6 layer created on its own (upstream `create_ipv6`), for
   * {@link DirectStack.ofLayers}: UDP answers datagrams for closed ports with ICMPv6 port
   * unreachable.
   *
   * @example
   * ```ts
   * const ipv6 = Ipv6Layer.connect(ethernet, { clock, random });
   * const stack = DirectStack.ofLayers({ netif, ethernet, arp, ipv4, icmp, udp, tcp,
   *   ...DirectStack.ipv6Transports(ipv6, { clock, random }) });
   * ```
   *
   * @beta
   */
  static ipv6Transports(ipv6: Ipv6Layer, options: DirectStackTransportOptions): DirectStackIpv6Layers {
    return ipv6Transports(ipv6, options);
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
    const { ipv4, dhcp, tcp, ipv6, ipv6Limits, ipv4Only, ipv6Only, ...rest } = options;
    if (ipv4 !== undefined && dhcp !== undefined && dhcp !== false) {
      throw new TypeError("DirectStack.connect: give either a static `ipv4` configuration or `dhcp`, not both");
    }
    if (ipv4Only === true && ipv6Only === true) {
      throw new TypeError("DirectStack.connect: `ipv4Only` and `ipv6Only` exclude each other; give at most one");
    }
    const use4 = ipv6Only !== true;
    const useDhcp = use4 && (dhcp ?? ipv4 === undefined);
    const layers = await Ipv4Stack.connect({
      ...rest,
      ...(ipv4 === undefined || !use4 ? {} : { config: ipv4 }),
      ...(useDhcp === false ? {} : { dhcp: useDhcp === true ? {} : useDhcp }),
    });
    const { clock, random } = options;
    const v6 =
      ipv4Only === true ? undefined : ipv6Half(layers, { clock, random, config: ipv6 ?? {}, limits: ipv6Limits, tcp });
    const tcp4 = new TcpLayer<Ipv4Addr>({
      ip: layers.ipv4,
      clock,
      random,
      ...(tcp === undefined ? {} : { config: tcp }),
    });
    return new DirectStack(layers, tcp4, v6, use4);
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
    const v6 = this.ipv6Layers;
    return {
      ...this.layers.stats(),
      tcp: this.#tcp.stats(),
      dhcp: this.dhcpClient?.stats(),
      ipv6: v6?.ipv6.stats(),
      udp6: v6?.udp6.stats(),
      tcp6: v6?.tcp6.stats(),
    };
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
    await this.ipv6Layers?.udp6.disconnect();
    await this.ipv6Layers?.ipv6.disconnect();
    await this.layers.disconnect();
    this.#stop();
  }
}
