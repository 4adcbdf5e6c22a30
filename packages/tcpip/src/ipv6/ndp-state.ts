/**
 * The host side of Neighbour Discovery and address autoconfiguration as a pure state machine (time
 * comes in as `now`): the interface's addresses with their duplicate address detection (RFC 4862
 * §5.4), the default-router and prefix lists fed by router advertisements (RFC 4861 §6.3.4), SLAAC
 * addresses with modified EUI-64 interface identifiers (RFC 4862 §5.5.3, RFC 4291 App. A) and the
 * two-hour rule, and router solicitations at start (RFC 4861 §6.3.7: up to 3, 4 s apart).
 *
 * Every list is bounded (addresses 16 as Linux's `max_addresses`, routers 8, prefixes 16): an RA flood
 * with thousands of prefixes fills the lists and the rest is counted and ignored.
 *
 * @packageDocumentation
 */

import { Ipv6Addr, Ipv6Prefix, type Macaddr } from "@mirage-ts/mirage-types";
import { type PrefixInformation, eui64Address } from "./ndp-message.js";

/**
 * The state of an address of the interface.
 *
 * @beta
 */
export type Ipv6AddressState = "tentative" | "preferred" | "deprecated";

/**
 * An address of the interface.
 *
 * @beta
 */
export interface Ipv6AddressEntry {
  /** The address and its prefix length. */
  readonly cidr: Ipv6Prefix;
  /** Where it came from. */
  readonly origin: "static" | "link-local" | "slaac";
  /** Its DAD and lifetime state. */
  readonly state: Ipv6AddressState;
}

/**
 * Bounds and timings of ND and SLAAC.
 *
 * @beta
 */
export interface NdpLimits {
  /** Addresses per interface (default 16). */
  readonly maxAddresses?: number;
  /** Default routers (default 8). */
  readonly maxRouters?: number;
  /** On-link prefixes (default 16). */
  readonly maxPrefixes?: number;
  /** DupAddrDetectTransmits (default 1; 0 turns DAD off). */
  readonly dadTransmits?: number;
  /** RetransTimer in ms (default 1000). */
  readonly retransMs?: number;
}

/**
 * Counters of ND and SLAAC.
 *
 * @beta
 */
export interface NdpStats {
  /** Addresses found duplicate by DAD and removed. */
  dadConflicts: number;
  /** Addresses that passed DAD. */
  dadCompleted: number;
  /** Router advertisements accepted. */
  raAccepted: number;
  /** Routers, prefixes or addresses an advertisement offered that did not fit their list. */
  raEntriesRefused: number;
  /** Routers, prefixes and addresses whose lifetime ran out. */
  expired: number;
  /** Default routers now. */
  routers: number;
  /** On-link prefixes now. */
  prefixes: number;
  /** Addresses now. */
  addresses: number;
}

interface Address {
  cidr: Ipv6Prefix;
  origin: "static" | "link-local" | "slaac";
  state: Ipv6AddressState;
  validUntil: number;
  preferredUntil: number;
  /** When the next DAD step is due; undefined once DAD is over. */
  dadAt: number | undefined;
  dadSent: number;
}

/** The decoded fixed fields of a router advertisement. */
export interface RouterAdvertisement {
  readonly routerLifetime: number;
  readonly prefixes: readonly PrefixInformation[];
}

/** What a tick asks the layer to do. */
export interface NdpActions {
  /** Targets to send a DAD solicitation for (from `::`). */
  readonly dadProbes: Ipv6Addr[];
  /** Send a router solicitation. */
  readonly solicitRouters: boolean;
  /** Addresses that passed DAD at this tick, to announce with an unsolicited advertisement. */
  readonly completed: Ipv6Addr[];
}

const TWO_HOURS = 2 * 3600_000;
const RS_INTERVAL = 4_000;
const RS_COUNT = 3;
const LINK_LOCAL = Ipv6Prefix.parse("fe80::/64");

