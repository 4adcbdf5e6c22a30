/**
 * `DhcpClient`: a DHCPv4 client (RFC 2131) over a UDP layer. It discovers a server, requests the
 * offered address, configures the IPv4 layer from the ACK, renews with the server at T1, rebinds with
 * any server at T2, and starts over when the lease expires or a server refuses it. Retransmissions
 * back off exponentially from 4 s to 64 s with ±1 s of randomization (RFC 2131 §4.1); while bound,
 * renewal and rebinding retransmit at half the remaining time, at least 60 s apart (§4.4.5).
 *
 * Before it takes a new address, the client probes it with ARP (RFC 2131 §2.2, RFC 5227 §2.1.1);
 * when another host answers for it, the client declines it (DHCPDECLINE) and starts over after
 * 10 s, or after 60 s once 10 conflicts happened in a row (RFC 2131 §3.1, RFC 5227's MAX_CONFLICTS
 * and RATE_LIMIT_INTERVAL). Renewals of the address it holds do not probe.
 *
 * The client sets the broadcast flag, since the IPv4 layer does not take unicast before it has an
 * address; it also accepts offers a server unicasts anyway.
 *
 * @packageDocumentation
 */

import { Ipv4Addr, type Macaddr, type Random, type Udp } from "@mirage-ts/mirage-types";
import type { ArpProbeOptions, ArpProber } from "../arp/arp-probe.js";
import { checkInteger } from "../internal/checks.js";
import { dhcpLog as log } from "../internal/logs.js";
import { setLongTimer } from "../internal/long-timer.js";
import type { Ipv4Config } from "../ipv4/routing.js";
import type { Clock, TimerHandle } from "../time/clock.js";
import { type DhcpLease, leaseConfig } from "./dhcp-lease.js";
import { type DhcpMessage, DhcpMessageType, DhcpOption, decodeDhcpMessage, encodeDhcpMessage } from "./dhcp-message.js";
import { leaseFromAck } from "./lease-from-ack.js";

// DISCOVERs unanswered before the client warns (4 + 8 s of waiting with the default backoff).
const UNANSWERED_DISCOVERS = 3;

/**
 * The state of a {@link DhcpClient}: those of RFC 2131 figure 5, and `"probing"` while an ACKed
 * address is checked with ARP before it is bound.
 *
 * @public
 */
export type DhcpState =
  | "init"
  | "selecting"
  | "requesting"
  | "probing"
  | "bound"
  | "renewing"
  | "rebinding"
  | "stopped";

/**
 * How a {@link DhcpClient} probes an ACKed address before binding it: `probes` ARP probes
 * `intervalMs` apart, the address being free `intervalMs` after the last one (defaults: 3 probes,
 * 200 ms, 600 ms in all). RFC 5227's own timings (1 to 2 s between probes, 2 s after the last,
 * over 4 s per address) are `{ probes: 3, intervalMs: 2000 }` roughly.
 *
 * @public
 */
export interface DhcpConflictDetection {
  /** ARP probes sent (default 3, RFC 5227's PROBE_NUM). */
  readonly probes?: number;
  /** Delay between probes, and after the last one, in ms (default 200). */
  readonly intervalMs?: number;
}

/**
 * What the client configures: the IPv4 layer, or anything with its `configure` method.
 *
 * @public
 */
export interface DhcpConfigurable {
  /** Applies a configuration, or removes it with `undefined`. */
  configure(config: Ipv4Config | undefined): Promise<void>;
}

/**
 * Options of a {@link DhcpClient}.
 *
 * @public
 */
