/**
 * IPv4 reassembly (RFC 791 §3.2, RFC 815) as a pure state machine: fragments go in with the current
 * time, whole datagrams come out. Every resource is bounded:
 *
 * - at most `maxDatagrams` datagrams in progress; the oldest is evicted for a new one;
 * - at most `maxFragments` fragments per datagram, and `maxBytes` buffered over all datagrams (older
 *   datagrams are evicted to make room);
 * - a datagram not complete `timeoutMs` after its first fragment is dropped;
 * - reassembled datagrams never exceed 65535 bytes.
 *
 * Fragments may arrive in any order. An exact duplicate (same offset and length) is ignored. Any other
 * overlap, or fragments that disagree about where the datagram ends, poison the datagram: it is
 * discarded, and its later fragments are dropped until its timeout (as Linux does since the
 * FragmentSmack fixes, and RFC 5722 requires for IPv6), so overlapping data can never be used to
 * rewrite a header that was already checked.
 *
 * @packageDocumentation
 */

import { checkInteger } from "../internal/checks.js";
import { type Ipv4Header, encodeIpv4Header } from "./ipv4-packet.js";

/**
 * Bounds of a {@link Reassembler}.
 *
 * @public
 */
export interface ReassemblyLimits {
  /** Datagrams in progress at once (default 64). */
  readonly maxDatagrams?: number;
  /** Fragments per datagram (default 64; a 65535-byte datagram over a 1500-byte MTU needs 45). */
  readonly maxFragments?: number;
  /** Payload bytes buffered over all datagrams (default 1 MiB). */
  readonly maxBytes?: number;
  /** Time from the first fragment until an incomplete datagram is dropped, in ms (default 10 000). */
  readonly timeoutMs?: number;
}

/**
 * Counters and table sizes of a {@link Reassembler}.
 *
 * @public
 */
export interface ReassemblyStats {
  /** Datagrams in progress or poisoned now (bounded by `maxDatagrams`). */
  datagrams: number;
  /** Payload bytes buffered now (bounded by `maxBytes`). */
  bufferedBytes: number;
  /** Datagrams completed. */
  reassembled: number;
  /** Incomplete datagrams dropped at their timeout. */
  timeouts: number;
  /** Datagrams evicted to respect `maxDatagrams` or `maxBytes`. */
  evicted: number;
  /** Exact duplicate fragments ignored. */
  duplicates: number;
  /** Datagrams discarded for overlapping or inconsistent fragments. */
  overlaps: number;
  /** Datagrams discarded for having more than `maxFragments` fragments or exceeding 65535 bytes. */
  oversized: number;
  /** Fragments refused on their own (a non-final fragment whose length is not a multiple of 8, or empty). */
  invalid: number;
  /** Fragments dropped because their datagram was discarded earlier. */
  dropped: number;
}

interface Fragment {
  readonly start: number;
  readonly end: number;
  readonly data: Uint8Array;
}

interface Entry {
  readonly expiresAt: number;
  /** Sorted by start, never overlapping. */
  readonly fragments: Fragment[];
  bytes: number;
  /** The payload length, known once the last fragment (MF clear) arrived. */
  end: number | undefined;
  /** The first fragment's header, which the reassembled datagram takes. */
  firstHeader: Ipv4Header | undefined;
  poisoned: boolean;
}

const MAX_PAYLOAD = 0xffff - 20;

/**
 * Reassembles IPv4 datagrams from fragments, within bounds.
 *
 * @public
 */
