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

import { type Completed, FragmentTable } from "../internal/fragment-table.js";
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

const MAX_PAYLOAD = 0xffff - 20;
const IPV4_FAMILY = {
  maxPayload: MAX_PAYLOAD,
  maxPayloadWith: (first: Ipv4Header) => 0xffff - 20 - first.options.length,
};

/**
 * Reassembles IPv4 datagrams from fragments, within bounds.
 *
 * @public
 */
export class Reassembler {
  readonly #table: FragmentTable<Ipv4Header>;

  /** @throws RangeError if a limit is not a positive integer. */
  constructor(limits: ReassemblyLimits = {}) {
    this.#table = new FragmentTable(IPV4_FAMILY, limits, 10_000);
  }

  /**
   * Adds a fragment (its decoded header and payload) received at `now` (ms). The payload is copied.
   *
   * @returns the whole datagram (header and payload, flags and offset cleared) when this fragment
   * completes it, else `undefined`.
   */
  input(header: Ipv4Header, payload: Uint8Array, now: number): Uint8Array | undefined {
    const key = `${header.src.toNumber()} ${header.dst.toNumber()} ${header.protocol} ${header.id}`;
    // The header is a view into the received frame: keep a copy of its options.
    const first = (): Ipv4Header => ({ ...header, options: header.options.slice() });
    const done = this.#table.input(key, header.fragmentOffset, header.moreFragments, payload, now, first);
    return done === undefined ? undefined : assemble(done);
  }

  /** Drops the datagrams whose timeout passed at `now`; returns how many incomplete ones were dropped. */
  expire(now: number): number {
    return this.#table.expire(now);
  }

  /** When the next datagram expires (ms), or `undefined` when none is held. */
  nextExpiry(): number | undefined {
    return this.#table.nextExpiry();
  }

  /** A snapshot of the counters and table sizes. */
  stats(): ReassemblyStats {
    return this.#table.stats();
  }

  /** Forgets every datagram in progress. */
  clear(): void {
    this.#table.clear();
  }
}

function assemble({ first, fragments, length }: Completed<Ipv4Header>): Uint8Array {
  const header: Ipv4Header = { ...first, moreFragments: false, fragmentOffset: 0 };
  const headerLength = 20 + first.options.length;
  const datagram = new Uint8Array(headerLength + length);
  encodeIpv4Header(header, length, datagram);
  for (const fragment of fragments) datagram.set(fragment.data, headerLength + fragment.start);
  return datagram;
}
