/**
 * `Ipv4Layer`: IPv4 for a host (`Static_ipv4` of mirage-tcpip) over an Ethernet and an ARP layer.
 *
 * Receiving, it verifies the header checksum (bad packets are dropped and counted), skips options,
 * drops martian sources and packets for other hosts, reassembles fragments within the bounds of a
 * {@link Reassembler}, and hands payloads to the handler of their protocol. Sending, it routes on-link
 * or through the gateway, resolves the next hop with ARP, gives each datagram a fresh identification,
 * and fragments above the MTU unless don't-fragment is asked for.
 *
 * While no address is configured (before DHCP completes) it accepts packets for any destination and
 * can send only to broadcast and multicast addresses, from `0.0.0.0`.
 *
 * @packageDocumentation
 */

import {
  type Arp,
  type Ethernet,
  type EthernetError,
  type FillFunction,
  type FrameOffload,
  type IpError,
  type IpHandlers,
  type IpProto,
  type IpWriteOptions,
  type Ipv4,
  Ipv4Addr,
  type Ipv4Prefix,
  type Macaddr,
  type NetOffloads,
  type Random,
  type Result,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { ArpLayer } from "../arp/arp-layer.js";
import { gather, totalLength } from "../internal/gather.js";
import { KnownOutcome } from "../internal/known-outcome.js";
import { ipv4Log as log } from "../internal/logs.js";
import { DONE, settled } from "../internal/settled.js";
import { writeChunks } from "../internal/write-chunks.js";
import type { Clock, TimerHandle } from "../time/clock.js";
import { fragmentRanges } from "./fragmentation.js";
import {
  IPV4_HEADER_SIZE,
  IpProtocol,
  type Ipv4DecodeError,
  type Ipv4Header,
  decodeIpv4Packet,
  encodeIpv4Header,
  encodePseudoHeader,
} from "./ipv4-packet.js";
import { Reassembler, type ReassemblyLimits, type ReassemblyStats } from "./reassembly.js";
import { type Ipv4Config, nextHop } from "./routing.js";

/**
 * Receives the payload of an IPv4 datagram. `datagram` is the whole datagram (header included, after
 * reassembly), which ICMP error messages quote; `flags` the device's `FrameFlags` for the frame that
 * carried it (0 for a reassembled one).
 *
 * @public
 */
export type Ipv4Callback = (
  src: Ipv4Addr,
  dst: Ipv4Addr,
  payload: Uint8Array,
  datagram?: Uint8Array,
  flags?: number,
) => void | Promise<void>;

/**
 * The handlers of {@link Ipv4Layer.input}: those of the `Ip` signature, which also get the whole
 * datagram as an optional last argument.
 *
 * @public
 */
export interface Ipv4Handlers extends IpHandlers<Ipv4Addr> {
  /** Receives TCP segments. */
  readonly tcp: Ipv4Callback;
  /** Receives UDP datagrams. */
  readonly udp: Ipv4Callback;
  /** Receives the payload of every other protocol, with its protocol number. */
  readonly default: (
    proto: number,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    payload: Uint8Array,
    datagram?: Uint8Array,
  ) => void | Promise<void>;
}

/**
 * Options of an {@link Ipv4Layer}.
 *
 * @public
 */
export interface Ipv4LayerOptions {
  /** The clock for reassembly timeouts. */
  readonly clock: Clock;
  /** Randomness for the first datagram identification. */
  readonly random: Random;
  /** The static configuration; omit it to configure later (DHCP). */
  readonly config?: Ipv4Config;
  /** Bounds of fragment reassembly. */
  readonly reassembly?: ReassemblyLimits;
  /** Verify header checksums on receive (default `true`); turn off only below a device that does. */
  readonly verifyChecksums?: boolean;
}

/**
 * Counters of an {@link Ipv4Layer}.
 *
 * @public
 */
export interface Ipv4Stats {
  /** Packets received. */
  rxPackets: number;
  /** Datagrams handed to a protocol handler. */
  rxDelivered: number;
  /** Packets shorter than a header, dropped. */
  rxTruncated: number;
  /** Packets of another IP version, dropped. */
  rxBadVersion: number;
  /** Packets whose header length is impossible, dropped. */
  rxBadHeaderLength: number;
  /** Packets whose total length disagrees with the frame, dropped. */
  rxBadTotalLength: number;
  /** Packets with a bad header checksum, dropped. */
  rxBadChecksum: number;
  /** Packets from a broadcast or multicast source. */
  rxMartian: number;
  /** Packets for another destination. */
  rxNotForUs: number;
  /** Fragments received (reassembly counters are in `reassembly`). */
  rxFragments: number;
  /** The reassembler's counters and table sizes. */
  reassembly: ReassemblyStats;
  /** Datagrams sent. */
  txPackets: number;
  /** Fragments sent for datagrams above the MTU. */
  txFragments: number;
  /** Writes refused for lack of a route or an ARP answer. */
  txNoRoute: number;
  /** Writes refused because they needed fragmentation and don't-fragment was set. */
  txWouldFragment: number;
  /** Frames the link refused (the datagram is lost, as on a real link). */
  txLinkErrors: number;
}

const PROTOCOLS: Readonly<Record<IpProto, number>> = IpProtocol;
const DECODE_COUNTERS = {
  truncated: "rxTruncated",
  bad_version: "rxBadVersion",
  bad_header_length: "rxBadHeaderLength",
  bad_total_length: "rxBadTotalLength",
  bad_checksum: "rxBadChecksum",
} as const satisfies Record<Ipv4DecodeError["kind"], keyof Ipv4Stats>;
const DEFAULT_TTL = 38;
const ALL_HOSTS = Ipv4Addr.parse("224.0.0.1");
const NO_OPTIONS = new Uint8Array(0);

/**
 * An IPv4 layer for one interface.
 *
 * @public
 */
export class Ipv4Layer implements Ipv4 {
  readonly #ethernet: Ethernet;
  readonly #arp: Arp;
  // tcpip's own ARP answers cache hits synchronously; any other `Arp` is asked through `query`.
  readonly #arpCache: ArpLayer | undefined;
  readonly #clock: Clock;
  readonly #verify: boolean;
  readonly #reassembler: Reassembler;
  #config: Ipv4Config | undefined;
  #nextId: number;
  #expiry: { timer: TimerHandle; due: number } | undefined;
  #disconnected = false;
  readonly #writes = new KnownOutcome<EthernetError, IpError>();
  readonly #sent = (written: Result<void, EthernetError>, dst: Ipv4Addr): Result<void, IpError> => {
    if (!written.ok) return this.#linkRefused(dst, written.error.kind);
    this.#stats.txPackets++;
    return written;
  };
  readonly #stats = {
    rxPackets: 0,
    rxDelivered: 0,
    rxTruncated: 0,
    rxBadVersion: 0,
    rxBadHeaderLength: 0,
    rxBadTotalLength: 0,
    rxBadChecksum: 0,
    rxMartian: 0,
    rxNotForUs: 0,
    rxFragments: 0,
    txPackets: 0,
    txFragments: 0,
    txNoRoute: 0,
    txWouldFragment: 0,
    txLinkErrors: 0,
  };

  /**
   * Creates the layer. Use {@link Ipv4Layer.connect} to also announce a static address through ARP.
   *
   * @throws RangeError if a reassembly limit is invalid.
   */
  constructor(ethernet: Ethernet, arp: Arp, options: Ipv4LayerOptions) {
    this.#ethernet = ethernet;
    this.#arp = arp;
    this.#arpCache = arp instanceof ArpLayer ? arp : undefined;
    this.#clock = options.clock;
    this.#verify = options.verifyChecksums ?? true;
    this.#reassembler = new Reassembler(options.reassembly);
    this.#config = options.config;
    const id = options.random.generate(2);
    this.#nextId = (id[0]! << 8) | id[1]!;
  }

  /** Creates the layer and applies its configuration ({@link Ipv4Layer.configure}). */
  static async connect(ethernet: Ethernet, arp: Arp, options: Ipv4LayerOptions): Promise<Ipv4Layer> {
    const layer = new Ipv4Layer(ethernet, arp, options);
    await layer.configure(options.config);
    return layer;
  }

  /**
   * Sets (or, with `undefined`, removes) the address, prefix and gateway, and makes ARP answer for
   * the address, announcing it with a gratuitous ARP.
   */
  async configure(config: Ipv4Config | undefined): Promise<void> {
    this.#config = config;
    await this.#arp.setIps(config === undefined ? [] : [config.cidr.address]);
  }

  /** The current configuration, `undefined` while none is set. */
  config(): Ipv4Config | undefined {
    return this.#config;
  }

  // `input` and `write` are not `async`: a datagram passes between the layers without a promise
  // of this layer's own, and a write whose next hop is in the ARP cache reaches the device at once.

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.input} */
  input(packet: Uint8Array, handlers: Ipv4Handlers, flags = 0): Promise<void> {
    if (this.#disconnected) return DONE;
    this.#stats.rxPackets++;
    const decoded = decodeIpv4Packet(packet, this.#verify);
    if (!decoded.ok) {
      this.#countDecodeError(decoded.error.kind);
      log.debug(() => `dropped a packet: ${decoded.error.message}`);
      return DONE;
    }
    const { header, headerLength, payload } = decoded.value;
    if (header.src.isBroadcast() || header.src.isMulticast()) {
      this.#stats.rxMartian++;
      return DONE;
    }
    if (!this.#isForUs(header.dst)) {
      this.#stats.rxNotForUs++;
      return DONE;
    }
    if (!header.moreFragments && header.fragmentOffset === 0) {
      return this.#deliver(header, payload, packet.subarray(0, headerLength + payload.length), handlers, flags);
    }
    this.#stats.rxFragments++;
    const datagram = this.#reassembler.input(header, payload, this.#clock.now());
    this.#armExpiry();
    if (datagram === undefined) return DONE;
    const whole = decodeIpv4Packet(datagram, false);
    // What a device vouched for applies to one frame, not to a datagram reassembled from several.
    return whole.ok ? this.#deliver(whole.value.header, whole.value.payload, datagram, handlers, 0) : DONE;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.write} */
  write(
    dst: Ipv4Addr,
    proto: IpProto,
    fill: FillFunction,
    payload: readonly Uint8Array[],
    options: IpWriteOptions<Ipv4Addr> = {},
  ): Promise<Result<void, IpError>> {
    try {
      return this.#write(dst, proto, fill, payload, options);
    } catch (error) {
      // Invalid arguments reject, as they would from an `async` method.
      return Promise.reject(error);
    }
  }

  #write(
    dst: Ipv4Addr,
    proto: IpProto,
    fill: FillFunction,
    payload: readonly Uint8Array[],
    options: IpWriteOptions<Ipv4Addr>,
  ): Promise<Result<void, IpError>> {
    if (this.#disconnected) return Promise.resolve(this.#noRoute("the IPv4 layer is disconnected"));
    const ttl = options.ttl ?? DEFAULT_TTL;
    const chunks = writeChunks(ttl, "TTL", fill, options.size ?? 0, payload);
    const length = totalLength(chunks);
    if (IPV4_HEADER_SIZE + length > 0xffff) {
      throw new RangeError(`an IPv4 datagram of ${IPV4_HEADER_SIZE + length} bytes exceeds 65535`);
    }
    const fragment = options.fragment ?? true;
    const offload = options.offload;
    const segmented = offload !== undefined && offload.gsoSize > 0;
    if (IPV4_HEADER_SIZE + length > this.#ethernet.mtu() && !fragment && !segmented) {
      this.#stats.txWouldFragment++;
      return Promise.resolve(err({ kind: "would_fragment" }));
    }
    const hop = nextHop(this.#config, dst);
    if (!hop.ok) return Promise.resolve(this.#noRoute(hop.error));
    const header: Ipv4Header = {
      tos: 0,
      id: this.#takeId(),
      dontFragment: !fragment,
      moreFragments: false,
      fragmentOffset: 0,
      ttl,
      protocol: PROTOCOLS[proto],
      src: options.src ?? this.src(dst),
      dst,
      options: NO_OPTIONS,
    };
    const next = hop.value;
    if (next.kind === "mac") return this.#send(next.mac, header, chunks, length, offload);
    const cached = this.#arpCache?.cached(next.ip);
    if (cached !== undefined) return this.#send(cached, header, chunks, length, offload);
    return this.#arp.query(next.ip).then((resolved) => {
      if (!resolved.ok) return this.#noRoute(`no ARP reply for ${next.ip.toString()}`);
      return this.#send(resolved.value, header, chunks, length, offload);
    });
  }

  #send(
    mac: Macaddr,
    header: Ipv4Header,
    chunks: readonly Uint8Array[],
    length: number,
    offload: FrameOffload | undefined,
  ): Promise<Result<void, IpError>> {
    const mtu = this.#ethernet.mtu();
    // A packet the device segments (TSO) goes whole, as one of MTU size.
    if (IPV4_HEADER_SIZE + length <= mtu || (offload !== undefined && offload.gsoSize > 0)) {
      // The common case, one packet: no fragment list, no per-fragment header copy.
      return this.#writes.map(
        this.#ethernet.write(
          mac,
          "ipv4",
          (buffer) => {
            encodeIpv4Header(header, length, buffer);
            gather(chunks, 0, length, buffer, IPV4_HEADER_SIZE);
            return IPV4_HEADER_SIZE + length;
          },
          offload === undefined ? { size: IPV4_HEADER_SIZE + length } : { size: IPV4_HEADER_SIZE + length, offload },
        ),
        this.#sent,
        header.dst,
      );
    }
    return this.#sendFragments(mac, header, chunks, length, mtu);
  }

  async #sendFragments(
    mac: Macaddr,
    header: Ipv4Header,
    chunks: readonly Uint8Array[],
    length: number,
    mtu: number,
  ): Promise<Result<void, IpError>> {
    const ranges = fragmentRanges(length, IPV4_HEADER_SIZE, mtu);
    // Every fragment is handed to the link before any is awaited, so the fragments of one datagram
    // leave back to back instead of interleaving with those of concurrent writes.
    const writes = ranges.map((range) => {
      const fragmentHeader = { ...header, moreFragments: range.more, fragmentOffset: range.offset };
      return this.#ethernet.write(
        mac,
        "ipv4",
        (buffer) => {
          encodeIpv4Header(fragmentHeader, range.length, buffer);
          gather(chunks, range.offset, range.length, buffer, IPV4_HEADER_SIZE);
          return IPV4_HEADER_SIZE + range.length;
        },
        { size: IPV4_HEADER_SIZE + range.length },
      );
    });
    for (const written of await Promise.all(writes)) {
      if (!written.ok) return this.#linkRefused(header.dst, written.error.kind);
    }
    this.#stats.txFragments += ranges.length;
    this.#stats.txPackets++;
    return ok();
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.pseudoheader} */
  pseudoheader(src: Ipv4Addr, dst: Ipv4Addr, proto: IpProto, length: number): Uint8Array {
    return encodePseudoHeader(src, dst, PROTOCOLS[proto], length);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.src} */
  src(_dst: Ipv4Addr): Ipv4Addr {
    return this.#config?.cidr.address ?? Ipv4Addr.any;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.configuredIps} */
  configuredIps(): Ipv4Prefix[] {
    return this.#config === undefined ? [] : [this.#config.cidr];
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.mtu} */
  mtu(_dst: Ipv4Addr): number {
    return this.#ethernet.mtu() - IPV4_HEADER_SIZE;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ip.offloads} */
  offloads(_dst: Ipv4Addr): NetOffloads | undefined {
    const offloads = this.#ethernet.offloads?.();
    return offloads === undefined ? undefined : { ...offloads, tcpv6: false };
  }

  /** A snapshot of the counters. */
  stats(): Ipv4Stats {
    return { ...this.#stats, reassembly: this.#reassembler.stats() };
  }

  /** Stops receiving and sending, drops fragments in progress and cancels the reassembly timer. */
  async disconnect(): Promise<void> {
    this.#disconnected = true;
    this.#expiry?.timer.cancel();
    this.#expiry = undefined;
    this.#reassembler.clear();
  }

  #isBroadcast(dst: Ipv4Addr): boolean {
    const cidr = this.#config?.cidr;
    return dst.isBroadcast() || (cidr !== undefined && cidr.bits < 31 && dst.equals(cidr.broadcast()));
  }

  #isForUs(dst: Ipv4Addr): boolean {
    // Unconfigured, take everything: a DHCP server may unicast its offer to the address it offers.
    if (this.#config === undefined) return true;
    return dst.equals(this.#config.cidr.address) || this.#isBroadcast(dst) || dst.equals(ALL_HOSTS);
  }

  #deliver(
    header: Ipv4Header,
    payload: Uint8Array,
    datagram: Uint8Array,
    handlers: Ipv4Handlers,
    flags: number,
  ): Promise<void> {
    this.#stats.rxDelivered++;
    try {
      switch (header.protocol) {
        case IpProtocol.tcp:
          return settled(handlers.tcp(header.src, header.dst, payload, datagram, flags));
        case IpProtocol.udp:
          return settled(handlers.udp(header.src, header.dst, payload, datagram));
        default:
          return settled(handlers.default(header.protocol, header.src, header.dst, payload, datagram));
      }
    } catch (error) {
      // A handler that throws rejects the returned promise, as it would from an `async` method.
      return Promise.reject(error);
    }
  }

  /** Keeps one timer, due at the reassembler's next expiry, while fragments are held. */
  #armExpiry(): void {
    const due = this.#reassembler.nextExpiry();
    if (due === undefined || (this.#expiry !== undefined && this.#expiry.due <= due)) return;
    this.#expiry?.timer.cancel();
    const timer = this.#clock.setTimer(Math.max(0, due - this.#clock.now()), () => {
      this.#expiry = undefined;
      this.#reassembler.expire(this.#clock.now());
      this.#armExpiry();
    });
    this.#expiry = { timer, due };
  }

  #takeId(): number {
    const id = this.#nextId;
    this.#nextId = (id + 1) & 0xffff;
    return id;
  }

  // The datagram is lost, as on a real link; the write itself succeeded.
  #linkRefused(dst: Ipv4Addr, kind: string): Result<void, IpError> {
    this.#stats.txLinkErrors++;
    log.warn(() => `the link refused a packet to ${dst.toString()}: ${kind}`);
    return ok();
  }

  #noRoute(reason: string): Result<void, IpError> {
    this.#stats.txNoRoute++;
    return err({ kind: "no_route", reason });
  }

  #countDecodeError(kind: Ipv4DecodeError["kind"]): void {
    this.#stats[DECODE_COUNTERS[kind]]++;
  }
}
