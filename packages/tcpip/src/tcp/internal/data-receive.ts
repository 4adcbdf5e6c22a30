/**
 * Segment text and FIN (RFC 9293 §3.10.7.4 steps 7 and 8): data into the receive buffer, the ACK it
 * owes under the ACK policy (at once, at the end of the burst, or delayed), and the peer's FIN.
 *
 * @packageDocumentation
 */

import { TcpFlags, type TcpHeader } from "../segment.js";
import { seqAdd, seqDiff, seqGt, seqLe } from "./seq.js";
import type { Tcb } from "./tcb.js";
import { TimerKind } from "./timers.js";

const { FIN } = TcpFlags;

/** The most data a burst's single ACK may cover (Linux's largest GRO batch). */
const MAX_BURST_ACK_BYTES = 65_536;

/**
 * Takes the text (`payload`, starting at `seq`) and FIN of an acceptable segment; `owned`: the
 * payload's memory is ours to keep, so the receive buffer may queue it without copying.
 */
export function receive<A>(tcb: Tcb<A>, seg: TcpHeader, payload: Uint8Array, seq: number, owned = false): void {
  const state = tcb.state;
  const rcv = tcb.rcv;
  const ack = tcb.ack;
  if (state !== "ESTABLISHED" && state !== "FIN-WAIT-1" && state !== "FIN-WAIT-2") {
    // Data or FIN after the peer's FIN: already acknowledged, acknowledge again.
    if (payload.length > 0 || seg.has(FIN)) ack.now = true;
    return;
  }
  let data = payload;
  if (rcv.finSeen) {
    // Nothing exists past a FIN already seen; a hostile peer's extra bytes are dropped.
    const room = seqDiff(rcv.finSeq, seq);
    if (room <= 0) data = data.subarray(0, 0);
    else if (room < data.length) data = data.subarray(0, room);
  }
  const buffer = tcb.receiveBuffer;
  if (data.length > 0) {
    if (tcb.userClosed) {
      // New data after the application closed: nobody will read it (RFC 1122 §4.2.2.13).
      tcb.abort();
      return;
    }
    const counters = tcb.counters;
    const hadOutOfOrder = buffer.hasOutOfOrder;
    const before = buffer.readable + buffer.outOfOrderBytes;
    const allocated = buffer.allocated;
    const advanced = buffer.write(seq, data, owned);
    counters.allocated += buffer.allocated - allocated;
    if (rcv.readShut) buffer.discardReadable();
    counters.receiveBuffered += buffer.readable + buffer.outOfOrderBytes - before;
    if (advanced > 0) {
      rcv.nxt = buffer.nxt;
      const delayMs = tcb.config.delayedAckMs;
      if (hadOutOfOrder || delayMs === 0) {
        ack.now = true;
      } else {
        ack.unacked += data.length > tcb.opts.ourMss ? 2 : 1;
        if (ack.unacked >= 2) ackAfterBurst(tcb);
        else {
          ack.dueAt = tcb.clock.now() + delayMs;
          tcb.timers.setIfUnset(TimerKind.DelayedAck, delayMs);
        }
      }
      tcb.observer?.wake();
    } else {
      // Out of order or a duplicate: an immediate ACK (with SACK blocks) drives the sender's recovery.
      ack.now = true;
    }
  }
  if (seg.has(FIN) && !rcv.finSeen) {
    const finSeq = seqAdd(seq, payload.length);
    // A FIN is taken only if all the text before it fitted in the window.
    if (seqLe(finSeq, seqAdd(rcv.nxt, buffer.space))) {
      rcv.finSeen = true;
      rcv.finSeq = finSeq;
    }
  }
  if (rcv.finSeen && !rcv.finReceived && buffer.nxt === rcv.finSeq) consumeFin(tcb);
}

// A segment larger than the MSS we announced was coalesced by the peer's segmentation offload (or our
// device's receive offload) from at least two full-sized ones: it counts as two, so it is acknowledged
// without the delay (RFC 9293 §3.8.6.3's "at least every second full-sized segment", Linux's
// __tcp_ack_snd_check). Counted as one, a slow-starting sender whose whole window is one such segment
// would wait out the delayed-ACK timer every round trip.
//
// The ACK owed for every second segment goes once the segments that arrived together (one batch
// from the device) are all processed, as Linux acknowledges a GRO batch: a burst costs both ends
// one ACK instead of one per two segments. Out-of-order and duplicate segments still get an ACK
// each (the sender counts them), and a burst never goes unacknowledged for more than a quarter of
// the receive buffer.
function ackAfterBurst<A>(tcb: Tcb<A>): void {
  const ack = tcb.ack;
  if (seqDiff(tcb.rcv.nxt, ack.lastAckSent) >= Math.min(MAX_BURST_ACK_BYTES, tcb.receiveBuffer.capacity / 4)) {
    ack.now = true;
    return;
  }
  if (ack.deferred) return;
  ack.deferred = true;
  tcb.deferAck();
}

function consumeFin<A>(tcb: Tcb<A>): void {
  const rcv = tcb.rcv;
  const snd = tcb.snd;
  rcv.finReceived = true;
  rcv.nxt = seqAdd(rcv.finSeq, 1);
  tcb.ack.now = true;
  switch (tcb.state) {
    case "ESTABLISHED":
      tcb.state = "CLOSE-WAIT";
      break;
    case "FIN-WAIT-1":
      if (snd.writeShut && seqGt(snd.una, snd.finSeq)) tcb.enterTimeWait();
      else tcb.state = "CLOSING";
      break;
    case "FIN-WAIT-2":
      tcb.enterTimeWait();
      break;
    default:
      break;
  }
  tcb.observer?.wake();
}
