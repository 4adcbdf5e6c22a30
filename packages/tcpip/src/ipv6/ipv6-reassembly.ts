/**
 * IPv6 reassembly (RFC 8200 §4.5) over the shared {@link FragmentTable}: fragments are keyed by
 * source, destination and identification; overlapping fragments discard the datagram (RFC 5722);
 * the timeout defaults to RFC 8200's 60 s. A reassembled datagram is the first fragment's
 * unfragmentable part, with the next-header field that named the fragment header rewritten to the
 * fragment's next header, followed by the fragmentable part: the fragment header is gone. When an
 * incomplete datagram times out, the first fragment (if it came) is handed back so the layer can
 * send ICMPv6 Time Exceeded (code 1).
 *
 * @packageDocumentation
 */

import type { Ipv6Addr } from "@mirage-ts/mirage-types";
import { FragmentTable } from "../internal/fragment-table.js";
import type { ReassemblyLimits, ReassemblyStats } from "../ipv4/reassembly.js";
import type { Ipv6FragmentHeader } from "./extension-headers.js";
import { IPV6_HEADER_SIZE } from "./ipv6-packet.js";

interface First {
  /** The unfragmentable part, copied, with the naming next-header field already rewritten. */
  readonly unfragmentable: Uint8Array;
  /** The first fragment as received (at most 1232 bytes), quoted by Time Exceeded. */
  readonly quote: Uint8Array;
}

const QUOTE_MAX = 1280 - 48;
const IPV6_FAMILY = {
  maxPayload: 0xffff,
  maxPayloadWith: (first: First) => 0xffff - (first.unfragmentable.length - IPV6_HEADER_SIZE),
};

/** IPv6 reassembly; see the module documentation. */
export class Ipv6Reassembler {
  readonly #table: FragmentTable<First>;

  /** @throws RangeError if a limit is invalid. */
  constructor(limits: ReassemblyLimits = {}) {
    this.#table = new FragmentTable(IPV6_FAMILY, limits, 60_000);
  }

  /** Adds the fragment `fragment` of `packet`; returns the reassembled packet when it completes one. */
  input(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    packet: Uint8Array,
    fragment: Ipv6FragmentHeader,
    now: number,
  ): Uint8Array | undefined {
    const key = `${src.toString()} ${dst.toString()} ${fragment.id}`;
    const data = packet.subarray(fragment.at + 8);
    const first = (): First => {
      const unfragmentable = packet.slice(0, fragment.at);
      unfragmentable[fragment.namedAt] = fragment.nextHeader;
      return { unfragmentable, quote: packet.slice(0, QUOTE_MAX) };
    };
    const done = this.#table.input(key, fragment.offset, fragment.more, data, now, first);
    if (done === undefined) return undefined;
    const head = done.first.unfragmentable;
    const whole = new Uint8Array(head.length + done.length);
    whole.set(head, 0);
    const payloadLength = whole.length - IPV6_HEADER_SIZE;
    whole[4] = payloadLength >>> 8;
    whole[5] = payloadLength & 0xff;
    for (const piece of done.fragments) whole.set(piece.data, head.length + piece.start);
    return whole;
  }

  /** Drops timed-out datagrams; `onTimeout` gets the first fragment of each that had one. */
  expire(now: number, onTimeout: (firstFragment: Uint8Array) => void): void {
    this.#table.expire(now, (first) => {
      if (first !== undefined) onTimeout(first.quote);
    });
  }

  /** When the next datagram expires (ms), if any is held. */
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
