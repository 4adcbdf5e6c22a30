/**
 * The neighbour cache of RFC 4861 §7.3 as a pure state machine: entries move through INCOMPLETE,
 * REACHABLE, STALE, DELAY and PROBE as solicitations, advertisements, time (`now` in every call) and
 * sends drive them, and the cache answers with the solicitations to send. Bounded: at most
 * `maxEntries` entries (a full table evicts a STALE entry first; see {@link NeighbourCache} for the
 * order), at most `maxWaiters` packets waiting on one address. Advertisements follow the override rules
 * of §7.2.5, so an unsolicited or spoofed advertisement without the O flag cannot replace a known link-layer address.
 *
 * @packageDocumentation
 */

import type { Ipv6Addr, Macaddr } from "@mirage-ts/mirage-types";
import { addressKey } from "../internal/address-key.js";
import { checkInteger } from "../internal/checks.js";

/**
 * The state of a neighbour cache entry (RFC 4861 §7.3.2).
 *
 * @beta
 */
export type NeighbourState = "incomplete" | "reachable" | "stale" | "delay" | "probe";

/**
 * Bounds and timings of a {@link NeighbourCache} (defaults from RFC 4861 §10).
 *
 * @beta
 */
export interface NeighbourCacheLimits {
  /** Entries at most (default 512, Linux's `gc_thresh2`). */
  readonly maxEntries?: number;
  /** Packets waiting on one unresolved address (default 16). */
  readonly maxWaiters?: number;
  /** REACHABLE_TIME in ms (default 30 000). */
  readonly reachableMs?: number;
  /** RETRANS_TIMER in ms (default 1 000). */
  readonly retransMs?: number;
  /** DELAY_FIRST_PROBE_TIME in ms (default 5 000). */
  readonly delayMs?: number;
  /** MAX_MULTICAST_SOLICIT and MAX_UNICAST_SOLICIT (default 3). */
  readonly maxSolicit?: number;
}

/**
 * A neighbour as {@link NeighbourCache.entries} shows it.
 *
 * @beta
 */
export interface NeighbourEntry {
  /** The neighbour's address. */
  readonly ip: Ipv6Addr;
  /** Its link-layer address, once known. */
  readonly mac: Macaddr | undefined;
  /** The entry's state. */
  readonly state: NeighbourState;
  /** Whether it said it is a router (the R flag). */
  readonly isRouter: boolean;
}

/**
 * Counters of a {@link NeighbourCache}.
 *
 * @beta
 */
export interface NeighbourStats {
  /** Entries now (bounded by `maxEntries`). */
  entries: number;
  /** Entries evicted to make room. */
  evicted: number;
  /** New entries refused: a learnt address with no STALE entry to replace, or no entry at all to replace. */
  refused: number;
  /** Addresses given up on after `maxSolicit` unanswered solicitations. */
  resolutionFailures: number;
  /** Packets refused because too many already waited on their address. */
  waitersRefused: number;
  /** Advertisements ignored by the override rules (a different address without the O flag). */
  overridesRefused: number;
}

/**
 * A solicitation to send: multicast to the target's solicited-node group, or unicast to `mac`.
 *
 * @beta
 */
export interface Solicitation {
  /** The address to resolve. */
  readonly target: Ipv6Addr;
  /** The cached address for a unicast probe, `undefined` for a multicast solicitation. */
  readonly mac: Macaddr | undefined;
}

/**
 * Called with the link-layer address once resolved, or `undefined` when resolution failed.
 *
 * @beta
 */
export type NeighbourWaiter = (mac: Macaddr | undefined) => void;
type Waiter = NeighbourWaiter;

interface Entry {
  ip: Ipv6Addr;
  mac: Macaddr | undefined;
  state: NeighbourState;
  /** When the state's timer fires (ms). */
  until: number;
  probes: number;
  isRouter: boolean;
  waiters: Waiter[];
}

/**
 * What {@link NeighbourCache.resolve} found: the address now, a pending wait, or a refusal.
 *
 * @beta
 */
export type Resolution =
  | { readonly kind: "mac"; readonly mac: Macaddr }
  | { readonly kind: "wait"; readonly solicit: Solicitation | undefined }
  | { readonly kind: "refused" };

/**
 * The neighbour cache; see the module documentation.
 *
 * @beta
 */
