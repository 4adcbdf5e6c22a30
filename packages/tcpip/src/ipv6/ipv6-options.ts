/**
 * The configuration, options and counters of an `Ipv6Layer`, in their own module so the layer stays
 * about behaviour.
 *
 * @packageDocumentation
 */

import type { Ipv6Addr, Ipv6Prefix, Random } from "@mirage-ts/mirage-types";
import type { Icmpv6LayerOptions } from "../icmp/icmpv6-layer.js";
import type { ReassemblyLimits, ReassemblyStats } from "../ipv4/reassembly.js";
import type { Clock } from "../time/clock.js";
import type { Ipv6Counters } from "./ipv6-stats.js";
import type { NdpMessageStats } from "./ndp-handler.js";
import type { NdpLimits, NdpStats } from "./ndp-state.js";
import type { NeighbourCacheLimits, NeighbourStats } from "./neighbour-cache.js";

/**
 * The configuration of an `Ipv6Layer`.
 *
 * @beta
 */
export interface Ipv6Config {
  /** Static addresses with their on-link prefixes (`--ipv6=ADDR/PREFIX`). */
  readonly addresses?: readonly Ipv6Prefix[];
  /** A static default router (`--ipv6-gateway`). */
  readonly gateway?: Ipv6Addr;
  /** Accept router advertisements: default routers, prefixes and SLAAC (default `true`). */
  readonly acceptRouterAdvertisements?: boolean;
}

/**
 * Options of an `Ipv6Layer`.
 *
 * @beta
 */
export interface Ipv6LayerOptions {
  /** The clock of every timer. */
  readonly clock: Clock;
  /** Randomness for DAD and RS delays and fragment identifications. */
  readonly random: Random;
  /** The configuration. */
  readonly config?: Ipv6Config;
  /** Extension headers walked at most (default 8, as Linux's `max_hbh_opts_number`). */
  readonly maxExtensionHeaders?: number;
  /** Fragment reassembly bounds (timeout default 60 s). */
  readonly reassembly?: ReassemblyLimits;
  /** Neighbour cache bounds and timings. */
  readonly neighbours?: NeighbourCacheLimits;
  /** Address, router and prefix list bounds; DAD settings. */
  readonly ndp?: NdpLimits;
  /** ICMPv6 error rate limit and ping table size. */
  readonly icmp?: Omit<Icmpv6LayerOptions, "clock">;
}

/**
 * Counters of an `Ipv6Layer`.
 *
 * @beta
 */
export interface Ipv6Stats extends Ipv6Counters {
  /** Reassembly counters and table sizes. */
  readonly reassembly: ReassemblyStats;
  /** The neighbour cache. */
  readonly neighbours: NeighbourStats;
  /** Addresses, routers, prefixes. */
  readonly ndp: NdpStats & NdpMessageStats;
  /** Path MTU entries and how often a Packet Too Big lowered one. */
  readonly pathMtu: { pathMtuEntries: number; pathMtuLowered: number };
}
