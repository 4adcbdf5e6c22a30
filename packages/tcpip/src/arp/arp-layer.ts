/**
 * `ArpLayer`: IPv4-to-MAC resolution over an {@link @mirage-ts/mirage-types#Ethernet} layer
 * (RFC 826), with every table bounded and a policy that resists cache poisoning:
 *
 * - it answers requests only for its own addresses, and announces each address it takes with a
 *   gratuitous ARP request (RFC 5227 §3);
 * - entries are created only for addresses it queried, and for the sender of a request addressed to
 *   us (RFC 826, so that the answer to it needs no query of our own): requests for other addresses,
 *   unsolicited replies and gratuitous announcements never add an entry;
 * - a packet that claims a cached address for another MAC does not overwrite the entry: it starts a
 *   unicast probe of the cached MAC (as Linux re-verifies a neighbour); if that MAC answers, the entry
 *   stays, otherwise it is removed and the next query resolves afresh;
 * - queries retry a fixed number of times, then fail with upstream's timeout error;
 * - {@link ArpLayer.probe} checks an address nobody answers for yet before it is taken (RFC 5227
 *   §2.1.1): it sends probes from 0.0.0.0, and any packet from another MAC that uses the address, or
 *   probes it too, is a conflict.
 *
 * @packageDocumentation
 */

