/**
 * What a connection does when one of its deadlines passes: retransmission (of the SYN, SYN-ACK or
 * data) with the retry limits and the user timeout, zero-window probes, the delayed ACK, keepalive
 * probes, and the end of TIME-WAIT or FIN-WAIT-2.
 *
 * @packageDocumentation
 */

import { TcpFlags } from "../segment.js";
import { armSendTimers, output, rtoDelay, sendRange } from "./output.js";
import { maxPayload, sendAck, sendSegment, sendSyn } from "./segment-builder.js";
import { bufferStart } from "./send-sequence.js";
import { seqAdd, seqDiff, seqGt } from "./seq.js";
import { TIMEOUT, type Tcb } from "./tcb.js";
import { TimerKind } from "./timers.js";

const { ACK } = TcpFlags;

/** The deadline `kind` passed. */
export function onTimer<A>(tcb: Tcb<A>, kind: TimerKind): void {
  if (!tcb.isOpen) return;
  switch (kind) {
    case TimerKind.Retransmit:
      if (tcb.timing.persisting) onPersist(tcb);
      else onRetransmitTimeout(tcb);
      return;
    case TimerKind.DelayedAck:
      onDelayedAck(tcb);
      return;
    case TimerKind.Keepalive:
      onKeepalive(tcb);
      return;
    case TimerKind.Linger:
      tcb.destroy(undefined);
      return;
  }
}

/** Arms the keepalive timer in the states that keep a connection alive. */
export function armKeepalive<A>(tcb: Tcb<A>): void {
  if (tcb.keepalive !== undefined && keepaliveState(tcb)) {
    tcb.timers.set(TimerKind.Keepalive, tcb.keepalive.afterMs);
  }
}

// The deadline may be a lapsed one, left set when an ACK went out earlier: acknowledge only a
// segment still unacknowledged, and only once its own delay has run.
function onDelayedAck<A>(tcb: Tcb<A>): void {
  if (tcb.ack.unacked === 0) return;
  const left = tcb.ack.dueAt - tcb.clock.now();
  if (left > 0) tcb.timers.set(TimerKind.DelayedAck, left);
  else sendAck(tcb);
}

function onRetransmitTimeout<A>(tcb: Tcb<A>): void {
  const now = tcb.clock.now();
  const config = tcb.config;
  const timing = tcb.timing;
  const snd = tcb.snd;
  tcb.counters.timeouts++;
  if (tcb.state === "SYN-SENT" || tcb.state === "SYN-RECEIVED") {
    const limit = tcb.state === "SYN-SENT" ? config.synRetries : config.synAckRetries;
    if (timing.retries >= limit) {
      tcb.counters.timedOut++;
      tcb.destroy(tcb.passive ? undefined : (tcb.softError ?? TIMEOUT));
      return;
    }
    timing.retries++;
    tcb.rto.expired();
    timing.rttTiming = false;
    tcb.counters.retransmittedSegments++;
    sendSyn(tcb, tcb.state === "SYN-RECEIVED");
    tcb.timers.set(TimerKind.Retransmit, tcb.rto.rto);
    return;
  }
  if (!seqGt(snd.nxt, snd.una)) return;
  if (timing.retries >= config.maxRetransmits || now - timing.progressAt >= config.userTimeoutMs) {
    timeout(tcb);
    return;
  }
  timing.retries++;
  tcb.undo.armed = false;
  const flight = seqDiff(snd.nxt, snd.una);
  tcb.cc!.onTimeout(flight, now);
  tcb.recovery.onTimeout(snd.una, snd.nxt, tcb.rto.backoff > 0);
  tcb.rto.expired();
  timing.rttTiming = false;
  output(tcb);
  tcb.timers.set(TimerKind.Retransmit, rtoDelay(tcb));
}

// Zero-window probing (RFC 9293 §3.8.6.1) with exponential backoff. A window too small for the
// sender's SWS rule gets the data that fits (the override timeout of §3.8.6.2.1); a zero window
// gets a segment with an old sequence number, which any receiver must answer with its window.
function onPersist<A>(tcb: Tcb<A>): void {
  const snd = tcb.snd;
  const timing = tcb.timing;
  const config = tcb.config;
  const unsent = tcb.sendBuffer.length - seqDiff(snd.nxt, bufferStart(snd));
  if (unsent <= 0 || seqGt(snd.nxt, snd.una)) {
    timing.persisting = false;
    armSendTimers(tcb);
    return;
  }
  const now = tcb.clock.now();
  if (timing.probesUnanswered >= config.maxRetransmits || now - timing.lastAckAt >= config.userTimeoutMs) {
    timeout(tcb);
    return;
  }
  const wndLeft = seqDiff(seqAdd(snd.una, snd.wnd), snd.nxt);
  if (wndLeft > 0) {
    const len = Math.min(wndLeft, unsent, maxPayload(tcb));
    timing.persisting = false;
    sendRange(tcb, snd.nxt, seqAdd(snd.nxt, len), false);
    armSendTimers(tcb);
    return;
  }
  sendSegment(tcb, seqAdd(snd.una, -1), ACK, 0);
  timing.probesUnanswered++;
  timing.persistBackoff++;
  tcb.timers.set(TimerKind.Retransmit, Math.min(tcb.rto.rto * 2 ** timing.persistBackoff, config.maxRtoMs));
}

function onKeepalive<A>(tcb: Tcb<A>): void {
  const keepalive = tcb.keepalive;
  if (keepalive === undefined || !keepaliveState(tcb)) return;
  const snd = tcb.snd;
  if (seqGt(snd.nxt, snd.una) || tcb.timing.persisting) {
    // The retransmission or persist timer already watches the peer.
    tcb.timers.set(TimerKind.Keepalive, keepalive.afterMs);
    return;
  }
  if (tcb.timing.keepaliveProbes >= keepalive.probes) {
    timeout(tcb);
    return;
  }
  tcb.timing.keepaliveProbes++;
  sendSegment(tcb, seqAdd(snd.nxt, -1), ACK, 0);
  tcb.timers.set(TimerKind.Keepalive, keepalive.intervalMs);
}

function keepaliveState<A>(tcb: Tcb<A>): boolean {
  return tcb.state === "ESTABLISHED" || tcb.state === "CLOSE-WAIT" || tcb.state === "FIN-WAIT-2";
}

function timeout<A>(tcb: Tcb<A>): void {
  tcb.counters.timedOut++;
  tcb.destroy(tcb.softError ?? TIMEOUT);
}
