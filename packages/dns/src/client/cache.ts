/**
 * A bounded TTL cache of answers, with negative entries (RFC 2308 §5): an NXDOMAIN or NODATA answer
 * is kept for min(SOA TTL, SOA MINIMUM), so a missing name is not asked again at every lookup.
 *
 * @packageDocumentation
 */

import type { ResourceRecord } from "../wire/message.js";
import { canonicalName } from "../wire/name.js";

/** @beta What the cache holds for a name and type. */
export type CacheEntry =
  | { readonly kind: "records"; readonly records: readonly ResourceRecord[] }
  | { readonly kind: "nxdomain" }
  | { readonly kind: "nodata" };

interface Stored {
  readonly entry: CacheEntry;
  readonly expiresAt: number;
}

/** @beta Limits of {@link DnsCache}. */
export interface DnsCacheOptions {
  /** Entries kept; the least recently used goes first. */
  readonly size: number;
  /** Longest time an entry is kept, whatever its TTL (seconds); one day by default. */
  readonly maxTtl?: number;
  /** Longest time a negative entry is kept (seconds); RFC 2308 §5 suggests 1–3 hours, 3 hours here. */
  readonly maxNegativeTtl?: number;
}

/**
 * An LRU cache keyed by canonical name and type, with expiry read from an injected clock.
 *
 * @beta
 */
export class DnsCache {
  private readonly entries = new Map<string, Stored>();
  private readonly maxTtl: number;
  private readonly maxNegativeTtl: number;

  constructor(
    private readonly options: DnsCacheOptions,
    private readonly now: () => number,
  ) {
    if (!Number.isInteger(options.size) || options.size < 0) {
      throw new RangeError(`cache size ${options.size} is not a non-negative integer`);
    }
    this.maxTtl = options.maxTtl ?? 86_400;
    this.maxNegativeTtl = options.maxNegativeTtl ?? 10_800;
  }

  /** Entries held now (expired ones included until they are looked up or pushed out). */
  get size(): number {
    return this.entries.size;
  }

  /** The live entry for `name` and `type`, refreshed as most recently used; expired entries are dropped. */
  get(name: string, type: number): CacheEntry | undefined {
    const key = `${canonicalName(name)}/${type}`;
    const stored = this.entries.get(key);
    if (stored === undefined) return undefined;
    this.entries.delete(key);
    if (stored.expiresAt <= this.now()) return undefined;
    this.entries.set(key, stored);
    return stored.entry;
  }

  /** Stores `entry` for `ttl` seconds (bounded by the configured maxima); a zero TTL stores nothing. */
  put(name: string, type: number, entry: CacheEntry, ttl: number): void {
    if (this.options.size === 0) return;
    const bound = entry.kind === "records" ? this.maxTtl : this.maxNegativeTtl;
    const seconds = Math.min(ttl, bound);
    if (seconds <= 0) return;
    const key = `${canonicalName(name)}/${type}`;
    this.entries.delete(key);
    this.entries.set(key, { entry, expiresAt: this.now() + seconds * 1000 });
    while (this.entries.size > this.options.size) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Remaining lifetime in whole seconds of the entry for `name` and `type`, 0 if none. */
  remainingTtl(name: string, type: number): number {
    const stored = this.entries.get(`${canonicalName(name)}/${type}`);
    if (stored === undefined) return 0;
    return Math.max(0, Math.floor((stored.expiresAt - this.now()) / 1000));
  }
}
