/**
 * The ACK field of an acceptable segment (RFC 9293 §3.10.7.4 step 5): acknowledged bytes released, an
 * RTT sample, SACK blocks on the scoreboard, the congestion controller and the loss recovery told
 * (with the spurious-recovery undo), the send window updated, and our FIN's acknowledgment taken.
 *
 * @packageDocumentation
 */

import { TcpFlags, type TcpHeader } from "../segment.js";
import { timestampAt } from "./negotiated-options.js";
import { rtoDelay } from "./output.js";
import { bufferStart, updateSendWindow } from "./send-sequence.js";
import { seqDiff, seqGt, seqLt } from "./seq.js";
import { armUndo, undoAtRecoveryEnd, undoEarly } from "./spurious-undo.js";
import type { Tcb } from "./tcb.js";
import { TimerKind } from "./timers.js";

const { FIN } = TcpFlags;

/** A TSecr older than this is not a usable RTT sample (it is garbage or from a wrapped clock). */
const MAX_RTT_SAMPLE_MS = 600_000;

/** Takes the ACK of `seg`, whose text (`len` bytes) starts at `seq`. */
export function processAck<A>(tcb: Tcb<A>, seg: TcpHeader, seq: number, len: number): void {
  const ack = seg.ack;
  const snd = tcb.snd;
  const recovery = tcb.recovery;
  const prevUna = snd.una;
  const window = seg.window << snd.shift;
  let newlySacked = 0;
  if (seqGt(ack, prevUna)) {
    const pipeBefore = recovery.pipe(prevUna, snd.nxt);
    const acked = seqDiff(ack, prevUna);
    releaseAcked(tcb, ack);
    snd.una = ack;
    // Read once: a real clock's `now()` is not free, and this runs for every ACK.
    const now = tcb.clock.now();
    tcb.timing.progressAt = now;
    tcb.timing.retries = 0;
    tcb.softError = undefined;
    sampleRtt(tcb, seg);
    tcb.rto.clearBackoff();
    if (tcb.opts.sack) newlySacked = takeSack(tcb, seg);
    const cc = tcb.cc!;
    const tsEcr = seg.timestamp?.ecr ?? 0;
    undoEarly(tcb.undo, recovery, cc, tcb.counters, prevUna, ack, tsEcr, tcb.opts.smss, now);
    const outcome = recovery.onCumulativeAck(ack, snd.nxt, acked);
    if (outcome === "exit-recovery") {
      if (!undoAtRecoveryEnd(tcb.undo, cc, tcb.counters, now)) cc.onRecoveryEnd(now);
    } else if (outcome !== "partial" || recovery.phase === "loss") {
      const limited = tcb.cwndBlocked || pipeBefore >= cc.cwnd;
      // The peer acknowledges a segmented write at once, one ACK for many segments: counted as the
      // ACKs of every other segment, so byte counting's per-ACK cap does not stall slow start.
      const step = tcb.offload.ackStep(tcb.opts.smss);
      const srtt = tcb.rto.srtt;
      for (let left = acked; left > 0; left -= step) cc.onAck(Math.min(left, step), limited, now, srtt);
    }
    if (seqLt(snd.una, snd.nxt)) tcb.timers.set(TimerKind.Retransmit, rtoDelay(tcb));
    else if (!tcb.timing.persisting) tcb.timers.clear(TimerKind.Retransmit);
    if (snd.writeShut && seqGt(ack, snd.finSeq)) onFinAcked(tcb);
    if (!tcb.isOpen) return;
    tcb.observer?.wake();
  } else if (ack === prevUna) {
    if (tcb.opts.sack) newlySacked = takeSack(tcb, seg);
    const outstanding = seqGt(snd.nxt, prevUna);
    const duplicate =
      outstanding && len === 0 && !seg.has(FIN) && (tcb.opts.sack ? newlySacked > 0 : window === snd.wnd);
    if (duplicate && recovery.phase !== "loss") recovery.onDupAck(prevUna);
  }
  updateSendWindow(snd, seq, ack, window);
  if (recovery.shouldEnterRecovery(snd.una) && seqGt(snd.nxt, snd.una)) {
    const now = tcb.clock.now();
    tcb.counters.fastRecoveries++;
    tcb.cc!.onCongestion(seqDiff(snd.nxt, snd.una), now);
    recovery.enterRecovery(snd.una, snd.nxt);
    tcb.forceRetransmit = true;
    if (tcb.opts.timestamps) armUndo(tcb.undo, snd.una, timestampAt(tcb.opts, now));
    tcb.timing.rttTiming = false;
  }
}

/** An RTT sample from the echoed timestamp (RFC 7323 §4) or from the one timed segment (Karn). */
export function sampleRtt<A>(tcb: Tcb<A>, seg: TcpHeader): void {
  const ecr = tcb.opts.timestamps ? (seg.timestamp?.ecr ?? 0) : 0;
  if (ecr !== 0) {
    const rtt = (timestampAt(tcb.opts, tcb.clock.now()) - ecr) >>> 0;
    if (rtt < MAX_RTT_SAMPLE_MS) tcb.rto.sample(rtt);
    return;
  }
  const timing = tcb.timing;
  if (timing.rttTiming && seqGt(seg.ack, timing.rttSeq)) {
    timing.rttTiming = false;
    tcb.rto.sample(tcb.clock.now() - timing.rttStart);
  }
}

function takeSack<A>(tcb: Tcb<A>, seg: TcpHeader): number {
  const scoreboard = tcb.recovery.scoreboard;
  const { una, nxt } = tcb.snd;
  let added = 0;
  for (let k = 0; k < seg.sackCount; k++) {
    added += scoreboard.add(seg.sackBlocks[2 * k]!, seg.sackBlocks[2 * k + 1]!, una, nxt);
  }
  return added;
}

// Frees the acknowledged bytes of the send buffer (the SYN and FIN take sequence space, not bytes).
function releaseAcked<A>(tcb: Tcb<A>, ack: number): void {
  const snd = tcb.snd;
  let end = ack;
  if (snd.writeShut && seqGt(end, snd.finSeq)) end = snd.finSeq;
  const n = seqDiff(end, bufferStart(snd));
  if (n > 0) {
    tcb.sendBuffer.consume(n);
    tcb.counters.sendBuffered -= n;
  }
}

function onFinAcked<A>(tcb: Tcb<A>): void {
  switch (tcb.state) {
    case "FIN-WAIT-1":
      tcb.state = "FIN-WAIT-2";
      tcb.timers.clear(TimerKind.Retransmit);
      if (tcb.userClosed) tcb.timers.set(TimerKind.Linger, tcb.config.finWait2TimeoutMs);
      return;
    case "CLOSING":
      tcb.enterTimeWait();
      return;
    case "LAST-ACK":
      tcb.destroy(undefined);
      return;
    default:
      return;
  }
}
