/**
 * `Ipv4Stack`: the IPv4 half of a direct stack, composed over one network device: Ethernet, ARP,
 * IPv4, ICMPv4 and UDP, wired the way `Tcpip_stack_direct` wires them (frames demultiplexed by
 * ethertype, datagrams by protocol), with ICMP port and protocol unreachable for closed UDP ports and
 * unknown protocols. TCP plugs in through {@link Ipv4Stack.setTcpInput}, which also takes the ICMP
 * errors quoting TCP segments; those quoting UDP datagrams go to `UdpLayer.icmpError`.
 *
 * {@link Ipv4Stack.connect} creates the layers; {@link Ipv4Stack.ofLayers} composes layers created
 * one by one (as `Tcpip_stack_direct.MakeV4V6` receives them), and `connect` ends there too, so the
 * demultiplexing is wired in one place. The stack is what listens on the device.
 *
 * @packageDocumentation
 */

import type { EthernetHandlers, FrameHandler, NetStats, Network, Random } from "@mirage-ts/mirage-types";
import { ArpLayer, type ArpLimits, type ArpStats } from "../arp/arp-layer.js";
import { type DhcpIpv4ClientOptions, DhcpIpv4Layer } from "../dhcp/dhcp-ipv4-layer.js";
import { ETHERNET_HEADER_SIZE } from "../ethernet/ethernet-frame.js";
import { EthernetLayer, type EthernetStats } from "../ethernet/ethernet-layer.js";
import {
  type Icmpv4ErrorHandler,
  Icmpv4Layer,
  type Icmpv4LayerOptions,
  type Icmpv4Stats,
} from "../icmp/icmpv4-layer.js";
import { UnreachableCode } from "../icmp/icmpv4-message.js";
import { stackLog as log } from "../internal/logs.js";
import { DONE } from "../internal/settled.js";
import { type Ipv4Callback, type Ipv4Handlers, Ipv4Layer, type Ipv4Stats } from "../ipv4/ipv4-layer.js";
import { IpProtocol } from "../ipv4/ipv4-packet.js";
import type { ReassemblyLimits } from "../ipv4/reassembly.js";
import type { Ipv4Config } from "../ipv4/routing.js";
import type { Clock } from "../time/clock.js";
import { UdpLayer, type UdpStats } from "../udp/udp-layer.js";
import { icmpPortUnreachable } from "./port-unreachable.js";

/**
 * Options of {@link Ipv4Stack.connect}.
 *
 * @public
 */
export interface Ipv4StackOptions {
  /** The network device. */
  readonly netif: Network;
  /** The clock of every timer in the stack. */
  readonly clock: Clock;
  /** The randomness of the stack (identifications, ports). */
  readonly random: Random;
  /** A static configuration; omit it (and `dhcp`) to configure later through `ipv4.configure`. */
  readonly config?: Ipv4Config;
  /**
   * Configure the address by DHCP, with these client settings: the IPv4 layer is a
   * {@link DhcpIpv4Layer} and `connect` resolves once the first lease is bound.
   */
  readonly dhcp?: DhcpIpv4ClientOptions;
  /** ARP table limits and timings. */
  readonly arp?: ArpLimits;
  /** Fragment reassembly bounds. */
  readonly reassembly?: ReassemblyLimits;
  /** ICMP error rate limit and ping table size. */
  readonly icmp?: Omit<Icmpv4LayerOptions, "clock">;
  /** Verify IPv4 and UDP checksums on receive (default `true`). */
  readonly verifyChecksums?: boolean;
}

/**
 * The layers {@link Ipv4Stack.ofLayers} composes, each created over the one below: the stack's own
 * layer fields.
 *
 * @remarks
 * `udp` should report closed ports to `icmp` (`onPortUnreachable: icmpPortUnreachable(icmp)`), as
 * in {@link Ipv4Stack.connect}. When `ipv4` is a {@link DhcpIpv4Layer}, it must listen on `netif`.
 *
 * @public
 */
export type Ipv4StackLayers = Pick<Ipv4Stack, "netif" | "ethernet" | "arp" | "ipv4" | "icmp" | "udp">;

/**
 * The counters of every layer of an {@link Ipv4Stack}.
 *
 * @public
 */
