/**
 * The family-neutral core of fragment reassembly, shared by IPv4 (RFC 791, RFC 815) and IPv6
 * (RFC 8200 §4.5): fragments go in with the current time and a key naming their datagram, complete
 * fragment lists come out. Every resource is bounded:
 *
 * - at most `maxDatagrams` datagrams in progress; the oldest is evicted for a new one;
 * - at most `maxFragments` fragments per datagram, and `maxBytes` buffered over all datagrams (older
 *   datagrams are evicted to make room);
 * - a datagram not complete `timeoutMs` after its first fragment is dropped;
 * - a datagram never exceeds the length its family allows.
 *
 * Fragments may arrive in any order. An exact duplicate (same offset and length) is ignored. Any other
 * overlap, or fragments that disagree about where the datagram ends, poison the datagram: it is
 * discarded, and its later fragments are dropped until its timeout (as Linux does since the
 * FragmentSmack fixes, and RFC 5722 requires for IPv6), so overlapping data can never be used to
 * rewrite a header that was already checked.
 *
 * @packageDocumentation
 */

import type { ReassemblyLimits, ReassemblyStats } from "../ipv4/reassembly.js";
import { checkInteger } from "./checks.js";

/** One buffered fragment: its range in the datagram's payload and a copy of its bytes. */
export interface Fragment {
  readonly start: number;
  readonly end: number;
  readonly data: Uint8Array;
}

/** A completed datagram: what its first fragment carried, and its fragments in order. */
export interface Completed<H> {
  readonly first: H;
  readonly fragments: readonly Fragment[];
  readonly length: number;
}

interface Entry<H> {
  readonly expiresAt: number;
  /** Sorted by start, never overlapping. */
  readonly fragments: Fragment[];
  bytes: number;
  /** The payload length, known once the last fragment (more-fragments clear) arrived. */
  end: number | undefined;
  /** What the fragment at offset 0 carried (its header), which the reassembled datagram takes. */
  first: H | undefined;
  poisoned: boolean;
}

/** How a family bounds its datagrams. */
export interface FragmentFamily<H> {
  /** The largest payload any datagram may have. */
  readonly maxPayload: number;
  /** The largest payload a datagram with this first fragment may have (its headers take room). */
  readonly maxPayloadWith: (first: H) => number;
}