export interface DhcpClientOptions {
  /** The UDP layer the client sends and listens (on port 68) through. */
  readonly udp: Udp<Ipv4Addr>;
  /** The layer configured from the lease (an {@link Ipv4Layer}). */
  readonly ipv4: DhcpConfigurable;
  /** The interface's MAC address (the client hardware address). */
  readonly mac: Macaddr;
  /** The clock of retransmissions and lease times. */
  readonly clock: Clock;
  /** Randomness for transaction ids and retransmission jitter. */
  readonly random: Random;
  /** Options asked for in the parameter request list (default: mask, router, DNS, domain, MTU, lease times). */
  readonly requestedOptions?: readonly number[];
  /** A host name sent in option 12. */
  readonly hostname?: string;
  /** The first retransmission delay, in ms (default 4000). */
  readonly initialRetransmitMs?: number;
  /** The largest retransmission delay, in ms (default 64 000). */
  readonly maxRetransmitMs?: number;
  /** REQUEST retransmissions before starting over from DISCOVER (default 4). */
  readonly requestAttempts?: number;
  /** Called with each new lease, and with `undefined` when the lease is lost. */
  readonly onLease?: (lease: DhcpLease | undefined) => void;
  /**
   * The ARP layer of the interface ({@link ArpLayer}), which probes each new address before it is
   * bound. Without it the client binds ACKed addresses at once.
   */
  readonly arp?: ArpProber;
  /**
   * Address conflict detection (needs `arp`): `false` binds ACKed addresses without probing them;
   * `true` (the default when `arp` is given) or an object probes them, see {@link DhcpConflictDetection}.
   */
  readonly conflictDetection?: boolean | DhcpConflictDetection;
}

/**
 * Counters of a {@link DhcpClient}.
 *
 * @public
 */
export interface DhcpStats {
  /** DHCPDISCOVER messages sent. */
  discoversSent: number;
  /** DHCPREQUEST messages sent (selecting, renewing and rebinding). */
  requestsSent: number;
  /** Offers taken. */
  offersReceived: number;
  /** Usable ACKs received. */
  acksReceived: number;
  /** NAKs received. */
  naksReceived: number;
  /** Messages ignored: malformed, for another transaction, or unexpected in the current state. */
  ignored: number;
  /** Leases granted or extended. */
  leasesObtained: number;
  /** Leases lost at expiry. */
  expirations: number;
  /** ACKed addresses found in use by another host and declined (DHCPDECLINE sent). */
  declinesSent: number;
}

const DEFAULT_REQUESTED = [
  DhcpOption.subnetMask,
  DhcpOption.router,
  DhcpOption.dnsServers,
  DhcpOption.domainName,
  DhcpOption.interfaceMtu,
  DhcpOption.leaseTime,
  DhcpOption.renewalTime,
  DhcpOption.rebindingTime,
];
const CLIENT_PORT = 68;
const SERVER_PORT = 67;
const MIN_BOUND_RETRANSMIT_MS = 60_000;
// RFC 5227's PROBE_NUM, and a probe interval short enough not to slow every boot down by seconds.
const DEFAULT_PROBES = 3;
const DEFAULT_PROBE_INTERVAL_MS = 200;
// RFC 2131 §3.1 step 5: wait at least 10 s after a DHCPDECLINE; RFC 5227 §2.1.1: after
// MAX_CONFLICTS conflicts, at most one attempt per RATE_LIMIT_INTERVAL.
const DECLINE_WAIT_MS = 10_000;
const MAX_CONFLICTS = 10;
const RATE_LIMIT_INTERVAL_MS = 60_000;

/**
 * A DHCPv4 client for one interface.
 *
 * @public
 */
