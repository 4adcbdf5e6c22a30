/**
 * The walk along an IPv6 extension-header chain (RFC 8200 §4) to the upper-layer header, bounded by a
 * count of headers. Hop-by-hop and destination options are parsed and their unknown options obeyed
 * (§4.2: skip, discard, or discard and report); a routing header with segments left is refused with a
 * parameter problem — this host forwards nothing, so every routing type, type 0 included (RFC 5095),
 * is one it cannot process; a fragment header ends the walk so the layer can reassemble. The walk
 * never throws: every defect is a {@link ChainError} naming its counter and the ICMPv6 parameter
 * problem (if any) to answer with.
 *
 * @packageDocumentation
 */

import { type Result, err, ok } from "@mirage-ts/mirage-types";
import type { DecodeError } from "../codec/decode-error.js";
import { IPV6_HEADER_SIZE, NextHeader } from "./ipv6-packet.js";

/**
 * The fragment header found on a walk.
 *
 * @beta
 */
export interface Ipv6FragmentHeader {
  /** The next header of the fragmentable part. */
  readonly nextHeader: number;
  /** Where this fragment's data goes in the fragmentable part, in bytes. */
  readonly offset: number;
  /** The M flag: more fragments follow. */
  readonly more: boolean;
  /** The identification shared by every fragment of the datagram. */
  readonly id: number;
  /** The packet offset of the fragment header (the unfragmentable part ends there). */
  readonly at: number;
  /** The packet offset of the next-header field that names the fragment header. */
  readonly namedAt: number;
}

/**
 * Where a walk ended: the upper-layer protocol and its offset, or a fragment header.
 *
 * @beta
 */
export interface Ipv6Chain {
  /** The upper-layer next header (meaningless when `fragment` is set). */
  readonly protocol: number;
  /** The packet offset of the upper-layer header. */
  readonly offset: number;
  /** The packet offset of the next-header field holding `protocol`, for parameter problems. */
  readonly protocolAt: number;
  /** The fragment header that stopped the walk, if one did. */
  readonly fragment: Ipv6FragmentHeader | undefined;
  /** Extension headers walked. */
  readonly headers: number;
  /** Whether a hop-by-hop Router Alert option was seen (MLD messages carry one). */
  readonly routerAlert: boolean;
}

/**
 * Why a chain was refused: `kind` names the counter; `problem`, when set, is the ICMPv6 parameter
 * problem to send (code and the pointer into the packet), per RFC 8200 §4.
 *
 * @beta
 */
export interface ChainError
  extends DecodeError<
    "truncated" | "chain_too_long" | "bad_hop_by_hop" | "routing_header" | "routing_type0" | "bad_option"
  > {
  /** The parameter problem to answer with, if any. */
  readonly problem?: { readonly code: number; readonly pointer: number };
}

const ROUTER_ALERT = 5;

/**
 * Walks the chain of `packet` (a whole IPv6 packet) starting at the fixed header's next header,
 * through at most `maxHeaders` extension headers. `dstMulticast` decides whether options of the
 * "report unless multicast" kind are reported.
 *
 * @beta
 */