export interface Ipv4StackStats {
  /** The device. */
  readonly netif: NetStats;
  /** Ethernet. */
  readonly ethernet: EthernetStats;
  /** ARP. */
  readonly arp: ArpStats;
  /** IPv4. */
  readonly ipv4: Ipv4Stats;
  /** ICMPv4. */
  readonly icmp: Icmpv4Stats;
  /** UDP. */
  readonly udp: UdpStats;
  /** TCP segments dropped because no TCP layer is attached. */
  readonly tcpUnhandled: number;
  /** Errors thrown by listeners (for example a UDP callback) while handling a frame, caught here. */
  readonly listenerErrors: number;
}

/**
 * Ethernet, ARP, IPv4, ICMPv4 and UDP over one network device.
 *
 * @public
 */
export class Ipv4Stack {
  /** The network device. */
  readonly netif: Network;
  /** Ethernet over `netif`. */
  readonly ethernet: EthernetLayer;
  /** ARP over `ethernet`. */
  readonly arp: ArpLayer;
  /** IPv4 over `ethernet` and `arp`, static or a {@link DhcpIpv4Layer}. */
  readonly ipv4: Ipv4Layer;
  /** ICMPv4 over `ipv4`. */
  readonly icmp: Icmpv4Layer;
  /** UDP over `ipv4`. */
  readonly udp: UdpLayer;
  // Made once: the handlers of every frame and datagram, so receiving allocates no closures.
  readonly #link: EthernetHandlers;
  readonly #handlers: Ipv4Handlers;
  #tcpInput: Ipv4Callback | undefined;
  #tcpIcmpError: Icmpv4ErrorHandler | undefined;
  #ipv6Input: ((packet: Uint8Array, flags?: number) => Promise<void>) | undefined;
  #listening: Promise<void> = Promise.resolve();
  #tcpUnhandled = 0;
  #listenerErrors = 0;

  private constructor(layers: Ipv4StackLayers) {
    this.netif = layers.netif;
    this.ethernet = layers.ethernet;
    this.arp = layers.arp;
    this.ipv4 = layers.ipv4;
    this.icmp = layers.icmp;
    this.udp = layers.udp;
    this.#link = {
      arpv4: (packet) => this.arp.input(packet),
      ipv4: (packet, flags) => this.ipv4.input(packet, this.#handlers, flags),
      ipv6: (packet, flags) => this.#ipv6Input?.(packet, flags),
    };
    this.#handlers = {
      tcp: (src, dst, payload, datagram, flags) => {
        if (this.#tcpInput !== undefined) return this.#tcpInput(src, dst, payload, datagram, flags);
        this.#tcpUnhandled++;
      },
      udp: (src, dst, payload, datagram) => this.udp.input(src, dst, payload, datagram),
      default: (proto, src, dst, payload, datagram) => {
        if (proto === IpProtocol.icmp) return this.icmp.input(src, dst, payload);
        if (datagram !== undefined) return this.icmp.sendUnreachable(UnreachableCode.protocol, datagram);
      },
    };
    this.icmp.setErrorHandler((report) => {
      if (report.protocol === IpProtocol.tcp) this.#tcpIcmpError?.(report);
      else if (report.protocol === IpProtocol.udp) this.udp.icmpError(report);
    });
  }

  /**
   * Composes layers created one by one and starts receiving: the stack listens on `layers.netif`,
   * or takes the device over from a {@link DhcpIpv4Layer}, and demultiplexes every frame (ethertype
   * to ARP or IPv4, protocol to ICMP, UDP or TCP).
   *
   * @throws TypeError if `layers.ipv4` is a {@link DhcpIpv4Layer} of another device or stack.
   */
  static ofLayers(layers: Ipv4StackLayers): Ipv4Stack {
    const stack = new Ipv4Stack(layers);
    const failed = (error: unknown): void => {
      stack.#listenerErrors++;
      log.err(() => `a listener failed while handling a frame: ${String(error)}`);
    };
    // A frame handled synchronously (the usual case) returns nothing: no promise for the device to
    // wait on, per frame.
    const receive: FrameHandler = (frame, flags) => {
      const handled = stack.input(frame, flags);
      return handled === DONE ? undefined : handled.catch(failed);
    };
    const { netif, ipv4, udp } = layers;
    stack.#listening =
      ipv4 instanceof DhcpIpv4Layer
        ? ipv4.handOver(netif, receive, udp)
        : netif.listen(ETHERNET_HEADER_SIZE, receive).then(() => undefined);
    return stack;
  }