export class Reassembler {
  readonly #maxDatagrams: number;
  readonly #maxFragments: number;
  readonly #maxBytes: number;
  readonly #timeout: number;
  // Insertion order is creation order, which with one timeout is also expiry order.
  readonly #entries = new Map<string, Entry>();
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
  constructor(limits: ReassemblyLimits = {}) {
    this.#maxDatagrams = limits.maxDatagrams ?? 64;
    this.#maxFragments = limits.maxFragments ?? 64;
    this.#maxBytes = limits.maxBytes ?? 1 << 20;
    this.#timeout = limits.timeoutMs ?? 10_000;
    checkInteger("reassembly maxDatagrams", this.#maxDatagrams, 1);
    checkInteger("reassembly maxFragments", this.#maxFragments, 1);
    checkInteger("reassembly maxBytes", this.#maxBytes, 1);
    if (!(this.#timeout > 0)) throw new RangeError(`reassembly timeoutMs must be positive, got ${this.#timeout}`);
  }

  /**
   * Adds a fragment (its decoded header and payload) received at `now` (ms). The payload is copied.
   *
   * @returns the whole datagram (header and payload, flags and offset cleared) when this fragment
   * completes it, else `undefined`.
   */
  input(header: Ipv4Header, payload: Uint8Array, now: number): Uint8Array | undefined {
    this.expire(now);
    const start = header.fragmentOffset;
    const end = start + payload.length;
    if (payload.length === 0 || (header.moreFragments && payload.length % 8 !== 0)) {
      this.#stats.invalid++;
      return undefined;
    }
    const key = `${header.src.toNumber()} ${header.dst.toNumber()} ${header.protocol} ${header.id}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = {
        expiresAt: now + this.#timeout,
        fragments: [],
        bytes: 0,
        end: undefined,
        firstHeader: undefined,
        poisoned: false,
      };
      while (this.#entries.size >= this.#maxDatagrams) this.#evictOldest();
      this.#entries.set(key, entry);
    }
    if (entry.poisoned) {
      this.#stats.dropped++;
      return undefined;
    }
    if (end > MAX_PAYLOAD) return this.#poison(entry, "oversized");
    if (!header.moreFragments) {
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
    // The header is a view into the received frame: keep a copy of its options.
    if (start === 0) entry.firstHeader = { ...header, options: header.options.slice() };
    if (entry.end === undefined || entry.bytes !== entry.end || entry.firstHeader === undefined) return undefined;
    // No overlaps and every fragment within [0, end): bytes === end means no hole is left.
    if (20 + entry.firstHeader.options.length + entry.end > 0xffff) return this.#poison(entry, "oversized");
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    this.#stats.reassembled++;
    return assemble(entry.firstHeader, entry.fragments, entry.end);
  }

  /** Drops the datagrams whose timeout passed at `now`; returns how many incomplete ones were dropped. */
  expire(now: number): number {
    let expired = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) break;
      this.#entries.delete(key);
      this.#bytes -= entry.bytes;
      if (!entry.poisoned) expired++;
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

  #poison(entry: Entry, reason: "overlaps" | "oversized"): undefined {
    this.#stats[reason]++;
    this.#bytes -= entry.bytes;
    entry.fragments.length = 0;
    entry.bytes = 0;
    entry.poisoned = true;
    return undefined;
  }

  /** Evicts other datagrams, oldest first, until `length` more bytes fit; false if they cannot. */
  #makeRoom(length: number, keep: Entry): boolean {
    if (length > this.#maxBytes) return false;
    while (this.#bytes + length > this.#maxBytes) {
      const oldest = this.#oldestOtherThan(keep);
      if (oldest === undefined) return false;
      this.#remove(oldest);
    }
    return true;
  }

  #oldestOtherThan(keep: Entry): string | undefined {
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

function lastEnd(entry: Entry): number {
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

function assemble(first: Ipv4Header, fragments: readonly Fragment[], length: number): Uint8Array {
  const header: Ipv4Header = { ...first, moreFragments: false, fragmentOffset: 0 };
  const headerLength = 20 + first.options.length;
  const datagram = new Uint8Array(headerLength + length);
  encodeIpv4Header(header, length, datagram);
  for (const fragment of fragments) datagram.set(fragment.data, headerLength + fragment.start);
  return datagram;
}