/** Reassembles fragments keyed by datagram, within bounds; see the module documentation. */
export class FragmentTable<H> {
  readonly #family: FragmentFamily<H>;
  readonly #maxDatagrams: number;
  readonly #maxFragments: number;
  readonly #maxBytes: number;
  readonly #timeout: number;
  // Insertion order is creation order, which with one timeout is also expiry order.
  readonly #entries = new Map<string, Entry<H>>();
  #bytes = 0;
  readonly #stats = {
    reassembled: 0,
    timeouts: 0,
    evicted: 0,
    duplicates: 0,
    overlaps: 0,
    oversized: 0,
    invalid: 0,
    dropped: 0,
  };

  /** @throws RangeError if a limit is not a positive integer. */
  constructor(family: FragmentFamily<H>, limits: ReassemblyLimits, defaultTimeoutMs: number) {
    this.#family = family;
    this.#maxDatagrams = limits.maxDatagrams ?? 64;
    this.#maxFragments = limits.maxFragments ?? 64;
    this.#maxBytes = limits.maxBytes ?? 1 << 20;
    this.#timeout = limits.timeoutMs ?? defaultTimeoutMs;
    checkInteger("reassembly maxDatagrams", this.#maxDatagrams, 1);
    checkInteger("reassembly maxFragments", this.#maxFragments, 1);
    checkInteger("reassembly maxBytes", this.#maxBytes, 1);
    if (!(this.#timeout > 0)) throw new RangeError(`reassembly timeoutMs must be positive, got ${this.#timeout}`);
  }

  /**
   * Adds the fragment covering `[start, start + payload.length)` of datagram `key`, received at `now`.
   * `first` makes what a fragment at offset 0 carries (called only for it). The payload is copied.
   */
  input(
    key: string,
    start: number,
    more: boolean,
    payload: Uint8Array,
    now: number,
    first: () => H,
  ): Completed<H> | undefined {
    this.expire(now);
    const end = start + payload.length;
    if (payload.length === 0 || (more && payload.length % 8 !== 0)) {
      this.#stats.invalid++;
      return undefined;
    }
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = {
        expiresAt: now + this.#timeout,
        fragments: [],
        bytes: 0,
        end: undefined,
        first: undefined,
        poisoned: false,
      };
      while (this.#entries.size >= this.#maxDatagrams) this.#evictOldest();
      this.#entries.set(key, entry);
    }
    if (entry.poisoned) {
      this.#stats.dropped++;
      return undefined;
    }
    if (end > this.#family.maxPayload) return this.#poison(entry, "oversized");
    if (!more) {
      if ((entry.end !== undefined && entry.end !== end) || lastEnd(entry) > end)
        return this.#poison(entry, "overlaps");
      entry.end = end;
    } else if (entry.end !== undefined && end > entry.end) {
      return this.#poison(entry, "overlaps");
    }
    const index = insertionIndex(entry.fragments, start);
    const before = entry.fragments[index - 1];
    const after = entry.fragments[index];
    if (after !== undefined && after.start === start && after.end === end) {
      this.#stats.duplicates++;
      return undefined;
    }
    if ((before !== undefined && before.end > start) || (after !== undefined && after.start < end)) {
      return this.#poison(entry, "overlaps");
    }
    if (entry.fragments.length >= this.#maxFragments) return this.#poison(entry, "oversized");
    if (!this.#makeRoom(payload.length, entry)) {
      this.#stats.dropped++;
      return undefined;
    }
    entry.fragments.splice(index, 0, { start, end, data: payload.slice() });
    entry.bytes += payload.length;
    this.#bytes += payload.length;
    if (start === 0) entry.first = first();
    if (entry.end === undefined || entry.bytes !== entry.end || entry.first === undefined) return undefined;
    // No overlaps and every fragment within [0, end): bytes === end means no hole is left.
    if (entry.end > this.#family.maxPayloadWith(entry.first)) return this.#poison(entry, "oversized");
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    this.#stats.reassembled++;
    return { first: entry.first, fragments: entry.fragments, length: entry.end };
  }

  /**
   * Drops the datagrams whose timeout passed at `now`; `onExpired` gets what the first fragment of each
   * incomplete one carried, if it came. Returns how many incomplete ones were dropped.
   */
  expire(now: number, onExpired?: (first: H | undefined) => void): number {
    let expired = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) break;
      this.#entries.delete(key);
      this.#bytes -= entry.bytes;
      if (entry.poisoned) continue;
      expired++;
      onExpired?.(entry.first);
    }
    this.#stats.timeouts += expired;
    return expired;
  }

  /** When the next datagram expires (ms), or `undefined` when none is held. */
  nextExpiry(): number | undefined {
    for (const entry of this.#entries.values()) return entry.expiresAt;
    return undefined;
  }

  /** A snapshot of the counters and table sizes. */
  stats(): ReassemblyStats {
    return { datagrams: this.#entries.size, bufferedBytes: this.#bytes, ...this.#stats };
  }

  /** Forgets every datagram in progress. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #poison(entry: Entry<H>, reason: "overlaps" | "oversized"): undefined {
    this.#stats[reason]++;
    this.#bytes -= entry.bytes;
    entry.fragments.length = 0;
    entry.bytes = 0;
    entry.first = undefined;
    entry.poisoned = true;
    return undefined;
  }

  /** Evicts other datagrams, oldest first, until `length` more bytes fit; false if they cannot. */
  #makeRoom(length: number, keep: Entry<H>): boolean {
    if (length > this.#maxBytes) return false;
    while (this.#bytes + length > this.#maxBytes) {
      const oldest = this.#oldestOtherThan(keep);
      if (oldest === undefined) return false;
      this.#remove(oldest);
    }
    return true;
  }

  #oldestOtherThan(keep: Entry<H>): string | undefined {
    for (const [key, entry] of this.#entries) if (entry !== keep && entry.bytes > 0) return key;
    return undefined;
  }

  #evictOldest(): void {
    const key = this.#entries.keys().next().value as string;
    this.#remove(key);
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key)!;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    if (!entry.poisoned) this.#stats.evicted++;
  }
}

function lastEnd(entry: Entry<unknown>): number {
  return entry.fragments.at(-1)?.end ?? 0;
}

/** The index of the first fragment starting at or after `start`. */
function insertionIndex(fragments: readonly Fragment[], start: number): number {
  let lo = 0;
  let hi = fragments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fragments[mid]!.start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
