/**
 * `Ipv4Stack`: the IPv4 half of a direct stack, composed over one network device: Ethernet, ARP,
 * IPv4, ICMPv4 and UDP, wired the way `Tcpip_stack_direct` wires them (frames demultiplexed by
 * ethertype, datagrams by protocol), with ICMP port and protocol unreachable for closed UDP ports and
 * unknown protocols. TCP plugs in through {@link Ipv4Stack.setTcpInput}.
 *
 * @packageDocumentation
 */

import type { NetStats, Network, Random } from "@mirage-ts/mirage-types";
import type { Clock } from "../time/clock.js";
import { ETHERNET_HEADER_SIZE } from "../ethernet/ethernet-frame.js";
import { EthernetLayer, type EthernetStats } from "../ethernet/ethernet-layer.js";
import { type ArpLimits, ArpLayer, type ArpStats } from "../arp/arp-layer.js";
import { type Ipv4Callback, type Ipv4Handlers, Ipv4Layer, type Ipv4Stats } from "../ipv4/ipv4-layer.js";
import { IpProtocol } from "../ipv4/ipv4-packet.js";
import type { ReassemblyLimits } from "../ipv4/reassembly.js";
import type { Ipv4Config } from "../ipv4/routing.js";
import { Icmpv4Layer, type Icmpv4LayerOptions, type Icmpv4Stats } from "../icmp/icmpv4-layer.js";
import { UnreachableCode } from "../icmp/icmpv4-message.js";
import { UdpLayer, type UdpStats } from "../udp/udp-layer.js";
import { stackLog as log } from "../internal/logs.js";

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
  /** A static configuration; omit it to configure later, for example from DHCP. */
  readonly config?: Ipv4Config;
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
  /** The Ethernet layer. */
  readonly ethernet: EthernetLayer;
  /** The ARP layer. */
  readonly arp: ArpLayer;
  /** The IPv4 layer. */
  readonly ipv4: Ipv4Layer;
  /** The ICMPv4 layer. */
  readonly icmp: Icmpv4Layer;
  /** The UDP layer. */
  readonly udp: UdpLayer;
  readonly #handlers: Ipv4Handlers;
  #tcpInput: Ipv4Callback | undefined;
  #listening: Promise<void> = Promise.resolve();
  #tcpUnhandled = 0;
  #listenerErrors = 0;

  private constructor(options: Ipv4StackOptions) {
    const { netif, clock, random } = options;
    const verifyChecksums = options.verifyChecksums ?? true;
    this.netif = netif;
    this.ethernet = new EthernetLayer(netif);
    this.arp = new ArpLayer(this.ethernet, { clock, ...options.arp });
    this.ipv4 = new Ipv4Layer(this.ethernet, this.arp, {
      clock,
      random,
      verifyChecksums,
      ...(options.reassembly === undefined ? {} : { reassembly: options.reassembly }),
    });
    this.icmp = new Icmpv4Layer(this.ipv4, { clock, ...options.icmp });
    this.udp = new UdpLayer(this.ipv4, {
      random,
      verifyChecksums,
      onPortUnreachable: (datagram) => this.icmp.sendUnreachable(UnreachableCode.port, datagram),
    });
    this.#handlers = {
      tcp: (src, dst, payload, datagram) => {
        if (this.#tcpInput !== undefined) return this.#tcpInput(src, dst, payload, datagram);
        this.#tcpUnhandled++;
      },
      udp: (src, dst, payload, datagram) => this.udp.input(src, dst, payload, datagram),
      default: (proto, src, dst, payload, datagram) => {
        if (proto === IpProtocol.icmp) return this.icmp.input(src, dst, payload);
        if (datagram !== undefined) return this.icmp.sendUnreachable(UnreachableCode.protocol, datagram);
      },
    };
  }

  /**
   * Builds the stack over `options.netif`, starts receiving, and applies the static configuration
   * (announcing the address with a gratuitous ARP).
   */
  static async connect(options: Ipv4StackOptions): Promise<Ipv4Stack> {
    const stack = new Ipv4Stack(options);
    stack.#listening = stack.netif
      .listen(ETHERNET_HEADER_SIZE, (frame) =>
        stack.input(frame).catch((error: unknown) => {
          stack.#listenerErrors++;
          log.err(() => `a listener failed while handling a frame: ${String(error)}`);
        }),
      )
      .then(() => undefined);
    await stack.ipv4.configure(options.config);
    return stack;
  }

  /** Attaches (or with `undefined` detaches) the TCP layer's input. */
  setTcpInput(input: Ipv4Callback | undefined): void {
    this.#tcpInput = input;
  }

  /** Handles one received frame: what the device's listener calls, exposed for tests and fuzzing. */
  input(frame: Uint8Array): Promise<void> {
    return this.ethernet.input(frame, {
      arpv4: (packet) => this.arp.input(packet),
      ipv4: (packet) => this.ipv4.input(packet, this.#handlers),
      ipv6: () => undefined,
    });
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

  /** Disconnects every layer, cancelling their timers; the device is left to its owner. */
  async disconnect(): Promise<void> {
    this.#tcpInput = undefined;
    await this.udp.disconnect();
    await this.icmp.disconnect();
    await this.ipv4.disconnect();
    await this.arp.disconnect();
    await this.ethernet.disconnect();
  }
}