  /**
   * Builds the stack over `options.netif` and starts receiving, then applies the static
   * configuration (announcing the address with a gratuitous ARP); with `dhcp`, resolves once the
   * first lease is bound.
   *
   * @throws TypeError if both `config` and `dhcp` are given.
   * @throws RangeError if a table limit or DHCP setting is out of range.
   */
  static async connect(options: Ipv4StackOptions): Promise<Ipv4Stack> {
    const { netif, clock, random, config, dhcp } = options;
    if (config !== undefined && dhcp !== undefined) {
      throw new TypeError("Ipv4Stack.connect: give either a static `config` or `dhcp`, not both");
    }
    const verifyChecksums = options.verifyChecksums ?? true;
    const ethernet = new EthernetLayer(netif);
    const arp = new ArpLayer(ethernet, { clock, ...options.arp });
    const ipv4Options = {
      clock,
      random,
      verifyChecksums,
      ...(options.reassembly === undefined ? {} : { reassembly: options.reassembly }),
    };
    const ipv4 =
      dhcp === undefined
        ? new Ipv4Layer(ethernet, arp, ipv4Options)
        : await DhcpIpv4Layer.connect(ethernet, arp, { ...ipv4Options, netif, dhcp });
    const icmp = new Icmpv4Layer(ipv4, { clock, ...options.icmp });
    const udp = new UdpLayer(ipv4, { random, verifyChecksums, onPortUnreachable: icmpPortUnreachable(icmp) });
    const stack = Ipv4Stack.ofLayers({ netif, ethernet, arp, ipv4, icmp, udp });
    if (dhcp === undefined) await ipv4.configure(config);
    return stack;
  }

  /**
   * Attaches (or with `undefined` detaches) the TCP layer's input, and the receiver of the ICMP
   * errors that quote TCP segments (`TcpLayer.icmpError`).
   *
   * @example
   * ```ts
   * stack.setTcpInput((src, dst, segment) => tcp.input(src, dst, segment), (report) => tcp.icmpError(report));
   * ```
   */
  setTcpInput(input: Ipv4Callback | undefined, icmpError?: Icmpv4ErrorHandler): void {
    this.#tcpInput = input;
    this.#tcpIcmpError = input === undefined ? undefined : icmpError;
  }

  /**
   * Attaches (or with `undefined` detaches) the receiver of IPv6 packets (an `Ipv6Layer`'s input,
   * as a {@link DirectStack} wires it); without one, IPv6 frames are ignored.
   */
  setIpv6Input(input: ((packet: Uint8Array, flags?: number) => Promise<void>) | undefined): void {
    this.#ipv6Input = input;
  }

  /**
   * Handles one received frame with the device's `FrameFlags` for it: what the device's listener
   * calls, exposed for tests and fuzzing.
   */
  input(frame: Uint8Array, flags = 0): Promise<void> {
    return this.ethernet.input(frame, this.#link, flags);
  }

  /** Resolves when the device stops delivering frames (it was disconnected). */
  listen(): Promise<void> {
    return this.#listening;
  }

  /** A snapshot of every layer's counters. */
  stats(): Ipv4StackStats {
    return {
      netif: this.netif.getStatsCounters(),
      ethernet: this.ethernet.stats(),
      arp: this.arp.stats(),
      ipv4: this.ipv4.stats(),
      icmp: this.icmp.stats(),
      udp: this.udp.stats(),
      tcpUnhandled: this.#tcpUnhandled,
      listenerErrors: this.#listenerErrors,
    };
  }

  /**
   * Disconnects every layer (a {@link DhcpIpv4Layer} also stops its client), cancelling their
   * timers; the device is left to its owner.
   */
  async disconnect(): Promise<void> {
    this.setTcpInput(undefined);
    this.setIpv6Input(undefined);
    await this.udp.disconnect();
    await this.icmp.disconnect();
    await this.ipv4.disconnect();
    await this.arp.disconnect();
    await this.ethernet.disconnect();
  }
}