export function walkExtensionHeaders(
  packet: Uint8Array,
  maxHeaders: number,
  dstMulticast: boolean,
  start: { next: number; offset: number; namedAt: number; headers: number } = {
    next: packet[6] ?? 0,
    offset: IPV6_HEADER_SIZE,
    namedAt: 6,
    headers: 0,
  },
): Result<Ipv6Chain, ChainError> {
  let { next, offset, namedAt, headers } = start;
  let routerAlert = false;
  for (;;) {
    if (!isExtension(next)) {
      return ok({ protocol: next, offset, protocolAt: namedAt, fragment: undefined, headers, routerAlert });
    }
    if (headers >= maxHeaders) {
      return err({ kind: "chain_too_long", message: `more than ${maxHeaders} extension headers` });
    }
    if (next === NextHeader.hopByHop && offset !== IPV6_HEADER_SIZE) {
      const message = `a hop-by-hop header at byte ${offset}, not right after the fixed header`;
      return err({ kind: "bad_hop_by_hop", message, problem: { code: 1, pointer: namedAt } });
    }
    if (offset + 8 > packet.length) return err(truncated(next, offset));
    headers++;
    if (next === NextHeader.fragment) {
      const word = (packet[offset + 2]! << 8) | packet[offset + 3]!;
      const id =
        ((packet[offset + 4]! << 24) |
          (packet[offset + 5]! << 16) |
          (packet[offset + 6]! << 8) |
          packet[offset + 7]!) >>>
        0;
      const fragment = {
        nextHeader: packet[offset]!,
        offset: word & 0xfff8,
        more: (word & 1) === 1,
        id,
        at: offset,
        namedAt,
      };
      return ok({
        protocol: fragment.nextHeader,
        offset: offset + 8,
        protocolAt: offset,
        fragment,
        headers,
        routerAlert,
      });
    }
    const length = (packet[offset + 1]! + 1) * 8;
    if (offset + length > packet.length) return err(truncated(next, offset));
    if (next === NextHeader.routing) {
      const segmentsLeft = packet[offset + 3]!;
      if (segmentsLeft !== 0) {
        const type = packet[offset + 2]!;
        const message = `a routing header of type ${type} with ${segmentsLeft} segments left (we forward nothing)`;
        const kind = type === 0 ? "routing_type0" : "routing_header";
        return err({ kind, message, problem: { code: 0, pointer: offset + 2 } });
      }
    } else {
      const options = walkOptions(packet, offset + 2, offset + length, dstMulticast);
      if (!options.ok) return options;
      routerAlert ||= options.value;
    }
    namedAt = offset;
    next = packet[offset]!;
    offset += length;
  }
}

function truncated(next: number, offset: number): ChainError {
  return { kind: "truncated", message: `extension header ${next} at byte ${offset} runs past the packet` };
}

/** Whether `next` names an extension header this walk crosses (ESP and AH are upper layers here). */
function isExtension(next: number): boolean {
  return (
    next === NextHeader.hopByHop ||
    next === NextHeader.routing ||
    next === NextHeader.fragment ||
    next === NextHeader.destinationOptions
  );
}

/** Checks the TLV options in `[from, to)`; returns whether a Router Alert was among them. */
function walkOptions(packet: Uint8Array, from: number, to: number, dstMulticast: boolean): Result<boolean, ChainError> {
  let routerAlert = false;
  let at = from;
  while (at < to) {
    const type = packet[at]!;
    if (type === 0) {
      at++;
      continue;
    }
    if (at + 2 > to || at + 2 + packet[at + 1]! > to) {
      return err({ kind: "truncated", message: `option ${type} at byte ${at} runs past its header` });
    }
    const end = at + 2 + packet[at + 1]!;
    if (type === ROUTER_ALERT) routerAlert = true;
    else if (type !== 1) {
      // RFC 8200 §4.2: the two high bits of an unknown option's type say what to do.
      const action = type >>> 6;
      const message = `unknown option ${type} at byte ${at}`;
      if (action === 1 || (action === 3 && dstMulticast)) return err({ kind: "bad_option", message });
      if (action !== 0) return err({ kind: "bad_option", message, problem: { code: 2, pointer: at } });
    }
    at = end;
  }
  return ok(routerAlert);
}

/**
 * Whether the first fragment `packet`, whose fragment header at `at` names `next`, holds the whole
 * header chain and the upper-layer header (RFC 7112); a chain that is bad for another reason than
 * truncation is reported later, on the reassembled datagram.
 */
export function firstFragmentComplete(packet: Uint8Array, next: number, at: number, maxHeaders: number): boolean {
  const rest = walkExtensionHeaders(packet, maxHeaders, false, { next, offset: at + 8, namedAt: at, headers: 0 });
  if (!rest.ok) return rest.error.kind !== "truncated";
  const upper = rest.value.protocol;
  const need = upper === NextHeader.tcp ? 20 : upper === NextHeader.udp || upper === NextHeader.icmpv6 ? 8 : 0;
  return rest.value.offset + need <= packet.length;
}
