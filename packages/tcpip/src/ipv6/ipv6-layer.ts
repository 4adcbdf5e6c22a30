/**
 * `Ipv6Layer`: IPv6 for a host (RFC 8200) over an Ethernet layer, with Neighbour Discovery, DAD and
 * SLAAC ({@link NdpHandler}), MLDv2 for its solicited-node groups, and ICMPv6 ({@link Icmpv6Layer}).
 *
 * Receiving, it checks the header, walks the extension-header chain within a bound (answering the
 * parameter problems RFC 8200 §4 asks for), reassembles fragments within bounds (overlaps discard
 * the datagram, RFC 5722; an atomic fragment is processed on its own, RFC 6946; a first fragment
 * without the whole chain is dropped, RFC 7112; ND messages in fragments are dropped, RFC 6980), and
 * sends Time Exceeded when a reassembly times out. Sending, it picks the source (RFC 6724,
 * simplified), routes on-link or through a default router, resolves the next hop through the
 * neighbour cache, and fragments above the path MTU, which Packet Too Big lowers per destination
 * (RFC 8201, never below 1280; no atomic fragments are ever sent, RFC 8021).
 *
 * Every timer of the layer (DAD, router solicitation, lifetimes, neighbour states, reassembly) runs
 * from one timer armed at the earliest deadline, on the injected clock.
 *
 * @packageDocumentation
 */