function lifetimeEnd(now: number, seconds: number): number {
  return seconds === 0xffffffff ? Infinity : now + seconds * 1000;
}

/** The ND and SLAAC state of one interface; see the module documentation. */
export class NdpState {
  readonly #mac: Macaddr;
  readonly #maxAddresses: number;
  readonly #maxRouters: number;
  readonly #maxPrefixes: number;
  readonly #dadTransmits: number;
  readonly #retrans: number;
  readonly #addresses: Address[] = [];
  readonly #routers = new Map<string, { ip: Ipv6Addr; until: number }>();
  readonly #prefixes = new Map<string, { prefix: Ipv6Prefix; until: number }>();
  #rsLeft = 0;
  #rsAt = Infinity;
  readonly #stats = { dadConflicts: 0, dadCompleted: 0, raAccepted: 0, raEntriesRefused: 0, expired: 0 };

  constructor(mac: Macaddr, limits: NdpLimits = {}) {
    this.#mac = mac;
    this.#maxAddresses = limits.maxAddresses ?? 16;
    this.#maxRouters = limits.maxRouters ?? 8;
    this.#maxPrefixes = limits.maxPrefixes ?? 16;
    this.#dadTransmits = limits.dadTransmits ?? 1;
    this.#retrans = limits.retransMs ?? 1000;
  }

  /** The link-local address of the interface (fe80::/64 with its EUI-64 identifier). */
  linkLocal(): Ipv6Addr {
    return eui64Address(LINK_LOCAL.network(), this.#mac);
  }

  /**
   * Adds an address, tentative until DAD passes; the first probe is due after `delayMs` (RFC 4862
   * §5.4.2: a random delay). Returns false when the list is full or the address is already there.
   */
  addAddress(
    cidr: Ipv6Prefix,
    origin: Address["origin"],
    now: number,
    delayMs: number,
    lifetimes?: PrefixInformation,
  ): boolean {
    if (this.#find(cidr.address) !== undefined) return false;
    if (this.#addresses.length >= this.#maxAddresses) {
      this.#stats.raEntriesRefused++;
      return false;
    }
    const dad = this.#dadTransmits > 0;
    this.#addresses.push({
      cidr,
      origin,
      state: dad ? "tentative" : "preferred",
      validUntil: lifetimes === undefined ? Infinity : lifetimeEnd(now, lifetimes.validLifetime),
      preferredUntil: lifetimes === undefined ? Infinity : lifetimeEnd(now, lifetimes.preferredLifetime),
      dadAt: dad ? now + delayMs : undefined,
      dadSent: 0,
    });
    return true;
  }

  /** Adds a static on-link prefix (the one of a static address), which never expires. */
  addPrefix(prefix: Ipv6Prefix): void {
    this.#prefixes.set(prefix.networkPrefix().toString(), { prefix: prefix.networkPrefix(), until: Infinity });
  }

  /** Adds a static default router, which never expires. */
  addRouter(ip: Ipv6Addr): void {
    this.#routers.set(ip.toString(), { ip, until: Infinity });
  }

  /** Starts soliciting routers: the first solicitation is due after `delayMs` (at most 1 s, §6.3.7). */
  solicitRouters(now: number, delayMs: number): void {
    this.#rsLeft = RS_COUNT;
    this.#rsAt = now + delayMs;
  }

  /**
   * Reports that another node uses `address` (a NA for it, or a DAD solicitation from `::` while ours
   * is tentative, RFC 4862 §5.4.3-4). A tentative address is removed; returns whether one was.
   */
  duplicate(address: Ipv6Addr): boolean {
    const index = this.#addresses.findIndex((a) => a.cidr.address.equals(address) && a.state === "tentative");
    if (index < 0) return false;
    this.#addresses.splice(index, 1);
    this.#stats.dadConflicts++;
    return true;
  }