import {
  type Arp,
  type ArpError,
  type Ethernet,
  Ipv4Addr,
  Macaddr,
  type Result,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { checkInteger } from "../internal/checks.js";
import { arpLog as log } from "../internal/logs.js";
import type { Clock, TimerHandle } from "../time/clock.js";
import { ARP_PACKET_SIZE, type ArpPacket, decodeArpPacket, encodeArpPacket } from "./arp-packet.js";
import type { ArpProbeOptions, ArpProbeResult, ArpProber } from "./arp-probe.js";

/**
 * Limits and timings of an {@link ArpLayer}.
 *
 * @public
 */
export interface ArpLimits {
  /** Resolved entries kept; the least recently used is evicted beyond it (default 512). */
  readonly maxEntries?: number;
  /**
   * Addresses being resolved, re-verified or probed at once; more queries fail at once, and more
   * probes end `"cancelled"` (default 64).
   */
  readonly maxPending?: number;
  /** Callers waiting on one pending address; more fail at once (default 64). */
  readonly maxWaiters?: number;
  /** How long a resolved entry is used before it is resolved again, in ms (default 300 000). */
  readonly entryLifetimeMs?: number;
  /** Requests sent per query or probe before giving up (default 3). */
  readonly attempts?: number;
  /** Delay between requests, in ms (default 1000). */
  readonly retryIntervalMs?: number;
}

/**
 * Options of an {@link ArpLayer}.
 *
 * @public
 */
export interface ArpOptions extends ArpLimits {
  /** The clock for retries and expiry. */
  readonly clock: Clock;
}

/**
 * Counters and table sizes of an {@link ArpLayer}.
 *
 * @public
 */
export interface ArpStats {
  /** Resolved entries held now (bounded by `maxEntries`). */
  entries: number;
  /** Addresses being resolved, re-verified or probed now (bounded by `maxPending`). */
  pending: number;
  /** Requests sent: queries, probes and announcements. */
  requestsSent: number;
  /** Replies sent to requests for our addresses. */
  repliesSent: number;
  /** Well-formed requests received. */
  requestsReceived: number;
  /** Well-formed replies received. */
  repliesReceived: number;
  /** Queries that ended in the timeout error (no reply, or a table limit reached). */
  timeouts: number;
  /** Entries evicted to respect `maxEntries`. */
  evictions: number;
  /** Packets that failed to decode or carried a broadcast or multicast sender. */
  malformed: number;
  /** Replies for addresses nobody queried, ignored. */
  unsolicited: number;
  /**
   * Packets claiming a cached address (or one of ours) for a different MAC, ignored; and packets
   * that ended an address probe with a conflict.
   */
  conflicts: number;
}

/**
 * A resolved ARP entry, as {@link ArpLayer.entries} lists it.
 *
 * @public
 */
export interface ArpEntry {
  /** The resolved address. */
  readonly ip: Ipv4Addr;
  /** Its MAC address. */
  readonly mac: Macaddr;
  /** Milliseconds until the entry is resolved again. */
  readonly expiresInMs: number;
}

interface Pending {
  readonly waiters: Array<(result: Result<Macaddr, ArpError>) => void>;
  attemptsLeft: number;
  timer: TimerHandle;
}

interface Resolved {
  readonly mac: Macaddr;
  expiresAt: number;
  /** Present while the cached MAC is being re-verified after a conflicting claim. */
  probe?: { attemptsLeft: number; timer: TimerHandle };
}

/** An RFC 5227 probe of an address we do not own yet. */
interface AddressProbe {
  readonly ip: Ipv4Addr;
  readonly promise: Promise<ArpProbeResult>;
  readonly resolve: (result: ArpProbeResult) => void;
  readonly attempts: number;
  readonly intervalMs: number;
  sent: number;
  timer: TimerHandle | undefined;
}

const ZERO_MAC = Macaddr.fromBytes(new Uint8Array(6));
const TIMEOUT: ArpError = { kind: "timeout" };

/**
 * An ARP layer for IPv4 over Ethernet.
 *
 * @public
 */
export class ArpLayer implements Arp, ArpProber {
  readonly #ethernet: Ethernet;
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #maxPending: number;
  readonly #maxWaiters: number;
  readonly #lifetime: number;
  readonly #attempts: number;
  readonly #retryInterval: number;
  #ips: Ipv4Addr[] = [];
  // Keyed by the address as a number; Map order is least to most recently used.
  readonly #cache = new Map<number, Resolved>();
  // The key last moved to (or inserted at) the end of #cache's LRU order.
  #newest: number | undefined;
  readonly #pending = new Map<number, Pending>();
  #probes = 0;
  // Address probes (RFC 5227), keyed by the address as a number.
  readonly #addressProbes = new Map<number, AddressProbe>();
  #disconnected = false;
  readonly #stats = {
    requestsSent: 0,
    repliesSent: 0,
    requestsReceived: 0,
    repliesReceived: 0,
    timeouts: 0,
    evictions: 0,
    malformed: 0,
    unsolicited: 0,
    conflicts: 0,
  };

  /**
   * Creates the layer over `ethernet`; it answers for no address until {@link ArpLayer.setIps} or
   * {@link ArpLayer.addIp}.
   *
   * @throws RangeError if a limit is not a positive integer.
   */
  constructor(ethernet: Ethernet, options: ArpOptions) {
    this.#ethernet = ethernet;
    this.#clock = options.clock;
    this.#maxEntries = checkInteger("ARP maxEntries", options.maxEntries ?? 512, 1);
    this.#maxPending = checkInteger("ARP maxPending", options.maxPending ?? 64, 1);
    this.#maxWaiters = checkInteger("ARP maxWaiters", options.maxWaiters ?? 64, 1);
    this.#lifetime = options.entryLifetimeMs ?? 300_000;
    this.#attempts = checkInteger("ARP attempts", options.attempts ?? 3, 1);
    this.#retryInterval = options.retryIntervalMs ?? 1000;
    if (!(this.#lifetime > 0) || !(this.#retryInterval > 0)) {
      throw new RangeError(
        `ARP entryLifetimeMs and retryIntervalMs must be positive, got ${this.#lifetime} and ${this.#retryInterval}`,
      );
    }
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Arp.getIps} */
  getIps(): Ipv4Addr[] {
    return [...this.#ips];
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Arp.setIps} */
  async setIps(ips: readonly Ipv4Addr[]): Promise<void> {
    this.#ips = dedupe(ips);
    for (const ip of this.#ips) await this.#announce(ip);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Arp.addIp} */
  async addIp(ip: Ipv4Addr): Promise<void> {
    if (!this.#isOurs(ip)) this.#ips.push(ip);
    await this.#announce(ip);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Arp.removeIp} */
  async removeIp(ip: Ipv4Addr): Promise<void> {
    this.#ips = this.#ips.filter((other) => !other.equals(ip));
  }

  /**
   * The MAC of `ip` if it is known now (ours, or a fresh cache entry), without sending anything:
   * what {@link ArpLayer.query} answers at once, given synchronously so a write to a known neighbour
   * needs no promise.
   */
  cached(ip: Ipv4Addr): Macaddr | undefined {
    if (this.#disconnected) return undefined;
    if (this.#isOurs(ip)) return this.#ethernet.mac();
    return this.#lookup(ip.toNumber())?.mac;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Arp.query} */
  query(ip: Ipv4Addr): Promise<Result<Macaddr, ArpError>> {
    if (this.#disconnected) return Promise.resolve(err(TIMEOUT));
    const known = this.cached(ip);
    if (known !== undefined) return Promise.resolve(ok(known));
    const key = ip.toNumber();
    const pending = this.#pending.get(key);
    if (pending !== undefined) {
      if (pending.waiters.length >= this.#maxWaiters) return Promise.resolve(this.#timedOut());
      return new Promise((resolve) => pending.waiters.push(resolve));
    }
    if (this.#busy() >= this.#maxPending) return Promise.resolve(this.#timedOut());
    return new Promise((resolve) => {
      const fresh: Pending = {
        waiters: [resolve],
        attemptsLeft: this.#attempts - 1,
        timer: this.#clock.setTimer(this.#retryInterval, () => this.#retry(ip, fresh)),
      };
      this.#pending.set(key, fresh);
      void this.#request(ip, Macaddr.broadcast);
    });
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Arp.input} */
  async input(packet: Uint8Array): Promise<void> {
    if (this.#disconnected) return;
    const decoded = decodeArpPacket(packet);
    if (!decoded.ok || !decoded.value.senderMac.isUnicast() || !isUnicastIp(decoded.value.senderIp)) {
      this.#stats.malformed++;
      return;
    }
    const arp = decoded.value;
    if (arp.operation === "request") this.#stats.requestsReceived++;
    else this.#stats.repliesReceived++;
    const ourMac = this.#ethernet.mac();
    if (arp.senderMac.equals(ourMac)) return; // our own announcement, looped back
    this.#checkProbes(arp);
    if (this.#isOurs(arp.senderIp)) {
      this.#stats.conflicts++;
      log.warn(() => `${arp.senderMac.toString()} claims our address ${arp.senderIp.toString()}`);
      return;
    }
    this.#learn(arp);
    if (arp.operation === "request" && this.#isOurs(arp.targetIp) && !arp.senderIp.isUnspecified()) {
      await this.#send(arp.senderMac, {
        operation: "reply",
        senderMac: ourMac,
        senderIp: arp.targetIp,
        targetMac: arp.senderMac,
        targetIp: arp.senderIp,
      });
      this.#stats.repliesSent++;
    }
  }

  /**
   * Probes `ip` before it is taken (RFC 5227 §2.1.1): sends `attempts` broadcast ARP requests from
   * sender address 0.0.0.0 for it, `intervalMs` apart, and resolves `intervalMs` after the last one
   * with `"free"`, or as soon as another MAC sends an ARP packet from the address or probes it too
   * with `{ conflict }` (that MAC). Nothing is announced: once the address is free, {@link ArpLayer.addIp}
   * takes it and announces it. One probe runs per address: probing an address being probed joins the
   * running probe. The probe ends `"cancelled"` on {@link ArpLayer.cancelProbe} or
   * {@link ArpLayer.disconnect}, and at once when `maxPending` addresses are being resolved or probed.
   * No timer is left once it has ended.
   *
   * @throws RangeError if `ip` is not a unicast address, `attempts` not a positive integer or
   * `intervalMs` not positive.
   */
  probe(ip: Ipv4Addr, options: ArpProbeOptions = {}): Promise<ArpProbeResult> {
    const attempts = options.attempts ?? 3;
    const intervalMs = options.intervalMs ?? 1000;
    checkInteger("ARP probe attempts", attempts, 1);
    if (!(intervalMs > 0)) throw new RangeError(`ARP probe intervalMs must be positive, got ${intervalMs}`);
    if (ip.isUnspecified() || !isUnicastIp(ip))
      throw new RangeError(`cannot probe ${ip.toString()}: not a unicast address`);
    if (this.#disconnected) return Promise.resolve("cancelled");
    const running = this.#addressProbes.get(ip.toNumber());
    if (running !== undefined) return running.promise;
    if (this.#busy() >= this.#maxPending) return Promise.resolve("cancelled");
    let resolve: (result: ArpProbeResult) => void = () => undefined;
    const promise = new Promise<ArpProbeResult>((r) => (resolve = r));
    const probe: AddressProbe = { ip, promise, resolve, attempts, intervalMs, sent: 0, timer: undefined };
    this.#addressProbes.set(ip.toNumber(), probe);
    log.info(() => `probing ${ip.toString()} (${attempts} probes, ${intervalMs} ms apart)`);
    this.#sendProbe(probe);
    return promise;
  }

  /** Ends the probe of `ip`, if one is running, with `"cancelled"`. */
  cancelProbe(ip: Ipv4Addr): void {
    const probe = this.#addressProbes.get(ip.toNumber());
    if (probe !== undefined) this.#endAddressProbe(probe, "cancelled");
  }

  /** The resolved entries (expired ones excluded), for inspection. */
  entries(): ArpEntry[] {
    const now = this.#clock.now();
    const out: ArpEntry[] = [];
    for (const [key, entry] of this.#cache) {
      if (entry.expiresAt > now)
        out.push({ ip: Ipv4Addr.fromNumber(key), mac: entry.mac, expiresInMs: entry.expiresAt - now });
    }
    return out;
  }

  /** A snapshot of the counters and table sizes. */
  stats(): ArpStats {
    return { entries: this.#cache.size, pending: this.#busy(), ...this.#stats };
  }

  /** Cancels every timer and fails pending queries with the timeout error. */
  async disconnect(): Promise<void> {
    this.#disconnected = true;
    for (const pending of this.#pending.values()) {
      pending.timer.cancel();
      for (const waiter of pending.waiters) waiter(err(TIMEOUT));
    }
    this.#pending.clear();
    for (const entry of this.#cache.values()) entry.probe?.timer.cancel();
    this.#cache.clear();
    this.#probes = 0;
    for (const probe of [...this.#addressProbes.values()]) this.#endAddressProbe(probe, "cancelled");
  }

  /**
   * Ends an address probe with a conflict when `arp` comes from another MAC (looped-back packets
   * were dropped before) and uses the probed address as its sender, or probes it too (RFC 5227 §2.1.1).
   */
  #checkProbes(arp: ArpPacket): void {
    if (this.#addressProbes.size === 0) return;
    const anotherProbe = arp.operation === "request" && arp.senderIp.isUnspecified();
    // A probe never targets 0.0.0.0, so a sender address of 0.0.0.0 matches nothing here.
    const probe = this.#addressProbes.get((anotherProbe ? arp.targetIp : arp.senderIp).toNumber());
    if (probe === undefined) return;
    this.#stats.conflicts++;
    log.warn(
      () =>
        `${arp.senderMac.toString()} ${anotherProbe ? "probes" : "uses"} ${probe.ip.toString()}, ` +
        "the address being probed: conflict",
    );
    this.#endAddressProbe(probe, { conflict: arp.senderMac });
  }

  /** Sends the next probe, then waits for the next one or for the end of the probe. */
  #sendProbe(probe: AddressProbe): void {
    probe.sent++;
    probe.timer = this.#clock.setTimer(probe.intervalMs, () => {
      if (probe.sent < probe.attempts) this.#sendProbe(probe);
      else this.#endAddressProbe(probe, "free");
    });
    this.#stats.requestsSent++;
    void this.#send(Macaddr.broadcast, {
      operation: "request",
      senderMac: this.#ethernet.mac(),
      senderIp: Ipv4Addr.any,
      targetMac: ZERO_MAC,
      targetIp: probe.ip,
    });
  }

  #endAddressProbe(probe: AddressProbe, result: ArpProbeResult): void {
    probe.timer?.cancel();
    probe.timer = undefined;
    if (this.#addressProbes.get(probe.ip.toNumber()) === probe) this.#addressProbes.delete(probe.ip.toNumber());
    probe.resolve(result);
  }

  /** Addresses being resolved, re-verified or probed: what `maxPending` bounds. */
  #busy(): number {
    return this.#pending.size + this.#probes + this.#addressProbes.size;
  }

  /** Applies what a packet says about its sender, within the policy of the module comment. */
  #learn(arp: ArpPacket): void {
    const key = arp.senderIp.toNumber();
    const pending = this.#pending.get(key);
    if (pending !== undefined) {
      pending.timer.cancel();
      this.#pending.delete(key);
      this.#store(key, arp.senderMac);
      for (const waiter of pending.waiters) waiter(ok(arp.senderMac));
      return;
    }
    const entry = this.#lookup(key);
    if (entry === undefined) {
      if (arp.operation === "reply") this.#stats.unsolicited++;
      else if (this.#isOurs(arp.targetIp) && !arp.senderIp.isUnspecified()) this.#store(key, arp.senderMac);
      return;
    }
    if (entry.mac.equals(arp.senderMac)) {
      entry.expiresAt = this.#clock.now() + this.#lifetime;
      if (entry.probe !== undefined) this.#endProbe(entry);
      return;
    }
    this.#stats.conflicts++;
    log.warn(
      () =>
        `${arp.senderMac.toString()} claims ${arp.senderIp.toString()}, cached at ${entry.mac.toString()}: ` +
        "keeping the entry and probing the cached MAC",
    );
    if (entry.probe === undefined && this.#busy() < this.#maxPending) {
      this.#probes++;
      entry.probe = { attemptsLeft: this.#attempts - 1, timer: this.#probeTimer(arp.senderIp, entry) };
      void this.#request(arp.senderIp, entry.mac);
    }
  }

  #probeTimer(ip: Ipv4Addr, entry: Resolved): TimerHandle {
    return this.#clock.setTimer(this.#retryInterval, () => {
      const probe = entry.probe;
      if (probe === undefined) return;
      if (probe.attemptsLeft > 0) {
        probe.attemptsLeft--;
        probe.timer = this.#probeTimer(ip, entry);
        void this.#request(ip, entry.mac);
        return;
      }
      // The cached MAC no longer answers: forget it, so the next query resolves by broadcast.
      log.info(() => `${ip.toString()} no longer answers at ${entry.mac.toString()}: entry removed`);
      this.#endProbe(entry);
      if (this.#cache.get(ip.toNumber()) === entry) this.#cache.delete(ip.toNumber());
    });
  }

  #endProbe(entry: Resolved): void {
    entry.probe?.timer.cancel();
    delete entry.probe;
    this.#probes--;
  }

  #retry(ip: Ipv4Addr, pending: Pending): void {
    const key = ip.toNumber();
    if (this.#pending.get(key) !== pending) return;
    if (pending.attemptsLeft > 0) {
      pending.attemptsLeft--;
      pending.timer = this.#clock.setTimer(this.#retryInterval, () => this.#retry(ip, pending));
      void this.#request(ip, Macaddr.broadcast);
      return;
    }
    this.#pending.delete(key);
    this.#stats.timeouts += pending.waiters.length;
    log.info(() => `no ARP reply for ${ip.toString()} after ${this.#attempts} requests`);
    for (const waiter of pending.waiters) waiter(err(TIMEOUT));
  }

  /** The live entry for `key`, marked most recently used; expired entries are dropped on the way. */
  #lookup(key: number): Resolved | undefined {
    const entry = this.#cache.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#cache.delete(key);
      if (entry.probe !== undefined) this.#endProbe(entry);
      return undefined;
    }
    // Move to the end of the LRU order, unless it is there already: every packet to the same
    // neighbour looks it up, and a Map delete and set per packet is not free.
    if (key !== this.#newest) {
      this.#cache.delete(key);
      this.#cache.set(key, entry);
      this.#newest = key;
    }
    return entry;
  }

  #store(key: number, mac: Macaddr): void {
    const old = this.#cache.get(key);
    if (old?.probe !== undefined) this.#endProbe(old);
    this.#cache.delete(key);
    while (this.#cache.size >= this.#maxEntries) {
      const [oldestKey, oldest] = this.#cache.entries().next().value as [number, Resolved];
      if (oldest.probe !== undefined) this.#endProbe(oldest);
      this.#cache.delete(oldestKey);
      this.#stats.evictions++;
    }
    this.#cache.set(key, { mac, expiresAt: this.#clock.now() + this.#lifetime });
    this.#newest = key;
  }

  #timedOut(): Result<Macaddr, ArpError> {
    this.#stats.timeouts++;
    return err(TIMEOUT);
  }

  #isOurs(ip: Ipv4Addr): boolean {
    return this.#ips.some((own) => own.equals(ip));
  }

  async #announce(ip: Ipv4Addr): Promise<void> {
    if (this.#disconnected) return;
    const mac = this.#ethernet.mac();
    log.info(() => `sending gratuitous ARP for ${ip.toString()} (${mac.toString()})`);
    await this.#send(Macaddr.broadcast, {
      operation: "request",
      senderMac: mac,
      senderIp: ip,
      targetMac: ZERO_MAC,
      targetIp: ip,
    });
    this.#stats.requestsSent++;
  }

  /** Asks who has `ip`, from our first address (or 0.0.0.0 while we have none, an RFC 5227 probe). */
  async #request(ip: Ipv4Addr, dst: Macaddr): Promise<void> {
    this.#stats.requestsSent++;
    await this.#send(dst, {
      operation: "request",
      senderMac: this.#ethernet.mac(),
      senderIp: this.#ips[0] ?? Ipv4Addr.any,
      targetMac: dst.isBroadcast() ? ZERO_MAC : dst,
      targetIp: ip,
    });
  }

  async #send(dst: Macaddr, packet: ArpPacket): Promise<void> {
    // A failed write is a lost packet: queries retry, and replies are asked for again.
    await this.#ethernet.write(dst, "arp", (buffer) => encodeArpPacket(packet, buffer), { size: ARP_PACKET_SIZE });
  }
}

function isUnicastIp(ip: Ipv4Addr): boolean {
  return !ip.isBroadcast() && !ip.isMulticast();
}

function dedupe(ips: readonly Ipv4Addr[]): Ipv4Addr[] {
  const out: Ipv4Addr[] = [];
  for (const ip of ips) if (!out.some((seen) => seen.equals(ip))) out.push(ip);
  return out;
}
