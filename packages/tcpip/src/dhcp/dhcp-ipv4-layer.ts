/**
 * `DhcpIpv4Layer`: an IPv4 layer whose address comes from DHCP (upstream `Dhcp_ipv4`, the device
 * behind `Mirage.ipv4_of_dhcp`). {@link DhcpIpv4Layer.connect} resolves once the first lease is
 * bound, and the client keeps renewing it.
 *
 * Frames must flow before any stack exists, and a network device has one listener, so the layer
 * listens on the device itself, answering ARP and feeding DHCP replies to a UDP layer of its own.
 * A stack built over it ({@link Ipv4Stack.ofLayers}) does not listen again: it takes the layer's
 * listener over ({@link DhcpIpv4Layer.handOver}) and the client moves to the stack's UDP layer.
 * When the ARP layer can probe (an {@link ArpLayer}), the client checks each new address with it
 * before binding it: the probes go out through `ethernet`, and the answers come back through the
 * layer's (or the stack's) ARP input.
 *
 * @packageDocumentation
 */

import {
  type Arp,
  type Ethernet,
  type EthernetHandlers,
  type FrameHandler,
  type Ipv4Addr,
  type NetError,
  type Network,
  type Result,
  type Udp,
  ppNetError,
} from "@mirage-ts/mirage-types";
import type { ArpProber } from "../arp/arp-probe.js";
import { ETHERNET_HEADER_SIZE } from "../ethernet/ethernet-frame.js";
import { dhcpLog as log } from "../internal/logs.js";
import { type Ipv4Handlers, Ipv4Layer, type Ipv4LayerOptions } from "../ipv4/ipv4-layer.js";
import { UdpLayer } from "../udp/udp-layer.js";
import { DhcpClient, type DhcpClientOptions } from "./dhcp-client.js";
import { MovableUdp } from "./movable-udp.js";

/**
 * Settings of the DHCP client of a {@link DhcpIpv4Layer}: those of {@link DhcpClientOptions} the
 * layer does not supply itself.
 *
 * @public
 */
export type DhcpIpv4ClientOptions = Omit<DhcpClientOptions, "udp" | "ipv4" | "mac" | "clock" | "random" | "arp">;

/**
 * Options of {@link DhcpIpv4Layer.connect}: the network device, those of an {@link Ipv4Layer} but
 * the static configuration, and the client's settings.
 *
 * @public
 */
export interface DhcpIpv4LayerOptions extends Omit<Ipv4LayerOptions, "config"> {
  /** The network device under `ethernet`, listened on until a stack takes it over. */
  readonly netif: Network;
  /**
   * The DHCP client's settings (requested options, host name, retransmissions, conflict detection,
   * `onLease`).
   */
  readonly dhcp?: DhcpIpv4ClientOptions;
}

const ignore = (): undefined => undefined;

/** Whether `arp` can probe addresses: an {@link ArpLayer} can, another {@link Arp} may not. */
function isProber(arp: Arp): arp is Arp & ArpProber {
  const candidate = arp as Arp & Partial<ArpProber>;
  return typeof candidate.probe === "function" && typeof candidate.cancelProbe === "function";
}

/**
 * An IPv4 layer configured by its own DHCP client.
 *
 * @example
 * ```ts
 * const ethernet = new EthernetLayer(netif);
 * const arp = new ArpLayer(ethernet, { clock });
 * const ipv4 = await DhcpIpv4Layer.connect(ethernet, arp, { netif, clock, random });
 * ```
 *
 * @public
 */
export class DhcpIpv4Layer extends Ipv4Layer {
  /** The DHCP client that configures the layer. */
  readonly client: DhcpClient;
  readonly #netif: Network;
  readonly #udp: MovableUdp;
  readonly #listening: Promise<Result<void, NetError>>;
  #receive: FrameHandler;
  #handedOver = false;

  private constructor(ethernet: Ethernet, arp: Arp, options: DhcpIpv4LayerOptions) {
    super(ethernet, arp, options);
    const { netif } = options;
    this.#netif = netif;
    const own = new UdpLayer(this, { random: options.random, verifyChecksums: options.verifyChecksums ?? true });
    this.#udp = new MovableUdp(own);
    const prober = isProber(arp) ? { arp } : {};
    this.client = new DhcpClient({
      ...options.dhcp,
      ...prober,
      udp: this.#udp,
      ipv4: this,
      mac: netif.mac(),
      clock: options.clock,
      random: options.random,
    });
    // Until a stack takes over: ARP, and UDP for the client; everything else is dropped.
    const ipv4: Ipv4Handlers = {
      udp: (src, dst, payload) => own.input(src, dst, payload),
      tcp: ignore,
      default: ignore,
    };
    const link: EthernetHandlers = {
      arpv4: (packet) => arp.input(packet),
      ipv4: (packet) => this.input(packet, ipv4),
      ipv6: ignore,
    };
    this.#receive = (frame) => ethernet.input(frame, link);
    this.#listening = netif.listen(ETHERNET_HEADER_SIZE, (frame, flags) => this.#receive(frame, flags));
  }

  /**
   * Listens on `options.netif`, starts the DHCP client and resolves once the first lease is bound
   * (waiting as long as no server answers, as upstream does).
   *
   * @throws Error if the device stops delivering frames, or refuses to (another listener has it),
   * before a lease is bound.
   * @throws RangeError if a DHCP setting is out of range.
   */
  static override async connect(ethernet: Ethernet, arp: Arp, options: DhcpIpv4LayerOptions): Promise<DhcpIpv4Layer> {
    const layer = new DhcpIpv4Layer(ethernet, arp, options);
    await layer.client.start();
    const stopped = await Promise.race([layer.client.waitForLease().then(ignore), layer.#listening]);
    if (stopped !== undefined) {
      await layer.client.stop();
      const reason = stopped.ok ? "it was disconnected" : ppNetError(stopped.error);
      throw new Error(
        `DhcpIpv4Layer.connect: the network device stopped delivering frames before a lease was bound (${reason})`,
      );
    }
    return layer;
  }

  /**
   * Hands the layer's frames to a stack: from now on every frame received on `netif` goes to
   * `receive`, and the DHCP client sends and listens through `udp` (the stack's UDP layer, which the
   * stack's frames reach). Resolves when the device stops delivering frames. {@link Ipv4Stack.ofLayers}
   * calls it; a layer is handed over once.
   *
   * @throws TypeError if `netif` is not the layer's device, or the layer was already handed over.
   */
  handOver(netif: Network, receive: FrameHandler, udp: Udp<Ipv4Addr>): Promise<void> {
    if (netif !== this.#netif)
      throw new TypeError(
        "DhcpIpv4Layer.handOver: the stack's network device is not the one the DHCP layer listens on",
      );
    if (this.#handedOver) throw new TypeError("DhcpIpv4Layer.handOver: the layer already belongs to a stack");
    this.#handedOver = true;
    this.#receive = receive;
    this.#udp.moveTo(udp);
    log.debug(() => "a stack took the DHCP layer's device over");
    return this.#listening.then(ignore);
  }

  /** Stops the DHCP client (keeping the lease on the server), then disconnects the layer. */
  override async disconnect(): Promise<void> {
    await this.client.stop();
    await super.disconnect();
  }
}