  /** Applies a validated router advertisement from link-local `src` (RFC 4861 §6.3.4, RFC 4862 §5.5.3). */
  advertisement(src: Ipv6Addr, ra: RouterAdvertisement, now: number, delayMs: number): Ipv6Addr[] {
    this.#stats.raAccepted++;
    this.#rsLeft = 0;
    this.#rsAt = Infinity;
    const key = src.toString();
    if (ra.routerLifetime === 0) this.#routers.delete(key);
    else if (this.#routers.has(key) || this.#routers.size < this.#maxRouters) {
      this.#routers.set(key, { ip: src, until: now + ra.routerLifetime * 1000 });
    } else this.#stats.raEntriesRefused++;
    const added: Ipv6Addr[] = [];
    for (const info of ra.prefixes) {
      if (info.length > 128 || LINK_LOCAL.mem(info.prefix)) continue;
      const prefix = Ipv6Prefix.make(info.prefix, info.length).networkPrefix();
      if (info.onLink) this.#onLink(prefix, info, now);
      if (info.autonomous && info.length === 64 && info.preferredLifetime <= info.validLifetime) {
        const address = this.#slaac(prefix, info, now, delayMs);
        if (address !== undefined) added.push(address);
      }
    }
    return added;
  }

  /** Advances timers to `now`: DAD steps, lifetimes, router solicitations. */
  tick(now: number): NdpActions {
    const dadProbes: Ipv6Addr[] = [];
    const completed: Ipv6Addr[] = [];
    for (const address of this.#addresses) {
      if (address.dadAt !== undefined && address.dadAt <= now) {
        if (address.dadSent < this.#dadTransmits) {
          address.dadSent++;
          address.dadAt = now + this.#retrans;
          dadProbes.push(address.cidr.address);
        } else {
          address.dadAt = undefined;
          address.state = "preferred";
          this.#stats.dadCompleted++;
          completed.push(address.cidr.address);
        }
      }
      if (address.state === "preferred" && address.preferredUntil <= now) address.state = "deprecated";
    }
    this.#expire(now);
    let solicitRouters = false;
    if (this.#rsAt <= now && this.#rsLeft > 0) {
      solicitRouters = true;
      this.#rsLeft--;
      this.#rsAt = this.#rsLeft > 0 ? now + RS_INTERVAL : Infinity;
    }
    return { dadProbes, solicitRouters, completed };
  }

