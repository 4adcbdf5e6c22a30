/**
 * The path MTU cache of RFC 8201: Packet Too Big messages lower the MTU towards one destination,
 * never below the IPv6 minimum of 1280 (§4), and an entry ages out after `ageMs` (default 10 min,
 * §4) so a path that grew again is found. At most `maxEntries` destinations are held; the oldest is
 * dropped for a new one.
 *
 * @packageDocumentation
 */

import type { Ipv6Addr } from "@mirage-ts/mirage-types";
import { addressKey } from "../internal/address-key.js";
import { IPV6_MIN_MTU } from "./ipv6-packet.js";

/** Path MTUs per destination; see the module documentation. */
export class PathMtuCache {
  readonly #maxEntries: number;
  readonly #ageMs: number;
  readonly #entries = new Map<string, { mtu: number; until: number }>();
  #lowered = 0;

  constructor(maxEntries = 256, ageMs = 600_000) {
    this.#maxEntries = maxEntries;
    this.#ageMs = ageMs;
  }

  /** The path MTU towards `dst` at `now`: the link's unless a Packet Too Big lowered it. */
  get(dst: Ipv6Addr, linkMtu: number, now: number): number {
    if (this.#entries.size === 0) return linkMtu;
    const key = addressKey(dst);
    const entry = this.#entries.get(key);
    if (entry === undefined) return linkMtu;
    if (entry.until <= now) {
      this.#entries.delete(key);
      return linkMtu;
    }
    return Math.min(entry.mtu, linkMtu);
  }

  /** Applies a Packet Too Big for `dst` announcing `mtu`; returns the new path MTU if it dropped. */
  tooBig(dst: Ipv6Addr, mtu: number, linkMtu: number, now: number): number | undefined {
    const current = this.get(dst, linkMtu, now);
    const lowered = Math.max(IPV6_MIN_MTU, Math.min(mtu, linkMtu));
    if (lowered >= current) return undefined;
    const key = addressKey(dst);
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, { mtu: lowered, until: now + this.#ageMs });
    this.#lowered++;
    return lowered;
  }

  /** Destinations held now, and Packet Too Big messages that lowered a path MTU. */
  stats(): { pathMtuEntries: number; pathMtuLowered: number } {
    return { pathMtuEntries: this.#entries.size, pathMtuLowered: this.#lowered };
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
