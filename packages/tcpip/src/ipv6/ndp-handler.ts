/**
 * Neighbour Discovery on the wire for an `Ipv6Layer`: it validates ND messages (RFC 4861 §6.1, §7.1:
 * hop limit 255, code 0, lengths, options), answers solicitations, feeds advertisements to the
 * {@link NeighbourCache} and router advertisements to the {@link NdpState}, runs DAD (RFC 4862 §5.4),
 * and keeps the MLDv2 memberships (RFC 3810) of the solicited-node groups of its addresses
 * ({@link MldListener}) so ND works behind MLD-snooping switches.
 *
 * RFC 4862 §5.4.5: when DAD finds the link-local address (formed from the MAC address, so meant to be
 * unique) duplicate, IP operation on the interface is disabled through `NdpContext.disable`.
 *
 * Redirects (RFC 4861 §8) are ignored and counted: a host that follows them can be steered by any
 * neighbour, and the one-router links this stack runs on never need them.
 *
 * @packageDocumentation
 */

import { type IpError, Ipv6Addr, Ipv6Prefix, type Macaddr, type Result } from "@mirage-ts/mirage-types";
import { type Icmpv6Message, Icmpv6Type } from "../icmp/icmpv6-message.js";
import { ipv6Log as log } from "../internal/logs.js";
import { MldListener } from "./mld-listener.js";
import {
  ALL_NODES,
  ALL_ROUTERS,
  MLDV2_ROUTERS,
  NaFlag,
  decodeNdOptions,
  encodeMacOption,
  encodeTargetBody,
  multicastMac,
  solicitedNode,
} from "./ndp-message.js";
import { type NdpLimits, NdpState } from "./ndp-state.js";
import { NeighbourCache, type NeighbourCacheLimits, type Resolution } from "./neighbour-cache.js";

/** What the handler needs from its layer. */
export interface NdpContext {
  now(): number;
  /** A random delay from 0 to `maxMs`. */
  randomDelay(maxMs: number): number;
  mac(): Macaddr;
  send(
    dst: Ipv6Addr,
    type: number,
    code: number,
    rest: number,
    body: Uint8Array,
    route: { src: Ipv6Addr; mac: Macaddr; hopLimit: number; routerAlert?: boolean },
  ): Promise<Result<void, IpError>>;
  /** An RA's MTU option or current hop limit. */
  linkParameters(mtu: number | undefined, hopLimit: number): void;
  /** Re-arms the layer's timer after a state change. */
  schedule(): void;
  /** Disables IPv6 on the interface (RFC 4862 §5.4.5), saying why. */
  disable(reason: string): void;
}

/**
 * Counters of ND messages.
 *
 * @beta
 */
export interface NdpMessageStats {
  /** ND messages dropped by validation (hop limit, code, length, options, sources). */
  ndInvalid: number;
  /** Neighbour solicitations answered. */
  nsAnswered: number;
  /** Neighbour advertisements received. */
  naReceived: number;
  /** Router advertisements ignored because they are not accepted. */
  raIgnored: number;
  /** Redirects received and ignored. */
  redirectsIgnored: number;
  /** MLD queries answered (General and Multicast Address Specific, RFC 3810 §6.2). */
  mldQueries: number;
  /** MLDv2 reports sent (each of the Robustness Variable's retransmissions counts, RFC 3810 §6.1). */
  mldReports: number;
  /** MLD queries dropped: hop limit not 1, source not link-local, or a destination unlike the query's. */
  mldQueriesInvalid: number;
  /**
   * Multicast groups left (a CHANGE_TO_INCLUDE_MODE record with no sources sent): an address went,
   * or the layer stopped.
   */
  mldLeaves: number;
  /** Advertisements for one of our assigned addresses from another node (a duplicate after DAD). */
  addressConflicts: number;
  /**
   * Link-local addresses found duplicate by DAD (RFC 4862 §5.4.5): IPv6 is then disabled on the
   * interface (see `Ipv6Layer.disabled`).
   */
  linkLocalConflicts: number;
  /** Unsolicited advertisements sent to all nodes when an address passed DAD (RFC 4861 §7.2.6). */
  naUnsolicited: number;
}

const ND_HOP_LIMIT = 255;