  /** When {@link NdpState.tick} next has work (ms), if ever. */
  nextDeadline(): number | undefined {
    let next = this.#rsLeft > 0 ? this.#rsAt : Infinity;
    for (const a of this.#addresses) {
      next = Math.min(next, a.dadAt ?? Infinity, a.validUntil, a.state === "preferred" ? a.preferredUntil : Infinity);
    }
    for (const r of this.#routers.values()) next = Math.min(next, r.until);
    for (const p of this.#prefixes.values()) next = Math.min(next, p.until);
    return next === Infinity ? undefined : next;
  }

  /** Whether `address` is ours; `tentative` also counts addresses still under DAD. */
  isOurs(address: Ipv6Addr, tentative = false): boolean {
    const entry = this.#find(address);
    return entry !== undefined && (tentative || entry.state !== "tentative");
  }

  /** Whether `address` is one of ours under DAD. */
  isTentative(address: Ipv6Addr): boolean {
    return this.#find(address)?.state === "tentative";
  }

  /** Whether `dst` is on-link (link-local, multicast, or in an on-link prefix). */
  isOnLink(dst: Ipv6Addr): boolean {
    if (dst.isLinkLocal() || dst.isMulticast()) return true;
    for (const { prefix } of this.#prefixes.values()) if (prefix.mem(dst)) return true;
    return false;
  }

  /** The default routers, in the order they were learnt. */
  routers(): Ipv6Addr[] {
    return [...this.#routers.values()].map((r) => r.ip);
  }

  /** Drops `ip` from the default-router list (it advertised that it is no longer a router). */
  removeRouter(ip: Ipv6Addr): void {
    this.#routers.delete(ip.toString());
  }

  /** The source address for `dst` (RFC 6724, simplified: same scope, longest matching prefix). */
  source(dst: Ipv6Addr): Ipv6Addr {
    const usable = this.#addresses.filter((a) => a.state !== "tentative");
    const linkScope = dst.isLinkLocal() || (dst.isMulticast() && ((dst.toWords()[0]! >>> 16) & 0x0f) <= 2);
    const local = usable.find((a) => a.cidr.address.isLinkLocal());
    if (linkScope) return local?.cidr.address ?? Ipv6Addr.unspecified;
    const global = usable.filter((a) => !a.cidr.address.isLinkLocal());
    const preferred = global.filter((a) => a.state === "preferred");
    const pick = preferred.find((a) => a.cidr.mem(dst)) ?? preferred[0] ?? global[0] ?? local;
    return pick?.cidr.address ?? Ipv6Addr.unspecified;
  }

  /** The addresses and their states. */
  addresses(): Ipv6AddressEntry[] {
    return this.#addresses.map(({ cidr, origin, state }) => ({ cidr, origin, state }));
  }

  /** A snapshot of the counters. */
  stats(): NdpStats {
    return {
      ...this.#stats,
      routers: this.#routers.size,
      prefixes: this.#prefixes.size,
      addresses: this.#addresses.length,
    };
  }

  #find(address: Ipv6Addr): Address | undefined {
    return this.#addresses.find((a) => a.cidr.address.equals(address));
  }

  #onLink(prefix: Ipv6Prefix, info: PrefixInformation, now: number): void {
    const key = prefix.toString();
    if (info.validLifetime === 0) {
      this.#prefixes.delete(key);
      return;
    }
    const known = this.#prefixes.get(key);
    if (known !== undefined && known.until === Infinity) return;
    if (known === undefined && this.#prefixes.size >= this.#maxPrefixes) {
      this.#stats.raEntriesRefused++;
      return;
    }
    this.#prefixes.set(key, { prefix, until: lifetimeEnd(now, info.validLifetime) });
  }

  #slaac(prefix: Ipv6Prefix, info: PrefixInformation, now: number, delayMs: number): Ipv6Addr | undefined {
    const address = eui64Address(prefix.network(), this.#mac);
    const known = this.#find(address);
    if (known === undefined) {
      if (info.validLifetime === 0) return undefined;
      const cidr = Ipv6Prefix.make(address, 64);
      return this.addAddress(cidr, "slaac", now, delayMs, info) ? address : undefined;
    }
    if (known.origin !== "slaac") return undefined;
    // RFC 4862 §5.5.3 (e): the two-hour rule keeps a spoofed RA from cutting a lifetime short.
    const offered = lifetimeEnd(now, info.validLifetime);
    const remaining = known.validUntil - now;
    if (offered - now > TWO_HOURS || offered > known.validUntil) known.validUntil = offered;
    else if (remaining > TWO_HOURS) known.validUntil = now + TWO_HOURS;
    known.preferredUntil = lifetimeEnd(now, info.preferredLifetime);
    if (known.state === "deprecated" && known.preferredUntil > now) known.state = "preferred";
    return undefined;
  }

  #expire(now: number): void {
    for (let i = this.#addresses.length - 1; i >= 0; i--) {
      if (this.#addresses[i]!.validUntil <= now) {
        this.#addresses.splice(i, 1);
        this.#stats.expired++;
      }
    }
    for (const [key, router] of this.#routers) {
      if (router.until <= now) {
        this.#routers.delete(key);
        this.#stats.expired++;
      }
    }
    for (const [key, prefix] of this.#prefixes) {
      if (prefix.until <= now) {
        this.#prefixes.delete(key);
        this.#stats.expired++;
      }
    }
  }
}
