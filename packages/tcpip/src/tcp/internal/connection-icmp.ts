/**
 * ICMP errors quoting a connection's segments (RFC 1122 §4.2.3.9, RFC 5927, RFC 5461): hard errors
 * end a connection attempt, soft ones are remembered for the timeout to report, and fragmentation
 * needed lowers the segment size (RFC 1191).
 *
 * @packageDocumentation
 */

import type { TcpError } from "@mirage-ts/mirage-types";
import type { IcmpErrorKind } from "../../icmp/icmp-error.js";
import { MIN_MSS, segmentSize } from "./negotiated-options.js";
import { output } from "./output.js";
import { seqGe, seqGt, seqLt } from "./seq.js";
import { REFUSED, type Tcb } from "./tcb.js";

/**
 * The ICMP errors that end a connection attempt in SYN-SENT at once, as Linux does (RFC 1122
 * §4.2.3.9 calls them hard errors); in every other state they are soft (RFC 5461 §4).
 */
const HARD_ERRORS: ReadonlySet<IcmpErrorKind> = new Set(["port_unreachable", "protocol_unreachable", "prohibited"]);
/** What a timeout reports when a soft ICMP error was the last news of the path (RFC 1122 §4.2.3.9). */
const SOFT_ERRORS: { readonly [K in Exclude<IcmpErrorKind, "fragmentation_needed">]: TcpError } = {
  net_unreachable: icmpMessage("network unreachable"),
  host_unreachable: icmpMessage("host unreachable"),
  protocol_unreachable: icmpMessage("protocol unreachable"),
  port_unreachable: icmpMessage("port unreachable"),
  prohibited: icmpMessage("communication administratively prohibited"),
  source_route_failed: icmpMessage("source route failed"),
  time_exceeded: icmpMessage("time exceeded"),
  parameter_problem: icmpMessage("parameter problem"),
};

function icmpMessage(what: string): TcpError {
  return Object.freeze({ kind: "msg", message: `${what} (ICMP)` });
}

/**
 * An ICMP error quoting a segment that started at `seq`; with `fragmentation_needed`, `nextHopMss`
 * is the largest segment (TCP header included) the next hop carries, or 0 if unknown. Returns whether
 * the error was taken: it is ignored unless `seq` lies in [SND.UNA, SND.NXT), where only a party that
 * saw our segments can place it (RFC 5927 §4.1), and when it says nothing new.
 */
export function icmpError<A>(tcb: Tcb<A>, kind: IcmpErrorKind, seq: number, nextHopMss: number): boolean {
  if (!tcb.isOpen || !(seqGe(seq, tcb.snd.una) && seqLt(seq, tcb.snd.nxt))) return false;
  if (kind === "fragmentation_needed") return nextHopMss > 0 && pathMtuShrank(tcb, nextHopMss);
  if (HARD_ERRORS.has(kind)) {
    if (tcb.state === "SYN-SENT") {
      tcb.destroy(REFUSED);
      return true;
    }
    if (tcb.state === "SYN-RECEIVED" && tcb.passive) {
      // The SYN came from a host that cannot take our answer: drop the half-open entry quietly,
      // as Linux does (it frees the backlog of requests from spoofed addresses sooner).
      tcb.destroy(undefined);
      return true;
    }
  }
  tcb.softError = SOFT_ERRORS[kind];
  return true;
}

// RFC 1191 §6.1: the segment size follows the smaller path MTU, and what is in flight at the old
// size was dropped by the router: it goes again at once at the new size, without a congestion
// response (as Linux's tcp_simple_retransmit), since a too-small link says nothing of congestion.
function pathMtuShrank<A>(tcb: Tcb<A>, nextHopMss: number): boolean {
  const opts = tcb.opts;
  const pathMss = Math.max(MIN_MSS, nextHopMss);
  if (pathMss >= opts.pathMss) return false;
  opts.pathMss = pathMss;
  tcb.counters.pmtuReductions++;
  // In SYN-SENT the segment size is set when the SYN-ACK arrives, from the new path MSS.
  if (tcb.state === "SYN-SENT") return true;
  const smss = segmentSize(opts, pathMss);
  if (smss >= opts.smss) return true;
  opts.smss = smss;
  tcb.recovery.resize(smss);
  const snd = tcb.snd;
  // In SYN-RECEIVED no data is in flight yet.
  if (tcb.cc === undefined || !seqGt(snd.nxt, snd.una)) return true;
  tcb.recovery.markLost(snd.una, snd.nxt);
  tcb.undo.armed = false;
  tcb.timing.rttTiming = false;
  output(tcb);
  return true;
}