export class DhcpClient {
  readonly #udp: Udp<Ipv4Addr>;
  readonly #ipv4: DhcpConfigurable;
  readonly #mac: Macaddr;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #requested: Uint8Array;
  readonly #hostname: Uint8Array | undefined;
  readonly #initialRetransmit: number;
  readonly #maxRetransmit: number;
  readonly #requestAttempts: number;
  readonly #onLease: ((lease: DhcpLease | undefined) => void) | undefined;
  readonly #arp: ArpProber | undefined;
  readonly #probe: ArpProbeOptions;
  #state: DhcpState = "init";
  #xid = 0;
  #startedAt = 0;
  #attempt = 0;
  #naksInARow = 0;
  #conflictsInARow = 0;
  // The address being probed, and the ACK's lease for it.
  #probing: DhcpLease | undefined;
  #running = false;
  #offer: { address: Ipv4Addr; server: Ipv4Addr } | undefined;
  #lease: DhcpLease | undefined;
  #retransmitTimer: TimerHandle | undefined;
  #leaseTimer: TimerHandle | undefined;
  #leaseWaiters: Array<(lease: DhcpLease) => void> = [];
  readonly #stats: DhcpStats = {
    discoversSent: 0,
    requestsSent: 0,
    offersReceived: 0,
    acksReceived: 0,
    naksReceived: 0,
    ignored: 0,
    leasesObtained: 0,
    expirations: 0,
    declinesSent: 0,
  };

  /**
   * @throws RangeError if the host name is not 1 to 255 ASCII characters, or the conflict detection
   * settings are out of range.
   * @throws TypeError if conflict detection is asked for without `arp`.
   */
  constructor(options: DhcpClientOptions) {
    this.#udp = options.udp;
    this.#ipv4 = options.ipv4;
    this.#mac = options.mac;
    this.#clock = options.clock;
    this.#random = options.random;
    this.#requested = Uint8Array.from(options.requestedOptions ?? DEFAULT_REQUESTED);
    this.#hostname = options.hostname === undefined ? undefined : asciiBytes("DHCP hostname", options.hostname);
    this.#initialRetransmit = options.initialRetransmitMs ?? 4000;
    this.#maxRetransmit = options.maxRetransmitMs ?? 64_000;
    this.#requestAttempts = options.requestAttempts ?? 4;
    this.#onLease = options.onLease;
    const detection = options.conflictDetection ?? options.arp !== undefined;
    if (detection !== false && options.arp === undefined) {
      throw new TypeError("DhcpClient: conflictDetection needs the interface's ARP layer (the arp option)");
    }
    this.#arp = detection === false ? undefined : options.arp;
    const settings = typeof detection === "object" ? detection : {};
    const attempts = settings.probes ?? DEFAULT_PROBES;
    const intervalMs = settings.intervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
    checkInteger("DHCP conflictDetection probes", attempts, 1);
    if (!(intervalMs > 0))
      throw new RangeError(`DHCP conflictDetection intervalMs must be positive, got ${intervalMs}`);
    this.#probe = { attempts, intervalMs };
  }

  /** Starts listening on port 68 and sends the first DISCOVER; does nothing if already running. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#udp.listen(CLIENT_PORT, (src, _dst, srcPort, payload) => this.#receive(src, srcPort, payload));
    await this.#discover();
  }

  /**
   * Stops the client: cancels its timer and stops listening. With `release`, a bound client also
   * sends DHCPRELEASE and removes the address.
   */
  async stop(options: { readonly release?: boolean } = {}): Promise<void> {
    this.#running = false;
    this.#cancelTimers();
    this.#cancelProbe();
    this.#udp.unlisten(CLIENT_PORT);
    const lease = this.#lease;
    const wasBound = this.#state === "bound" || this.#state === "renewing" || this.#state === "rebinding";
    this.#state = "stopped";
    if (options.release === true && lease !== undefined && wasBound) {
      this.#xid = this.#newXid();
      await this.#send(DhcpMessageType.release, lease.server, lease.cidr.address, [
        [DhcpOption.serverIdentifier, lease.server.toBytes()],
      ]);
      this.#lease = undefined;
      await this.#ipv4.configure(undefined);
      this.#onLease?.(undefined);
    }
  }

  /** The current lease, `undefined` while none is held. */
  lease(): DhcpLease | undefined {
    return this.#lease;
  }

  /** The current state. */
  state(): DhcpState {
    return this.#state;
  }

  /** Resolves with the current lease, or the next one obtained. */
  waitForLease(): Promise<DhcpLease> {
    if (this.#lease !== undefined) return Promise.resolve(this.#lease);
    return new Promise((resolve) => this.#leaseWaiters.push(resolve));
  }

  /** A snapshot of the counters. */
  stats(): DhcpStats {
    return { ...this.#stats };
  }

  async #discover(): Promise<void> {
    this.#state = "selecting";
    this.#xid = this.#newXid();
    this.#startedAt = this.#clock.now();
    this.#attempt = 0;
    this.#offer = undefined;
    await this.#sendDiscover();
  }

  async #sendDiscover(): Promise<void> {
    this.#retransmitIn(this.#backoff(), () => this.#sendDiscover());
    this.#stats.discoversSent++;
    // A link without a DHCP server would otherwise wait in silence, retrying for ever.
    const sent = this.#attempt;
    log.debug(() => `DHCPDISCOVER ${sent} of transaction ${this.#xid.toString(16)}`);
    if (sent === UNANSWERED_DISCOVERS) {
      const seconds = Math.round((this.#clock.now() - this.#startedAt) / 1000);
      log.warn(
        () =>
          `no DHCP server answered ${sent} DHCPDISCOVERs in ${seconds} s: still asking; ` +
          "is a DHCP server on this link, or should the address be static?",
      );
    }
    await this.#send(DhcpMessageType.discover, Ipv4Addr.broadcast, Ipv4Addr.any, []);
  }

  async #sendSelectingRequest(): Promise<void> {
    const offer = this.#offer;
    if (offer === undefined) return;
    if (this.#attempt >= this.#requestAttempts) return this.#discover();
    this.#retransmitIn(this.#backoff(), () => this.#sendSelectingRequest());
    this.#stats.requestsSent++;
    await this.#send(DhcpMessageType.request, Ipv4Addr.broadcast, Ipv4Addr.any, [
      [DhcpOption.requestedIp, offer.address.toBytes()],
      [DhcpOption.serverIdentifier, offer.server.toBytes()],
    ]);
  }

  /**
   * Sends a renewing (unicast to the server) or rebinding (broadcast) REQUEST, and retransmits it at
   * half the time left until T2 or expiry, at least 60 s apart, while that is before the deadline.
   */
  async #sendBoundRequest(lease: DhcpLease): Promise<void> {
    const now = this.#clock.now();
    const deadline = lease.grantedAtMs + (this.#state === "renewing" ? lease.rebindingTimeS : lease.leaseTimeS) * 1000;
    const wait = Math.max((deadline - now) / 2, MIN_BOUND_RETRANSMIT_MS);
    if (now + wait < deadline) this.#retransmitIn(wait, () => this.#sendBoundRequest(lease));
    this.#stats.requestsSent++;
    const dst = this.#state === "renewing" ? lease.server : Ipv4Addr.broadcast;
    await this.#send(DhcpMessageType.request, dst, lease.cidr.address, []);
  }

  async #receive(src: Ipv4Addr, srcPort: number, payload: Uint8Array): Promise<void> {
    const decoded = srcPort === SERVER_PORT ? decodeDhcpMessage(payload) : undefined;
    const message = decoded?.ok ? decoded.value : undefined;
    if (
      message === undefined ||
      message.op !== "reply" ||
      message.xid !== this.#xid ||
      !message.chaddr.equals(this.#mac)
    ) {
      this.#stats.ignored++;
      return;
    }
    const type = message.options.get(DhcpOption.messageType)?.[0];
    const serverOption = message.options.get(DhcpOption.serverIdentifier);
    const server = serverOption?.length === 4 ? Ipv4Addr.fromBytes(serverOption) : src;
    if (type === DhcpMessageType.offer && this.#state === "selecting") return this.#onOffer(message, server);
    // Requesting and renewing talk to one server; rebinding accepts any.
    const expected =
      this.#state === "requesting" ? this.#offer?.server : this.#state === "renewing" ? this.#lease?.server : undefined;
    const waiting = this.#state === "requesting" || this.#state === "renewing" || this.#state === "rebinding";
    if (!waiting || (expected !== undefined && !expected.equals(server))) {
      this.#stats.ignored++;
      return;
    }
    if (type === DhcpMessageType.ack) return this.#onAck(message, server);
    if (type === DhcpMessageType.nak) return this.#onNak();
    this.#stats.ignored++;
  }

  async #onOffer(offer: DhcpMessage, server: Ipv4Addr): Promise<void> {
    const address = offer.yiaddr;
    if (address.isUnspecified() || address.isBroadcast() || address.isMulticast() || server.isUnspecified()) {
      this.#stats.ignored++;
      return;
    }
    this.#stats.offersReceived++;
    this.#state = "requesting";
    this.#offer = { address, server };
    this.#attempt = 0;
    await this.#sendSelectingRequest();
  }

  async #onAck(ack: DhcpMessage, server: Ipv4Addr): Promise<void> {
    const lease = leaseFromAck(ack, server, this.#clock.now());
    if (typeof lease === "string") {
      this.#stats.ignored++;
      log.warn(() => `ignored an ACK from ${server.toString()}: ${lease}`);
      return;
    }
    this.#stats.acksReceived++;
    const address = lease.cidr.address;
    if (this.#arp === undefined || this.#lease?.cidr.address.equals(address) === true) return this.#bind(lease);
    // A new address: probe it before taking it (RFC 2131 §2.2).
    this.#state = "probing";
    this.#retransmitTimer?.cancel();
    this.#probing = lease;
    const result = await this.#arp.probe(address, this.#probe);
    if (this.#probing !== lease || this.#state !== "probing") return; // stopped, or the lease was lost meanwhile
    this.#probing = undefined;
    if (typeof result === "object") return this.#decline(lease, result.conflict);
    // "cancelled" with the client running: the ARP layer could not probe (disconnected, or full).
    if (result === "cancelled") log.warn(() => `could not probe ${address.toString()}: binding it unchecked`);
    await this.#bind(lease);
  }

  /**
   * Another host uses the ACKed address: tell the server (DHCPDECLINE, broadcast since the client
   * has no address) and start over after RFC 2131's 10 s, or RFC 5227's 60 s once conflicts go on.
   */
  async #decline(lease: DhcpLease, other: Macaddr): Promise<void> {
    const address = lease.cidr.address;
    this.#stats.declinesSent++;
    this.#conflictsInARow++;
    log.warn(() => `${other.toString()} already uses ${address.toString()}: declining it (DHCPDECLINE)`);
    this.#state = "init";
    await this.#loseLease();
    const delay = this.#conflictsInARow >= MAX_CONFLICTS ? RATE_LIMIT_INTERVAL_MS : DECLINE_WAIT_MS;
    this.#retransmitIn(delay, () => this.#discover());
    await this.#send(DhcpMessageType.decline, Ipv4Addr.broadcast, Ipv4Addr.any, [
      [DhcpOption.requestedIp, address.toBytes()],
      [DhcpOption.serverIdentifier, lease.server.toBytes()],
    ]);
  }

  async #bind(lease: DhcpLease): Promise<void> {
    const server = lease.server;
    this.#stats.leasesObtained++;
    this.#conflictsInARow = 0;
    const previous = this.#lease;
    const changed =
      previous === undefined || !previous.cidr.equals(lease.cidr) || !sameAddress(previous.gateway, lease.gateway);
    this.#lease = lease;
    this.#naksInARow = 0;
    log.info(
      () =>
        `lease ${lease.cidr.toString()} from ${server.toString()}` +
        `${lease.gateway === undefined ? "" : ` via ${lease.gateway.toString()}`} for ${lease.leaseTimeS} s`,
    );
    this.#state = "bound";
    this.#retransmitTimer?.cancel();
    this.#leaseAt(lease.renewalTimeS, lease, () => this.#enter("renewing", lease));
    if (changed) await this.#ipv4.configure(leaseConfig(lease));
    this.#onLease?.(lease);
    const waiters = this.#leaseWaiters;
    this.#leaseWaiters = [];
    for (const waiter of waiters) waiter(lease);
  }

  /**
   * A refused REQUEST: drop any lease and start over after a delay that doubles with each NAK in a
   * row, so that a server refusing everything does not get a storm of DISCOVERs.
   */
  async #onNak(): Promise<void> {
    this.#stats.naksReceived++;
    log.info("the server refused the lease (DHCPNAK): starting over");
    this.#state = "init";
    await this.#loseLease();
    const delay = Math.min(this.#initialRetransmit * 2 ** this.#naksInARow, this.#maxRetransmit);
    this.#naksInARow++;
    this.#retransmitIn(delay, () => this.#discover());
  }

  /** T1 and T2: ask to extend the lease, first from its server, then from any. */
  async #enter(state: "renewing" | "rebinding", lease: DhcpLease): Promise<void> {
    this.#state = state;
    this.#xid = this.#newXid();
    this.#startedAt = this.#clock.now();
    if (state === "renewing") this.#leaseAt(lease.rebindingTimeS, lease, () => this.#enter("rebinding", lease));
    else this.#leaseAt(lease.leaseTimeS, lease, () => this.#expire());
    await this.#sendBoundRequest(lease);
  }

  async #expire(): Promise<void> {
    this.#stats.expirations++;
    log.warn(() => `the lease of ${this.#lease?.cidr.toString() ?? "?"} expired`);
    await this.#loseLease();
    await this.#discover();
  }

  async #loseLease(): Promise<void> {
    this.#cancelProbe();
    this.#leaseTimer?.cancel();
    this.#leaseTimer = undefined;
    if (this.#lease === undefined) return;
    this.#lease = undefined;
    await this.#ipv4.configure(undefined);
    this.#onLease?.(undefined);
  }

  /** Schedules the lease event `seconds` after the lease was granted (never for an infinite lease). */
  #leaseAt(seconds: number, lease: DhcpLease, action: () => Promise<void>): void {
    this.#leaseTimer?.cancel();
    this.#leaseTimer = undefined;
    if (seconds === Infinity) return;
    const delay = lease.grantedAtMs + seconds * 1000 - this.#clock.now();
    this.#leaseTimer = setLongTimer(this.#clock, delay, () => void action());
  }

  #retransmitIn(delayMs: number, action: () => Promise<void>): void {
    this.#retransmitTimer?.cancel();
    this.#retransmitTimer = setLongTimer(this.#clock, delayMs, () => void action());
  }

  #cancelProbe(): void {
    const probing = this.#probing;
    this.#probing = undefined;
    if (probing !== undefined) this.#arp?.cancelProbe(probing.cidr.address);
  }

  #cancelTimers(): void {
    this.#retransmitTimer?.cancel();
    this.#retransmitTimer = undefined;
    this.#leaseTimer?.cancel();
    this.#leaseTimer = undefined;
  }

  /** The next retransmission delay: 4 s, 8 s, ... up to 64 s, each ±1 s (RFC 2131 §4.1). */
  #backoff(): number {
    const base = Math.min(this.#initialRetransmit * 2 ** this.#attempt, this.#maxRetransmit);
    this.#attempt++;
    const jitter = (this.#random.generate(1)[0]! / 255) * 2000 - 1000;
    return Math.max(0, base + jitter);
  }

  #newXid(): number {
    const b = this.#random.generate(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  async #send(type: number, dst: Ipv4Addr, ciaddr: Ipv4Addr, extra: Array<[number, Uint8Array]>): Promise<void> {
    const options = new Map<number, Uint8Array>([[DhcpOption.messageType, Uint8Array.of(type)]]);
    const clientId = new Uint8Array(7);
    clientId[0] = 1;
    this.#mac.write(clientId, 1);
    options.set(DhcpOption.clientIdentifier, clientId);
    for (const [code, data] of extra) options.set(code, data);
    // RELEASE and DECLINE carry no request options (RFC 2131 table 5).
    if (type !== DhcpMessageType.release && type !== DhcpMessageType.decline) {
      options.set(DhcpOption.maxMessageSize, Uint8Array.of(0x05, 0xdc));
      options.set(DhcpOption.parameterRequestList, this.#requested);
      if (this.#hostname !== undefined) options.set(DhcpOption.hostName, this.#hostname);
    }
    const message: DhcpMessage = {
      op: "request",
      xid: this.#xid,
      secs: Math.min(0xffff, Math.floor((this.#clock.now() - this.#startedAt) / 1000)),
      broadcast: ciaddr.isUnspecified(),
      ciaddr,
      yiaddr: Ipv4Addr.any,
      siaddr: Ipv4Addr.any,
      giaddr: Ipv4Addr.any,
      chaddr: this.#mac,
      options,
    };
    // A failed send is a lost message: the retransmission timer covers it.
    await this.#udp.write(dst, SERVER_PORT, encodeDhcpMessage(message), { srcPort: CLIENT_PORT, src: ciaddr });
  }
}

function sameAddress(a: Ipv4Addr | undefined, b: Ipv4Addr | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.equals(b);
}

function asciiBytes(what: string, text: string): Uint8Array {
  if (!/^[\x21-\x7e]{1,255}$/.test(text)) {
    throw new RangeError(`invalid ${what} ${JSON.stringify(text)}: must be 1 to 255 printable ASCII characters`);
  }
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}
