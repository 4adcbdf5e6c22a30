/**
 * What a connection sends on its own initiative: retransmissions, new data and the FIN, as the
 * congestion window, the peer's window, Nagle and sender-side silly window avoidance allow; then any
 * ACK still owed; then the retransmission or persist timer.
 *
 * @packageDocumentation
 */

import { TcpFlags } from "../segment.js";
import { maxPayload, sendAck, sendSegment } from "./segment-builder.js";
import { bufferStart } from "./send-sequence.js";
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from "./seq.js";
import type { Tcb } from "./tcb.js";
import { startTiming } from "./timer-state.js";
import { TimerKind } from "./timers.js";

const { FIN, PSH, ACK } = TcpFlags;

/** Sends what may be sent now, then any ACK owed, then sets the send timers. */
export function output<A>(tcb: Tcb<A>): void {
  const state = tcb.state;
  if (state === "SYN-SENT" || state === "SYN-RECEIVED" || state === "CLOSED" || state === "TIME-WAIT") {
    if (tcb.ack.now && state === "TIME-WAIT") sendAck(tcb);
    return;
  }
  const recovery = tcb.recovery;
  const cc = tcb.cc!;
  const snd = tcb.snd;
  tcb.cwndBlocked = false;
  // Rules 3 and 4 retransmissions do not raise `pipe` here, so allow one per call (one per ACK).
  let rescued = false;
  for (;;) {
    const una = snd.una;
    const nxt = snd.nxt;
    const pipe = recovery.pipe(una, nxt);
    const room = cc.cwnd - pipe;
    const max = maxPayload(tcb);
    if (recovery.phase !== "open" && recovery.nextRetransmit(una, nxt, max)) {
      const span = seqDiff(recovery.rtxEnd, recovery.rtxStart);
      // Entering recovery retransmits the first lost segment whatever the pipe (RFC 6675 §5 step 4.3).
      if (room < Math.min(span, tcb.opts.smss) && !tcb.forceRetransmit) {
        tcb.cwndBlocked = true;
        break;
      }
      tcb.forceRetransmit = false;
      sendRange(tcb, recovery.rtxStart, recovery.rtxEnd, true);
      recovery.retransmitted(recovery.rtxEnd);
      continue;
    }
    const dataEnd = seqAdd(bufferStart(snd), tcb.sendBuffer.length);
    const unsent = seqDiff(dataEnd, nxt);
    if (unsent > 0) {
      const wndLeft = seqDiff(seqAdd(una, snd.wnd), nxt);
      const len = tcb.offload.burst(Math.min(unsent, wndLeft, room), max, unsent);
      if (len <= 0) {
        if (room <= 0 && wndLeft > 0) tcb.cwndBlocked = true;
        break;
      }
      if (len === unsent && tailWaits(tcb, len, seqDiff(nxt, una), max)) break;
      if (len < max) {
        if (len < unsent) {
          // Sender SWS avoidance (RFC 9293 §3.8.6.2.1): a partial segment with more data queued
          // goes only if it is at least half the largest window the peer offered.
          if (len === room && len < wndLeft) tcb.cwndBlocked = true;
          if (!(len === wndLeft && len >= snd.maxWnd / 2)) break;
        } else if (!tcb.noDelay && !snd.writeShut && seqGt(snd.smallEnd, una)) {
          // Nagle (RFC 896) with Minshall's refinement: hold a small segment while another small
          // one is unacknowledged, so the tail of a large write is not delayed by a round trip.
          break;
        }
        snd.smallEnd = seqAdd(nxt, len);
      }
      const end = seqAdd(nxt, len);
      const withFin = snd.writeShut && end === snd.finSeq;
      sendRange(tcb, nxt, withFin ? seqAdd(end, 1) : end, false);
      continue;
    }
    if (snd.writeShut && nxt === snd.finSeq) {
      sendRange(tcb, nxt, seqAdd(nxt, 1), false);
      continue;
    }
    if (!rescued && room >= tcb.opts.smss && recovery.nextRescue(una, nxt, max)) {
      rescued = true;
      sendRange(tcb, recovery.rtxStart, recovery.rtxEnd, true);
      if (!recovery.rescue) recovery.retransmitted(recovery.rtxEnd);
      continue;
    }
    break;
  }
  armSendTimers(tcb);
  if (tcb.ack.now) sendAck(tcb);
}

/**
 * With segmentation offload, the tail of the data written (`len` bytes, less than a full device
 * write) waits while the application streams (`SegmentOffload.tailWaits`): otherwise every
 * write whose length is no multiple of the segment size (64 KiB writes, 1448-byte segments) costs a
 * frame, and an ACK, for its last bytes; a fifth of the frames of a bulk transfer. No-delay and a
 * pending FIN send it at once.
 */
function tailWaits<A>(tcb: Tcb<A>, len: number, flight: number, max: number): boolean {
  return !tcb.noDelay && !tcb.snd.writeShut && tcb.offload.tailWaits(len, flight, max);
}

/** Sends [start, end) of the sequence space; the FIN, if inside, is flagged. */
export function sendRange<A>(tcb: Tcb<A>, start: number, end: number, retransmit: boolean): void {
  const snd = tcb.snd;
  const timing = tcb.timing;
  const finInside = snd.writeShut && seqLe(start, snd.finSeq) && seqGt(end, snd.finSeq);
  const dataEnd = finInside ? snd.finSeq : end;
  const len = seqDiff(dataEnd, start);
  let flags = ACK;
  if (len > 0 && seqAdd(start, len) === seqAdd(bufferStart(snd), tcb.sendBuffer.length)) flags |= PSH;
  if (finInside) flags |= FIN;
  if (seqGe(snd.una, snd.nxt)) timing.progressAt = tcb.clock.now();
  if (retransmit) {
    tcb.counters.retransmittedSegments++;
    // Karn: a retransmitted range gives no RTT sample.
    if (timing.rttTiming && seqLt(start, timing.rttSeq)) timing.rttTiming = false;
  }
  sendSegment(tcb, start, flags, len);
  if (seqGt(end, snd.nxt)) {
    if (!tcb.opts.timestamps && !timing.rttTiming && !retransmit) startTiming(timing, start, tcb.clock.now());
    snd.nxt = end;
  }
}

/** The retransmission timer while data is in flight; the persist timer while data waits for the window. */
export function armSendTimers<A>(tcb: Tcb<A>): void {
  const snd = tcb.snd;
  const timing = tcb.timing;
  const timers = tcb.timers;
  if (seqGt(snd.nxt, snd.una)) {
    if (timing.persisting) {
      timing.persisting = false;
      timers.clear(TimerKind.Retransmit);
    }
    timers.setIfUnset(TimerKind.Retransmit, rtoDelay(tcb));
    return;
  }
  const unsent = tcb.sendBuffer.length - seqDiff(snd.nxt, bufferStart(snd));
  const finPending = snd.writeShut && snd.nxt === snd.finSeq;
  if (unsent > 0 && !finPending && !timing.persisting) {
    // Nothing in flight and data we may not send: the persist timer will probe the window.
    timing.persisting = true;
    timing.persistBackoff = 0;
    timers.set(TimerKind.Retransmit, tcb.rto.rto);
  } else if (unsent === 0 && timing.persisting) {
    timing.persisting = false;
    timers.clear(TimerKind.Retransmit);
  }
}

/** The retransmission timeout, capped by what is left of the user timeout. */
export function rtoDelay<A>(tcb: Tcb<A>): number {
  const left = tcb.timing.progressAt + tcb.config.userTimeoutMs - tcb.clock.now();
  return Math.max(0, Math.min(tcb.rto.rto, left));
}