import {
  type Ethernet,
  type EthernetError,
  type FillFunction,
  type FrameOffload,
  type IpError,
  type IpHandlers,
  type IpProto,
  type IpWriteOptions,
  type Ipv6,
  type Ipv6Addr,
  type Ipv6Prefix,
  type Macaddr,
  type NetOffloads,
  type Random,
  type Result,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { Icmpv6Layer } from "../icmp/icmpv6-layer.js";
import { ICMPV6_HEADER_SIZE, Icmpv6Type, decodeIcmpv6Message, encodeIcmpv6Header } from "../icmp/icmpv6-message.js";
import { gather, totalLength } from "../internal/gather.js";
import { KnownOutcome } from "../internal/known-outcome.js";
import { setLongTimer } from "../internal/long-timer.js";
import { DONE, settled } from "../internal/settled.js";
import { writeChunks } from "../internal/write-chunks.js";
import { fragmentRanges } from "../ipv4/fragmentation.js";
import type { Clock, TimerHandle } from "../time/clock.js";
import { type ChainError, type Ipv6Chain, firstFragmentComplete, walkExtensionHeaders } from "./extension-headers.js";
import type { Ipv6Config, Ipv6LayerOptions, Ipv6Stats } from "./ipv6-options.js";
import {
  IPV6_HEADER_SIZE,
  IPV6_MIN_MTU,
  type Ipv6Header,
  NextHeader,
  decodeIpv6Packet,
  encodeIpv6Header,
  encodeIpv6PseudoHeader,
} from "./ipv6-packet.js";
import { Ipv6Reassembler } from "./ipv6-reassembly.js";
import { newCounters } from "./ipv6-stats.js";
import { type NdpContext, NdpHandler } from "./ndp-handler.js";
import { multicastMac } from "./ndp-message.js";
import type { Ipv6AddressEntry } from "./ndp-state.js";
import type { NeighbourEntry } from "./neighbour-cache.js";
import { PathMtuCache } from "./path-mtu.js";

/**
 * Receives an upper-layer payload of an IPv6 packet, with the whole packet (quoted by ICMPv6 errors)
 * and the device's `FrameFlags` for the frame that carried it (0 for a reassembled one).
 *
 * @beta
 */
export type Ipv6Callback = (
  src: Ipv6Addr,
  dst: Ipv6Addr,
  payload: Uint8Array,
  datagram?: Uint8Array,
  flags?: number,
) => void | Promise<void>;

/**
 * The handlers of {@link Ipv6Layer.input}.
 *
 * @beta
 */
export interface Ipv6Handlers extends IpHandlers<Ipv6Addr> {
  /** Receives TCP segments. */
  readonly tcp: Ipv6Callback;
  /** Receives UDP datagrams. */
  readonly udp: Ipv6Callback;
}

const PROTOCOLS: Readonly<Record<IpProto, number>> = {
  tcp: NextHeader.tcp,
  udp: NextHeader.udp,
  icmp: NextHeader.icmpv6,
};
const DEFAULT_HOP_LIMIT = 64;
const FRAGMENT_HEADER_SIZE = 8;
// Hop-by-hop header holding a Router Alert (MLD, RFC 2711) and a PadN of 2 bytes.
const ROUTER_ALERT_HEADER = Uint8Array.of(NextHeader.icmpv6, 0, 5, 2, 0, 0, 1, 0);
const NO_HEAD = new Uint8Array(0);

/**
 * How an ICMPv6 message goes: from `src` (default: the source for its destination), and either
 * routed, or, with `mac` (ND, MLD), straight to that link-layer address with `hopLimit` and an
 * optional Router Alert.
 */
interface Route {
  readonly src?: Ipv6Addr | undefined;
  readonly mac?: Macaddr;
  readonly hopLimit?: number;
  readonly routerAlert?: boolean;
}

/**
 * An IPv6 layer for one interface; see the module documentation.
 *
 * @beta
 */
export class Ipv6Layer implements Ipv6 {
  /** ICMPv6 echo, errors and ping. */
  readonly icmp: Icmpv6Layer;
  readonly #ethernet: Ethernet;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #ndp: NdpHandler;
  readonly #reassembler: Ipv6Reassembler;
  readonly #pmtu = new PathMtuCache();
  readonly #maxHeaders: number;
  readonly #config: Ipv6Config;
  readonly #stats = newCounters();
  #linkMtu: number;
  #hopLimit = DEFAULT_HOP_LIMIT;
  #timer: { handle: TimerHandle; due: number } | undefined;
  #disconnected = false;
  #disabled: string | undefined;
  readonly #writes = new KnownOutcome<EthernetError, IpError>();
  // A frame the link refused is lost, as on a real link: the write itself succeeded.
  readonly #sent = (written: Result<void, EthernetError>): Result<void, IpError> => {
    if (!written.ok) {
      this.#stats.txLinkErrors++;
      return ok();
    }
    this.#stats.txPackets++;
    return written;
  };

  /** @throws RangeError if a limit is invalid. */
  constructor(ethernet: Ethernet, options: Ipv6LayerOptions) {
    this.#ethernet = ethernet;
    this.#clock = options.clock;
    this.#random = options.random;
    this.#config = options.config ?? {};
    this.#maxHeaders = options.maxExtensionHeaders ?? 8;
    this.#linkMtu = ethernet.mtu();
    this.#reassembler = new Ipv6Reassembler(options.reassembly);
    const accept = this.#config.acceptRouterAdvertisements ?? true;
    const limits = {
      ...(options.ndp === undefined ? {} : { ndp: options.ndp }),
      ...(options.neighbours === undefined ? {} : { neighbours: options.neighbours }),
    };
    this.#ndp = new NdpHandler(this.#context(), accept, limits);
    if (this.#config.gateway !== undefined) this.#ndp.state.addRouter(this.#config.gateway);
    this.icmp = new Icmpv6Layer(
      (dst, type, code, rest, body, src) => this.#sendIcmp(dst, type, code, rest, body, { src }),
      { clock: options.clock, ...options.icmp },
    );
  }

  /** Creates the layer and starts it: link-local and static addresses enter DAD, routers are solicited. */
  static connect(ethernet: Ethernet, options: Ipv6LayerOptions): Ipv6Layer {
    const layer = new Ipv6Layer(ethernet, options);
    layer.#ndp.start(layer.#config.addresses ?? []);
    return layer;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.input} */
  input(packet: Uint8Array, handlers: IpHandlers<Ipv6Addr>, flags = 0): Promise<void> {
    if (this.#disconnected) return DONE;
    this.#stats.rxPackets++;
    if (this.#disabled !== undefined) {
      this.#stats.rxDisabled++;
      return DONE;
    }
    const decoded = decodeIpv6Packet(packet);
    if (!decoded.ok) {
      this.#stats.rxInvalid++;
      return DONE;
    }
    const { header } = decoded.value;
    const trimmed = packet.subarray(0, IPV6_HEADER_SIZE + decoded.value.payload.length);
    if (header.src.isMulticast()) {
      this.#stats.rxMartian++;
      return DONE;
    }
    if (!this.#ndp.accepts(header.dst, true)) {
      this.#stats.rxNotForUs++;
      return DONE;
    }
    const chain = walkExtensionHeaders(trimmed, this.#maxHeaders, header.dst.isMulticast());
    if (!chain.ok) return this.#chainError(chain.error, trimmed);
    const { fragment } = chain.value;
    if (fragment === undefined) return this.#deliver(header, trimmed, chain.value, handlers, false, flags);
    this.#stats.rxFragments++;
    if (fragment.offset === 0 && !fragment.more) {
      // RFC 6946: an atomic fragment is a whole datagram; it never touches the reassembly table.
      this.#stats.rxAtomicFragments++;
      const start = {
        next: fragment.nextHeader,
        offset: fragment.at + 8,
        namedAt: fragment.at,
        headers: chain.value.headers,
      };
      const rest = walkExtensionHeaders(trimmed, this.#maxHeaders, header.dst.isMulticast(), start);
      if (!rest.ok) return this.#chainError(rest.error, trimmed);
      return this.#deliver(header, trimmed, rest.value, handlers, true, flags);
    }
    if (fragment.offset === 0 && !firstFragmentComplete(trimmed, fragment.nextHeader, fragment.at, this.#maxHeaders)) {
      // RFC 7112: the first fragment must hold the whole chain and the upper-layer header.
      this.#stats.rxIncompleteChain++;
      return this.icmp.sendError(Icmpv6Type.parameterProblem, 3, 0, trimmed);
    }
    const whole = this.#reassembler.input(header.src, header.dst, trimmed, fragment, this.#clock.now());
    this.#schedule();
    if (whole === undefined) return DONE;
    const walked = walkExtensionHeaders(whole, this.#maxHeaders, header.dst.isMulticast());
    if (!walked.ok) return this.#chainError(walked.error, whole);
    // What a device vouched for applies to one frame, not to a datagram reassembled from several.
    return this.#deliver(header, whole, walked.value, handlers, true, 0);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.write} */
  write(
    dst: Ipv6Addr,
    proto: IpProto,
    fill: FillFunction,
    payload: readonly Uint8Array[],
    options: IpWriteOptions<Ipv6Addr> = {},
  ): Promise<Result<void, IpError>> {
    try {
      const hopLimit = options.ttl ?? this.#hopLimit;
      const chunks = writeChunks(hopLimit, "hop limit", fill, options.size ?? 0, payload);
      const src = options.src ?? this.src(dst);
      const header = { trafficClass: 0, flowLabel: 0, nextHeader: PROTOCOLS[proto], hopLimit, src, dst };
      return this.#route(header, chunks, options.fragment ?? true, options.offload);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.pseudoheader} */
  pseudoheader(src: Ipv6Addr, dst: Ipv6Addr, proto: IpProto, length: number): Uint8Array {
    return encodeIpv6PseudoHeader(src, dst, PROTOCOLS[proto], length);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.src} */
  src(dst: Ipv6Addr): Ipv6Addr {
    return this.#ndp.state.source(dst);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.configuredIps} */
  configuredIps(): Ipv6Prefix[] {
    if (this.#disabled !== undefined) return [];
    return this.#ndp.state
      .addresses()
      .filter((a) => a.state !== "tentative")
      .map((a) => a.cidr);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.mtu} */
  mtu(dst: Ipv6Addr): number {
    return this.#pmtu.get(dst, this.#linkMtu, this.#clock.now()) - IPV6_HEADER_SIZE;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.offloads} */
  offloads(_dst: Ipv6Addr): NetOffloads | undefined {
    const offloads = this.#ethernet.offloads?.();
    return offloads === undefined ? undefined : { ...offloads, tcpv4: false };
  }

  /** The interface's addresses with their origin and DAD state. */
  addresses(): Ipv6AddressEntry[] {
    return this.#ndp.state.addresses();
  }

  /** The default routers. */
  routers(): Ipv6Addr[] {
    return this.#ndp.state.routers();
  }

  /** The neighbour cache's entries (as `ip -6 neigh` shows them). */
  neighbours(): NeighbourEntry[] {
    return this.#ndp.cache.entries();
  }

  /** The multicast groups joined (and reported by MLDv2). */
  groups(): Ipv6Addr[] {
    return this.#ndp.groups();
  }

  /** A snapshot of the counters. */
  stats(): Ipv6Stats {
    return {
      ...this.#stats,
      reassembly: this.#reassembler.stats(),
      neighbours: this.#ndp.cache.stats(),
      ndp: { ...this.#ndp.state.stats(), ...this.#ndp.stats() },
      pathMtu: this.#pmtu.stats(),
    };
  }

  /**
   * Why IPv6 is disabled on the interface, or `undefined` while it works: DAD found the link-local
   * address duplicate (RFC 4862 §5.4.5). Packets are then dropped (`rxDisabled`) and writes fail
   * with `no_route` and this reason (`txDisabled`).
   */
  disabled(): string | undefined {
    return this.#disabled;
  }

  /**
   * Leaves its multicast groups (one MLDv2 report), then stops receiving and sending; cancels every
   * timer and fails waiting packets and pings.
   */
  async disconnect(): Promise<void> {
    if (!this.#disconnected && this.#disabled === undefined) this.#ndp.leaveGroups();
    this.#disconnected = true;
    this.#stop();
  }

  /** Cancels the timer and forgets the datagrams, neighbours and pings in progress. */
  #stop(): void {
    this.#timer?.handle.cancel();
    this.#timer = undefined;
    this.#reassembler.clear();
    this.#ndp.cache.clear();
    this.icmp.disconnect();
  }

  #deliver(
    header: Ipv6Header,
    packet: Uint8Array,
    chain: Ipv6Chain,
    handlers: IpHandlers<Ipv6Addr>,
    fragmented: boolean,
    flags: number,
  ): Promise<void> {
    const payload = packet.subarray(chain.offset);
    const { src, dst } = header;
    // Packets to a tentative address are for DAD only (RFC 4862 §5.4): ND goes on, the rest is dropped.
    const tentative = !dst.isMulticast() && !this.#ndp.accepts(dst, false);
    if (chain.protocol === NextHeader.icmpv6) return this.#icmpInput(header, payload, fragmented, tentative);
    if (tentative) {
      this.#stats.rxNotForUs++;
      return DONE;
    }
    this.#stats.rxDelivered++;
    const h = handlers as Ipv6Handlers;
    try {
      switch (chain.protocol) {
        case NextHeader.tcp:
          return settled(h.tcp(src, dst, payload, packet, flags));
        case NextHeader.udp:
          return settled(h.udp(src, dst, payload, packet));
        case NextHeader.noNextHeader:
          return DONE;
        default:
          this.#stats.rxUnknownProtocol++;
          return this.icmp.sendError(Icmpv6Type.parameterProblem, 1, chain.protocolAt, packet);
      }
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #icmpInput(header: Ipv6Header, payload: Uint8Array, fragmented: boolean, tentative: boolean): Promise<void> {
    const decoded = decodeIcmpv6Message(header.src, header.dst, payload);
    if (!decoded.ok) {
      this.#stats.rxIcmpInvalid++;
      return DONE;
    }
    const icmp = decoded.value;
    const nd = icmp.type >= Icmpv6Type.routerSolicitation && icmp.type <= Icmpv6Type.redirect;
    if ((fragmented && nd) || (tentative && !nd)) {
      // RFC 6980: ND in fragments is dropped; RFC 4862 §5.4: a tentative address takes only ND.
      this.#stats.rxNotForUs++;
      return DONE;
    }
    if (this.#ndp.input(header.src, header.dst, header.hopLimit, icmp)) return DONE;
    return this.icmp.input(header.src, header.dst, icmp, (dst, mtu) => {
      this.#pmtu.tooBig(dst, mtu, this.#linkMtu, this.#clock.now());
    });
  }

  #chainError(error: ChainError, packet: Uint8Array): Promise<void> {
    this.#stats.rxBadExtensionHeaders++;
    if (error.kind === "chain_too_long") this.#stats.rxChainTooLong++;
    if (error.kind === "routing_type0") this.#stats.rxRoutingType0++;
    if (error.problem === undefined) return DONE;
    const toMulticast = error.problem.code === 2;
    return this.icmp.sendError(
      Icmpv6Type.parameterProblem,
      error.problem.code,
      error.problem.pointer,
      packet,
      toMulticast,
    );
  }

  /** Routes a datagram: multicast goes straight out, unicast through the neighbour cache. */
  #route(
    header: Ipv6Header,
    chunks: readonly Uint8Array[],
    fragment: boolean,
    offload?: FrameOffload,
  ): Promise<Result<void, IpError>> {
    if (this.#disconnected) return Promise.resolve(this.#noRoute("the IPv6 layer is disconnected"));
    if (this.#disabled !== undefined) {
      this.#stats.txDisabled++;
      return Promise.resolve(this.#noRoute(this.#disabled));
    }
    const { dst } = header;
    if (dst.isMulticast()) return this.#send(multicastMac(dst), header, chunks, fragment);
    const state = this.#ndp.state;
    const nextHop = state.isOnLink(dst) ? dst : state.routers()[0];
    if (nextHop === undefined)
      return Promise.resolve(this.#noRoute(`no route to ${dst.toString()}: no default router`));
    // The per-packet case: a neighbour with no state change due, sent to without a promise of our own.
    const ready = this.#ndp.cache.ready(nextHop);
    if (ready !== undefined) return this.#send(ready, header, chunks, fragment, NO_HEAD, offload);
    return new Promise((resolve) => {
      const resolution = this.#ndp.resolve(nextHop, (mac) => {
        if (mac === undefined) resolve(this.#noRoute(`no neighbour advertisement from ${nextHop.toString()}`));
        else resolve(this.#send(mac, header, chunks, fragment, NO_HEAD, offload));
      });
      if (resolution.kind === "mac") resolve(this.#send(resolution.mac, header, chunks, fragment, NO_HEAD, offload));
      else if (resolution.kind === "refused") resolve(this.#noRoute("the neighbour cache is full"));
    });
  }

  #send(
    mac: Macaddr,
    header: Ipv6Header,
    chunks: readonly Uint8Array[],
    fragment: boolean,
    ext = NO_HEAD,
    offload?: FrameOffload,
  ): Promise<Result<void, IpError>> {
    const length = ext.length + totalLength(chunks);
    const mtu = this.#pmtu.get(header.dst, this.#linkMtu, this.#clock.now());
    // A packet the device segments (TSO) goes whole, as one of MTU size.
    const segmented = offload !== undefined && offload.gsoSize > 0 && ext.length === 0;
    if (IPV6_HEADER_SIZE + length <= mtu || segmented) {
      return this.#frame(
        mac,
        header,
        length,
        (buffer, at) => {
          buffer.set(ext, at);
          gather(chunks, 0, length - ext.length, buffer, at + ext.length);
        },
        offload,
      );
    }
    if (!fragment || ext.length > 0) {
      this.#stats.txWouldFragment++;
      return Promise.resolve(err({ kind: "would_fragment" }));
    }
    return this.#sendFragments(mac, header, chunks, length, mtu);
  }

  async #sendFragments(
    mac: Macaddr,
    header: Ipv6Header,
    chunks: readonly Uint8Array[],
    length: number,
    mtu: number,
  ): Promise<Result<void, IpError>> {
    const ranges = fragmentRanges(length, IPV6_HEADER_SIZE + FRAGMENT_HEADER_SIZE, mtu);
    const idBytes = this.#random.generate(4);
    const id = ((idBytes[0]! << 24) | (idBytes[1]! << 16) | (idBytes[2]! << 8) | idBytes[3]!) >>> 0;
    const fragmentHeader = { ...header, nextHeader: NextHeader.fragment };
    const writes = ranges.map((range) =>
      this.#frame(mac, fragmentHeader, FRAGMENT_HEADER_SIZE + range.length, (buffer, at) => {
        buffer[at] = header.nextHeader;
        buffer[at + 1] = 0;
        const word = range.offset | (range.more ? 1 : 0);
        buffer[at + 2] = word >>> 8;
        buffer[at + 3] = word & 0xff;
        buffer[at + 4] = id >>> 24;
        buffer[at + 5] = (id >>> 16) & 0xff;
        buffer[at + 6] = (id >>> 8) & 0xff;
        buffer[at + 7] = id & 0xff;
        gather(chunks, range.offset, range.length, buffer, at + FRAGMENT_HEADER_SIZE);
      }),
    );
    const results = await Promise.all(writes);
    this.#stats.txFragments += ranges.length;
    return results.find((r) => !r.ok) ?? ok();
  }

  #frame(
    mac: Macaddr,
    header: Ipv6Header,
    length: number,
    body: (buffer: Uint8Array, at: number) => void,
    offload?: FrameOffload,
  ): Promise<Result<void, IpError>> {
    const size = IPV6_HEADER_SIZE + length;
    return this.#writes.map(
      this.#ethernet.write(
        mac,
        "ipv6",
        (buffer) => {
          encodeIpv6Header(header, length, buffer);
          body(buffer, IPV6_HEADER_SIZE);
          return size;
        },
        offload === undefined ? { size } : { size, offload },
      ),
      this.#sent,
      undefined,
    );
  }

  /** Sends an ICMPv6 message as `route` says. */
  #sendIcmp(
    dst: Ipv6Addr,
    type: number,
    code: number,
    rest: number,
    body: Uint8Array,
    route: Route,
  ): Promise<Result<void, IpError>> {
    const from = route.src ?? this.src(dst);
    const head = new Uint8Array(ICMPV6_HEADER_SIZE);
    encodeIcmpv6Header(from, dst, type, code, rest, body, head);
    const nextHeader = route.routerAlert === true ? NextHeader.hopByHop : NextHeader.icmpv6;
    const hopLimit = route.hopLimit ?? this.#hopLimit;
    const header = { trafficClass: 0, flowLabel: 0, nextHeader, hopLimit, src: from, dst };
    if (route.mac === undefined) return this.#route(header, [head, body], true);
    return this.#send(
      route.mac,
      header,
      [head, body],
      false,
      route.routerAlert === true ? ROUTER_ALERT_HEADER : NO_HEAD,
    );
  }

  #context(): NdpContext {
    return {
      now: () => this.#clock.now(),
      randomDelay: (maxMs) => (new DataView(this.#random.generate(2).slice().buffer).getUint16(0) / 0xffff) * maxMs,
      mac: () => this.#ethernet.mac(),
      send: (dst, type, code, rest, body, route) => this.#sendIcmp(dst, type, code, rest, body, route),
      linkParameters: (mtu, hopLimit) => {
        if (mtu !== undefined && mtu >= IPV6_MIN_MTU && mtu <= this.#ethernet.mtu()) this.#linkMtu = mtu;
        if (hopLimit !== 0) this.#hopLimit = hopLimit;
      },
      schedule: () => this.#schedule(),
      disable: (reason: string) => {
        // Like a disconnect, but the layer stays to say why (disabled(), stats()).
        this.#disabled = reason;
        this.#stop();
      },
    };
  }

  /** Keeps one timer, due at the earliest deadline of ND or reassembly. */
  #schedule(): void {
    if (this.#disconnected || this.#disabled !== undefined) return;
    const due = Math.min(this.#ndp.nextDeadline() ?? Infinity, this.#reassembler.nextExpiry() ?? Infinity);
    if (due === Infinity || (this.#timer !== undefined && this.#timer.due <= due)) return;
    this.#timer?.handle.cancel();
    const handle = setLongTimer(this.#clock, Math.max(0, due - this.#clock.now()), () => {
      this.#timer = undefined;
      this.#tick();
    });
    this.#timer = { handle, due };
  }

  #tick(): void {
    this.#ndp.tick();
    this.#reassembler.expire(this.#clock.now(), (first) => {
      this.#stats.rxReassemblyTimeouts++;
      void this.icmp.sendError(Icmpv6Type.timeExceeded, 1, 0, first);
    });
    this.#schedule();
  }

  #noRoute(reason: string): Result<void, IpError> {
    this.#stats.txNoRoute++;
    return err({ kind: "no_route", reason });
  }
}
