/**
 * ICMP errors as the transports see them (RFC 1122 §4.2.3.9, RFC 5927): what went wrong, named
 * independently of the ICMP version, and the datagram the error quotes. The ICMPv4 layer builds these
 * reports from destination-unreachable, time-exceeded and parameter-problem messages
 * (`icmpv4ErrorReport`); the stack hands those quoting a TCP segment to `TcpLayer.icmpError`.
 *
 * @packageDocumentation
 */

import { Ipv4Addr, type Result, type UdpIcmpErrorKind, ok } from "@mirage-ts/mirage-types";
import { type DecodeError, decodeError } from "../codec/decode-error.js";
import { type Icmpv4Message, Icmpv4Type } from "./icmpv4-message.js";

/**
 * What an ICMP error reports about the datagram it quotes: mirage-types' `UdpIcmpErrorKind`, which
 * TCP hears of too. From ICMPv4:
 *
 * - `net_unreachable`, `host_unreachable`: no route, or the host is down (ICMPv4 destination
 *   unreachable codes 0, 1, 6, 7, 8, 11, 12).
 * - `protocol_unreachable`, `port_unreachable`: the destination host has no such protocol or port
 *   (codes 2 and 3).
 * - `prohibited`: administratively prohibited (codes 9, 10, 13, and the precedence codes 14 and 15).
 * - `fragmentation_needed`: the datagram was too big for a link and may not be fragmented (code 4,
 *   with the next-hop MTU of RFC 1191; ICMPv6's packet too big).
 * - `source_route_failed`: code 5.
 * - `time_exceeded`: the TTL ran out, or reassembly timed out (type 11).
 * - `parameter_problem`: a router or the host could not parse the header (type 12).
 *
 * @public
 */
export type IcmpErrorKind = UdpIcmpErrorKind;

/**
 * A received ICMP error about a datagram we sent, with the part of that datagram it quotes.
 *
 * @public
 */
export interface IcmpErrorReport<A> {
  /** Who sent the error (a router on the path, or the destination host). */
  readonly from: A;
  /** What the error says. */
  readonly kind: IcmpErrorKind;
  /** The ICMP type, as received. */
  readonly type: number;
  /** The ICMP code, as received. */
  readonly code: number;
  /**
   * For `fragmentation_needed`, the MTU of the link the datagram did not fit (RFC 1191); when the
   * router left it 0, the ICMPv4 layer estimates it from the plateau table of RFC 1191 §7. 0 otherwise.
   */
  readonly nextHopMtu: number;
  /** The quoted datagram's source address: one of ours. */
  readonly src: A;
  /** The quoted datagram's destination address: the peer. */
  readonly dst: A;
  /** The quoted datagram's IP protocol number (6 for TCP, 17 for UDP). */
  readonly protocol: number;
  /** The quoted transport bytes: at least the first 8 (ports, and TCP's sequence number). */
  readonly payload: Uint8Array;
}

// RFC 1191 §7: the plateaus, highest first, for routers that send no next-hop MTU.
const MTU_PLATEAUS = [32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68];

const UNREACHABLE_KINDS: readonly IcmpErrorKind[] = [
  "net_unreachable", // 0
  "host_unreachable", // 1
  "protocol_unreachable", // 2
  "port_unreachable", // 3
  "fragmentation_needed", // 4
  "source_route_failed", // 5
  "net_unreachable", // 6: destination network unknown
  "host_unreachable", // 7: destination host unknown
  "host_unreachable", // 8: source host isolated
  "prohibited", // 9: network administratively prohibited
  "prohibited", // 10: host administratively prohibited
  "net_unreachable", // 11: network unreachable for the type of service
  "host_unreachable", // 12: host unreachable for the type of service
  "prohibited", // 13: communication administratively prohibited (RFC 1812)
  "prohibited", // 14: host precedence violation
  "prohibited", // 15: precedence cutoff in effect
];

/** The kind of an ICMPv4 error, or `undefined` when the message is not an error transports hear of. */
function icmpv4ErrorKind(type: number, code: number): IcmpErrorKind | undefined {
  switch (type) {
    case Icmpv4Type.destinationUnreachable:
      return UNREACHABLE_KINDS[code];
    case Icmpv4Type.timeExceeded:
      return "time_exceeded";
    case Icmpv4Type.parameterProblem:
      return "parameter_problem";
    default:
      // Source quench (type 4) is ignored (RFC 6633), redirects concern routing, not transports.
      return undefined;
  }
}

/** Why an ICMPv4 message gives transports no report: not an error they hear of, or an unusable quote. */
export type IcmpReportError = DecodeError<"not_reported" | "bad_quote">;

/**
 * The report of an ICMPv4 error message `icmp` from `from`, or why it carries none: the message is
 * not an error transports hear of, or its quote is not the start of an IPv4 datagram with 8 bytes
 * of transport header (RFC 792 guarantees 8; a non-first fragment holds no transport header).
 */
export function icmpv4ErrorReport(
  from: Ipv4Addr,
  icmp: Icmpv4Message,
): Result<IcmpErrorReport<Ipv4Addr>, IcmpReportError> {
  const kind = icmpv4ErrorKind(icmp.type, icmp.code);
  if (kind === undefined) {
    return decodeError("not_reported", `type ${icmp.type} code ${icmp.code} is not reported to transports`);
  }
  const quote = icmp.data;
  if (quote.length < 20 || quote[0]! >>> 4 !== 4) return decodeError("bad_quote", "the quote is not an IPv4 header");
  const headerLength = (quote[0]! & 0x0f) * 4;
  if (headerLength < 20 || quote.length < headerLength + 8) {
    return decodeError("bad_quote", "the quote holds less than 8 bytes of transport header");
  }
  if (((quote[6]! << 8) | quote[7]!) & 0x1fff) return decodeError("bad_quote", "the quote is a non-first fragment");
  let nextHopMtu = 0;
  if (kind === "fragmentation_needed") {
    nextHopMtu = icmp.rest & 0xffff;
    if (nextHopMtu === 0) nextHopMtu = plateauBelow((quote[2]! << 8) | quote[3]!);
  }
  return ok({
    from,
    kind,
    type: icmp.type,
    code: icmp.code,
    nextHopMtu,
    src: Ipv4Addr.read(quote, 12),
    dst: Ipv4Addr.read(quote, 16),
    protocol: quote[9]!,
    payload: quote.subarray(headerLength),
  });
}

// The largest plateau below the size of the datagram that did not fit (RFC 1191 §5).
function plateauBelow(totalLength: number): number {
  for (const plateau of MTU_PLATEAUS) if (plateau < totalLength) return plateau;
  return MTU_PLATEAUS[MTU_PLATEAUS.length - 1]!;
}