/** ND, DAD, SLAAC and MLD for one interface; see the module documentation. */
export class NdpHandler {
  readonly state: NdpState;
  readonly cache: NeighbourCache;
  readonly #ctx: NdpContext;
  readonly #acceptRa: boolean;
  readonly #mld: MldListener;
  readonly #stats = {
    ndInvalid: 0,
    nsAnswered: 0,
    naReceived: 0,
    raIgnored: 0,
    redirectsIgnored: 0,
    addressConflicts: 0,
    linkLocalConflicts: 0,
    naUnsolicited: 0,
  };

  constructor(ctx: NdpContext, acceptRa: boolean, limits: { ndp?: NdpLimits; neighbours?: NeighbourCacheLimits }) {
    this.#ctx = ctx;
    this.#acceptRa = acceptRa;
    this.state = new NdpState(ctx.mac(), limits.ndp);
    this.cache = new NeighbourCache(limits.neighbours);
    this.#mld = new MldListener({
      now: ctx.now,
      randomDelay: ctx.randomDelay,
      report: (body, count) => this.#report(body, count),
    });
  }

  /** Adds the link-local address, then `static` addresses, and starts router solicitation. */
  start(addresses: readonly Ipv6Prefix[]): void {
    const now = this.#ctx.now();
    const linkLocal = this.state.linkLocal();
    const all: { cidr: Ipv6Prefix; origin: "static" | "link-local" }[] = [
      { cidr: Ipv6Prefix.make(linkLocal, 64), origin: "link-local" },
    ];
    for (const cidr of addresses) all.push({ cidr, origin: "static" });
    for (const { cidr, origin } of all) {
      if (origin === "static") this.state.addPrefix(cidr);
      this.state.addAddress(cidr, origin, now, this.#ctx.randomDelay(1000));
    }
    this.#syncGroups();
    if (this.#acceptRa) this.state.solicitRouters(now, this.#ctx.randomDelay(1000));
    this.#ctx.schedule();
  }

  /** Whether a packet to `dst` is for this host (an assigned address or a joined group). */
  accepts(dst: Ipv6Addr, ndOnly: boolean): boolean {
    if (dst.isMulticast()) return this.#mld.has(dst);
    return this.state.isOurs(dst, ndOnly);
  }

  /** Resolves the link-layer address of on-link `ip`; see {@link NeighbourCache.resolve}. */
  resolve(ip: Ipv6Addr, waiter: (mac: Macaddr | undefined) => void): Resolution {
    const resolution = this.cache.resolve(ip, this.#ctx.now(), waiter);
    if (resolution.kind === "wait" && resolution.solicit !== undefined) {
      this.#solicit(ip, undefined);
      this.#ctx.schedule();
    } else if (resolution.kind === "mac" && this.cache.state(ip) === "delay") this.#ctx.schedule();
    return resolution;
  }

  /** Handles an ND or MLD message; returns false for other types. */
  input(src: Ipv6Addr, dst: Ipv6Addr, hopLimit: number, icmp: Icmpv6Message): boolean {
    switch (icmp.type) {
      case Icmpv6Type.neighborSolicitation:
        this.#valid(hopLimit, icmp, 16) && this.#solicitation(src, dst, icmp);
        break;
      case Icmpv6Type.neighborAdvertisement:
        this.#valid(hopLimit, icmp, 16) && this.#advertisement(dst, icmp);
        break;
      case Icmpv6Type.routerAdvertisement:
        this.#valid(hopLimit, icmp, 8) && this.#routerAdvertisement(src, icmp);
        break;
      case Icmpv6Type.routerSolicitation:
        break; // Hosts ignore solicitations (RFC 4861 §6.2.6 is for routers).
      case Icmpv6Type.redirect:
        this.#stats.redirectsIgnored++;
        break;
      case Icmpv6Type.mldQuery:
        this.#mld.query(src, dst, hopLimit, icmp.rest >>> 16, icmp.body);
        break;
      case Icmpv6Type.mldv2Report:
        break;
      default:
        return false;
    }
    this.#ctx.schedule();
    return true;
  }

  /** Advances DAD, lifetimes, router solicitations and the neighbour cache to now. */
  tick(): void {
    const now = this.#ctx.now();
    const actions = this.state.tick(now);
    for (const target of actions.dadProbes) {
      const group = solicitedNode(target);
      const route = { src: Ipv6Addr.unspecified, mac: multicastMac(group), hopLimit: ND_HOP_LIMIT };
      void this.#ctx.send(group, Icmpv6Type.neighborSolicitation, 0, 0, encodeTargetBody(target, undefined), route);
    }
    if (actions.solicitRouters) {
      const src = this.state.source(ALL_ROUTERS);
      const body = src.isUnspecified() ? new Uint8Array(0) : encodeMacOption(1, this.#ctx.mac());
      const route = { src, mac: multicastMac(ALL_ROUTERS), hopLimit: ND_HOP_LIMIT };
      void this.#ctx.send(ALL_ROUTERS, Icmpv6Type.routerSolicitation, 0, 0, body, route);
    }
    for (const target of actions.completed) this.#announce(target);
    for (const { target, mac } of this.cache.tick(now)) this.#solicit(target, mac);
    this.#syncGroups();
    this.#mld.tick(now);
  }

  /** Leaves every multicast group (the layer stops): one MLDv2 report with a leave for each. */
  leaveGroups(): void {
    this.#mld.leaveAll();
  }

  /**
   * Announces an address that passed DAD with an unsolicited advertisement to all nodes, override
   * set (RFC 4861 §7.2.6, as Linux does), so neighbours holding a stale link-layer address for it
   * update at once.
   */
  #announce(target: Ipv6Addr): void {
    log.info(() => `DAD: ${target.toString()} is preferred`);
    this.#stats.naUnsolicited++;
    const body = encodeTargetBody(target, encodeMacOption(2, this.#ctx.mac()));
    const route = { src: target, mac: multicastMac(ALL_NODES), hopLimit: ND_HOP_LIMIT };
    void this.#ctx.send(ALL_NODES, Icmpv6Type.neighborAdvertisement, 0, NaFlag.override, body, route);
  }

  /** When {@link NdpHandler.tick} next has work (ms), if ever. */
  nextDeadline(): number | undefined {
    const a = this.state.nextDeadline() ?? Infinity;
    const b = this.cache.nextDeadline() ?? Infinity;
    const next = Math.min(a, b, this.#mld.nextDeadline() ?? Infinity);
    return next === Infinity ? undefined : next;
  }

  /** The multicast groups joined. */
  groups(): Ipv6Addr[] {
    return this.#mld.groups();
  }

  /** A snapshot of the counters. */
  stats(): NdpMessageStats {
    return { ...this.#stats, ...this.#mld.stats() };
  }

  #valid(hopLimit: number, icmp: Icmpv6Message, bodyLength: number): boolean {
    if (hopLimit === ND_HOP_LIMIT && icmp.code === 0 && icmp.body.length >= bodyLength) return true;
    this.#stats.ndInvalid++;
    return false;
  }

  #solicitation(src: Ipv6Addr, dst: Ipv6Addr, icmp: Icmpv6Message): void {
    const target = Ipv6Addr.read(icmp.body, 0);
    const options = decodeNdOptions(icmp.body.subarray(16));
    const dad = src.isUnspecified();
    if (
      !options.ok ||
      target.isMulticast() ||
      (dad && (!dst.equals(solicitedNode(target)) || options.value.sourceMac !== undefined))
    ) {
      this.#stats.ndInvalid++;
      return;
    }
    if (this.state.isTentative(target)) {
      // RFC 4862 §5.4.3: another node probing our tentative address means it is a duplicate.
      if (dad) this.#conflict(target);
      return;
    }
    if (!this.state.isOurs(target)) return;
    const sourceMac = options.value.sourceMac;
    if (!dad && sourceMac !== undefined) this.cache.learn(src, sourceMac);
    const to = dad ? ALL_NODES : src;
    const mac = dad ? multicastMac(ALL_NODES) : (sourceMac ?? this.cache.peek(src));
    if (mac === undefined) return;
    const flags = (dad ? 0 : NaFlag.solicited) | NaFlag.override;
    const body = encodeTargetBody(target, encodeMacOption(2, this.#ctx.mac()));
    this.#stats.nsAnswered++;
    void this.#ctx.send(to, Icmpv6Type.neighborAdvertisement, 0, flags >>> 0, body, {
      src: target,
      mac,
      hopLimit: ND_HOP_LIMIT,
    });
  }

  #advertisement(dst: Ipv6Addr, icmp: Icmpv6Message): void {
    const target = Ipv6Addr.read(icmp.body, 0);
    const options = decodeNdOptions(icmp.body.subarray(16));
    const solicited = (icmp.rest & NaFlag.solicited) !== 0;
    if (!options.ok || target.isMulticast() || (dst.isMulticast() && solicited)) {
      this.#stats.ndInvalid++;
      return;
    }
    this.#stats.naReceived++;
    if (this.state.isTentative(target)) {
      this.#conflict(target);
      return;
    }
    if (this.state.isOurs(target)) {
      this.#stats.addressConflicts++;
      log.warn(() => `another node advertises our address ${target.toString()}`);
      return;
    }
    const flags = {
      solicited,
      override: (icmp.rest & NaFlag.override) !== 0,
      router: (icmp.rest & NaFlag.router) !== 0,
    };
    if (this.cache.advertised(target, options.value.targetMac, flags, this.#ctx.now())) this.state.removeRouter(target);
  }

  #routerAdvertisement(src: Ipv6Addr, icmp: Icmpv6Message): void {
    if (!src.isLinkLocal()) {
      this.#stats.ndInvalid++;
      return;
    }
    if (!this.#acceptRa) {
      this.#stats.raIgnored++;
      return;
    }
    const options = decodeNdOptions(icmp.body.subarray(8));
    if (!options.ok) {
      this.#stats.ndInvalid++;
      return;
    }
    const { sourceMac, prefixes, mtu } = options.value;
    if (sourceMac !== undefined) this.cache.learn(src, sourceMac, true);
    this.#ctx.linkParameters(mtu, icmp.rest >>> 24);
    const now = this.#ctx.now();
    const routerLifetime = icmp.rest & 0xffff;
    const added = this.state.advertisement(src, { routerLifetime, prefixes }, now, this.#ctx.randomDelay(1000));
    if (added.length > 0) this.#syncGroups();
  }

  #conflict(address: Ipv6Addr): void {
    if (!this.state.duplicate(address)) return;
    if (address.isLinkLocal()) {
      // RFC 4862 §5.4.5: the link-local address comes from the MAC address, which should be unique:
      // another node with it means the link is misconfigured, and IP operation stops until someone
      // gives the interface another MAC address.
      this.#stats.linkLocalConflicts++;
      const reason =
        `DAD found the link-local address ${address.toString()} used by another node; IPv6 is disabled ` +
        "on this interface (RFC 4862 §5.4.5): give the interface another MAC address";
      log.err(() => reason);
      this.#ctx.disable(reason);
      return;
    }
    log.warn(() => `DAD: ${address.toString()} is used by another node`);
    this.#syncGroups();
  }

  /** Joins the solicited-node group of every address (tentative ones too, RFC 4862 §5.4.2), leaves the rest. */
  #syncGroups(): void {
    this.#mld.sync(this.state.addresses().map((a) => solicitedNode(a.cidr.address)));
  }

  #solicit(target: Ipv6Addr, unicast: Macaddr | undefined): void {
    const dst = unicast === undefined ? solicitedNode(target) : target;
    const src = this.state.source(target);
    const option = src.isUnspecified() ? undefined : encodeMacOption(1, this.#ctx.mac());
    const route = { src, mac: unicast ?? multicastMac(dst), hopLimit: ND_HOP_LIMIT };
    void this.#ctx.send(dst, Icmpv6Type.neighborSolicitation, 0, 0, encodeTargetBody(target, option), route);
  }

  /** Sends an MLDv2 report (RFC 3810 §5.2) to ff02::16 with a Router Alert, hop limit 1. */
  #report(body: Uint8Array, count: number): void {
    const src = this.state.source(MLDV2_ROUTERS);
    const route = { src, mac: multicastMac(MLDV2_ROUTERS), hopLimit: 1, routerAlert: true };
    void this.#ctx.send(MLDV2_ROUTERS, Icmpv6Type.mldv2Report, 0, count, body, route);
  }
}