export class NeighbourCache {
  readonly #maxEntries: number;
  readonly #maxWaiters: number;
  readonly #reachable: number;
  readonly #retrans: number;
  readonly #delay: number;
  readonly #maxSolicit: number;
  // In order of last confirmation, oldest first: eviction takes the first resolved entry.
  readonly #entries = new Map<string, Entry>();
  readonly #stats = {
    evicted: 0,
    refused: 0,
    resolutionFailures: 0,
    waitersRefused: 0,
    overridesRefused: 0,
  };

  /** @throws RangeError if a limit is invalid. */
  constructor(limits: NeighbourCacheLimits = {}) {
    this.#maxEntries = checkInteger("neighbour cache maxEntries", limits.maxEntries ?? 512, 1);
    this.#maxWaiters = checkInteger("neighbour cache maxWaiters", limits.maxWaiters ?? 16, 0);
    this.#reachable = limits.reachableMs ?? 30_000;
    this.#retrans = limits.retransMs ?? 1_000;
    this.#delay = limits.delayMs ?? 5_000;
    this.#maxSolicit = checkInteger("neighbour cache maxSolicit", limits.maxSolicit ?? 3, 1);
  }

  /**
   * The link-layer address to send a packet for `ip` to, or a wait: `waiter` is then called with the
   * address once resolved, or `undefined` when resolution fails. Sending to a STALE entry moves it to
   * DELAY (§7.3.3).
   */
  resolve(ip: Ipv6Addr, now: number, waiter: NeighbourWaiter): Resolution {
    const key = addressKey(ip);
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      if (!this.#makeRoom()) {
        this.#stats.refused++;
        return { kind: "refused" };
      }
      const created: Entry = {
        ip,
        mac: undefined,
        state: "incomplete",
        until: now + this.#retrans,
        probes: 1,
        isRouter: false,
        waiters: [waiter],
      };
      this.#entries.set(key, created);
      return { kind: "wait", solicit: { target: ip, mac: undefined } };
    }
    if (entry.mac === undefined) {
      if (entry.waiters.length >= this.#maxWaiters) {
        this.#stats.waitersRefused++;
        return { kind: "refused" };
      }
      entry.waiters.push(waiter);
      return { kind: "wait", solicit: undefined };
    }
    if (entry.state === "stale") this.#enter(entry, "delay", now + this.#delay);
    return { kind: "mac", mac: entry.mac };
  }

  /**
   * The address to send to `ip` when no state change is due (REACHABLE, DELAY or PROBE): the
   * per-packet fast path, which allocates nothing.
   */
  ready(ip: Ipv6Addr): Macaddr | undefined {
    const entry = this.#entries.get(addressKey(ip));
    if (entry === undefined || entry.state === "incomplete" || entry.state === "stale") return undefined;
    return entry.mac;
  }

  /** The resolved address of `ip` without any state change, if known. */
  peek(ip: Ipv6Addr): Macaddr | undefined {
    return this.#entries.get(addressKey(ip))?.mac;
  }

  /**
   * Records a link-layer address learnt from a solicitation, a router advertisement or a redirect
   * (§7.2.3, §6.3.4): a new or changed address is STALE.
   */
  learn(ip: Ipv6Addr, mac: Macaddr, isRouter?: boolean): void {
    const key = addressKey(ip);
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      if (!this.#makeRoom(true)) {
        this.#stats.refused++;
        return;
      }
      this.#entries.set(key, {
        ip,
        mac,
        state: "stale",
        until: Infinity,
        probes: 0,
        isRouter: isRouter ?? false,
        waiters: [],
      });
      return;
    }
    if (isRouter !== undefined) entry.isRouter = isRouter;
    if (entry.mac === undefined || !entry.mac.equals(mac)) {
      entry.mac = mac;
      this.#enter(entry, "stale", Infinity);
      this.#release(entry, mac);
    }
  }

  /**
   * Applies a neighbour advertisement for `ip` (§7.2.5). Returns whether the entry was a router that
   * says it no longer is (the caller then drops it from the default-router list).
   */
  advertised(
    ip: Ipv6Addr,
    mac: Macaddr | undefined,
    flags: { solicited: boolean; override: boolean; router: boolean },
    now: number,
  ): boolean {
    const entry = this.#entries.get(addressKey(ip));
    if (entry === undefined) return false;
    if (entry.mac === undefined) {
      if (mac === undefined) return false;
      entry.mac = mac;
      entry.isRouter = flags.router;
      this.#confirm(entry, flags.solicited, now);
      this.#release(entry, mac);
      return false;
    }
    const differs = mac !== undefined && !entry.mac.equals(mac);
    if (differs && !flags.override) {
      this.#stats.overridesRefused++;
      if (entry.state === "reachable") this.#enter(entry, "stale", Infinity);
      return false;
    }
    if (mac !== undefined) entry.mac = mac;
    if (flags.solicited) this.#confirm(entry, true, now);
    else if (differs) this.#enter(entry, "stale", Infinity);
    const wasRouter = entry.isRouter;
    entry.isRouter = flags.router;
    return wasRouter && !flags.router;
  }

  /** Advances the timers to `now`; returns the solicitations to send. */
  tick(now: number): Solicitation[] {
    const out: Solicitation[] = [];
    for (const [key, entry] of this.#entries) {
      if (entry.until > now) continue;
      switch (entry.state) {
        case "reachable":
          this.#enter(entry, "stale", Infinity);
          break;
        case "delay":
          this.#enter(entry, "probe", now + this.#retrans);
          entry.probes = 1;
          out.push({ target: entry.ip, mac: entry.mac });
          break;
        case "incomplete":
        case "probe":
          if (entry.probes < this.#maxSolicit) {
            entry.probes++;
            entry.until = now + this.#retrans;
            out.push({ target: entry.ip, mac: entry.state === "probe" ? entry.mac : undefined });
          } else {
            this.#entries.delete(key);
            this.#stats.resolutionFailures++;
            this.#release(entry, undefined);
          }
          break;
        case "stale":
          break;
      }
    }
    return out;
  }

  /** When {@link NeighbourCache.tick} next has work (ms), if ever. */
  nextDeadline(): number | undefined {
    let next = Infinity;
    for (const entry of this.#entries.values()) next = Math.min(next, entry.until);
    return next === Infinity ? undefined : next;
  }

  /** The entries, for diagnostics and tests. */
  entries(): NeighbourEntry[] {
    return [...this.#entries.values()].map(({ ip, mac, state, isRouter }) => ({ ip, mac, state, isRouter }));
  }

  /** The state of `ip`'s entry, if any. */
  state(ip: Ipv6Addr): NeighbourState | undefined {
    return this.#entries.get(addressKey(ip))?.state;
  }

  /** A snapshot of the counters. */
  stats(): NeighbourStats {
    return { entries: this.#entries.size, ...this.#stats };
  }

  /** Forgets every entry, failing the packets that wait. */
  clear(): void {
    for (const entry of this.#entries.values()) this.#release(entry, undefined);
    this.#entries.clear();
  }

  #confirm(entry: Entry, solicited: boolean, now: number): void {
    if (solicited) this.#enter(entry, "reachable", now + this.#reachable);
    else this.#enter(entry, "stale", Infinity);
    // Re-insert: the map's order is the order of last confirmation.
    const key = addressKey(entry.ip);
    this.#entries.delete(key);
    this.#entries.set(key, entry);
  }

  #enter(entry: Entry, state: NeighbourState, until: number): void {
    entry.state = state;
    entry.until = until;
  }

  #release(entry: Entry, mac: Macaddr | undefined): void {
    const waiters = entry.waiters;
    entry.waiters = [];
    for (const waiter of waiters) waiter(mac);
  }

  /**
   * Frees an entry for a new one. Learnt addresses (`forLearn`) may only replace a STALE entry, so a
   * flood of solicitations cannot push out the neighbours in use. The stack's own resolutions may
   * also replace any entry nobody waits on, and then the oldest unresolved one (failing its
   * packets): a flood of unresolvable destinations cannot lock the stack out of new neighbours.
   */
  #makeRoom(forLearn = false): boolean {
    if (this.#entries.size < this.#maxEntries) return true;
    const victim =
      this.#first((e) => e.state === "stale" && e.waiters.length === 0) ??
      (forLearn
        ? undefined
        : (this.#first((e) => e.waiters.length === 0) ?? this.#first((e) => e.state === "incomplete")));
    if (victim === undefined) return false;
    this.#entries.delete(victim[0]);
    this.#stats.evicted++;
    this.#release(victim[1], undefined);
    return true;
  }

  #first(test: (entry: Entry) => boolean): [string, Entry] | undefined {
    for (const pair of this.#entries) if (test(pair[1])) return pair;
    return undefined;
  }
}
