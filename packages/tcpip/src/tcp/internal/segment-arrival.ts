/**
 * A segment arriving at a connection (RFC 9293 §3.10.7.3 and §3.10.7.4, with RFC 5961's defences and
 * RFC 7323's PAWS): the handshake's SYN, the acceptability test, RST and SYN in synchronised states,
 * then the ACK, the text and the FIN.
 *
 * @packageDocumentation
 */

import { TcpFlags, type TcpHeader } from "../segment.js";
import { segmentAcceptable } from "./acceptability.js";
import { challengeAllowed, invalidAnswerAllowed } from "./ack-policy.js";
import { processAck, sampleRtt } from "./ack-processing.js";
import { receive } from "./data-receive.js";
import { agreeOptions } from "./negotiated-options.js";
import { output } from "./output.js";
import { sendAck, sendBareRst, sendSyn } from "./segment-builder.js";
import { setSendWindow } from "./send-sequence.js";
import { seqAdd, seqGt, seqLe, seqLt } from "./seq.js";
import { REFUSED, type Tcb } from "./tcb.js";
import { armKeepalive } from "./timer-events.js";
import { TimerKind } from "./timers.js";

const { FIN, SYN, RST, ACK } = TcpFlags;

/** The peer's SYN (RFC 9293 §3.7.1, RFC 7323, RFC 2018): its sequence number and options. */
export function takeSyn<A>(tcb: Tcb<A>, seg: TcpHeader): void {
  const rcv = tcb.rcv;
  rcv.irs = seg.seq;
  tcb.receiveBuffer.reset(seqAdd(seg.seq, 1));
  rcv.nxt = tcb.receiveBuffer.nxt;
  rcv.advEdge = rcv.nxt;
  tcb.snd.shift = agreeOptions(tcb.opts, seg);
}

/** RFC 9293 §3.10.7.3: a segment in SYN-SENT. */
export function inputSynSent<A>(tcb: Tcb<A>, seg: TcpHeader, payload: Uint8Array): void {
  const snd = tcb.snd;
  const hasAck = seg.has(ACK);
  if (hasAck && (seqLe(seg.ack, snd.iss) || seqGt(seg.ack, snd.nxt))) {
    if (!seg.has(RST)) sendBareRst(tcb, seg.ack);
    return;
  }
  if (seg.has(RST)) {
    // Without an acceptable ACK a RST is blind and ignored (RFC 5961 §3.2).
    if (hasAck) {
      tcb.counters.resetsReceived++;
      tcb.destroy(REFUSED);
    }
    return;
  }
  if (!seg.has(SYN)) return;
  takeSyn(tcb, seg);
  if (hasAck) {
    snd.una = seg.ack;
    setSendWindow(snd, seg.window, seg.seq, seg.ack); // never scaled in a SYN (RFC 7323 §2.2)
    snd.maxWnd = snd.wnd;
    sampleRtt(tcb, seg);
    tcb.timing.retries = 0;
    tcb.timers.clear(TimerKind.Retransmit);
    tcb.establish();
    tcb.ack.now = true;
    if (payload.length > 0 || seg.has(FIN)) receive(tcb, seg, payload, seqAdd(seg.seq, 1));
    output(tcb);
    return;
  }
  // Simultaneous open: answer with SYN-ACK from the same ISS.
  tcb.state = "SYN-RECEIVED";
  setSendWindow(snd, seg.window, seg.seq, snd.iss);
  sendSyn(tcb, true);
  tcb.timing.rttTiming = false;
  tcb.timers.set(TimerKind.Retransmit, tcb.rto.rto);
}

/**
 * RFC 9293 §3.10.7.4 with RFC 5961 and RFC 7323: a segment in any state from SYN-RECEIVED on;
 * `owned`: the payload's memory is ours to keep (`FrameFlags.owned`).
 */
export function inputSynchronized<A>(tcb: Tcb<A>, seg: TcpHeader, payload: Uint8Array, owned = false): void {
  const snd = tcb.snd;
  const rcv = tcb.rcv;
  const opts = tcb.opts;
  let syn = seg.has(SYN);
  const rst = seg.has(RST);
  let seq = seg.seq;
  if (tcb.state === "SYN-RECEIVED" && syn && !rst) {
    if (!seg.has(ACK) && seq === rcv.irs) {
      // The peer did not get our SYN-ACK and sent its SYN again.
      tcb.peerRetried = true;
      if (invalidAnswerAllowed(tcb.ack, tcb.clock.now(), tcb.config.invalidRateLimitMs, tcb.counters)) {
        sendSyn(tcb, true);
      }
      return;
    }
    if (seg.has(ACK) && seq === rcv.irs && seg.ack === snd.nxt) {
      // The SYN-ACK of a simultaneous open: take it as the ACK completing the handshake.
      syn = false;
      seq = seqAdd(seq, 1);
    }
  }
  const len = payload.length;
  const segLen = len + (syn ? 1 : 0) + (seg.has(FIN) ? 1 : 0);

  // PAWS (RFC 7323 §5.3): an older timestamp marks an old duplicate.
  if (opts.timestamps && seg.timestamp !== undefined && !rst && seqLt(seg.timestamp.val, opts.tsRecent)) {
    tcb.counters.pawsDropped++;
    if (mayAnswerInvalid(tcb, seg, len)) sendAck(tcb);
    return;
  }
  // 1. Sequence number acceptability.
  if (!segmentAcceptable(seq, segLen, rcv.nxt, tcb.receiveBuffer.space)) {
    if (!rst) {
      if (tcb.state === "TIME-WAIT" && seg.has(FIN)) tcb.timers.set(TimerKind.Linger, tcb.config.timeWaitMs);
      if (mayAnswerInvalid(tcb, seg, len)) sendAck(tcb);
    }
    return;
  }
  const timing = tcb.timing;
  timing.lastAckAt = tcb.clock.now();
  timing.keepaliveProbes = 0;
  timing.probesUnanswered = 0;
  // 2. RST (RFC 5961 §3.2): only an exact match resets, an in-window one gets a challenge ACK.
  if (rst) {
    if (seq !== rcv.nxt) {
      challengeAck(tcb);
      return;
    }
    onReset(tcb);
    return;
  }
  // 4. SYN in a synchronised state (RFC 5961 §4.2): challenge ACK, whatever its sequence number.
  if (syn) {
    challengeAck(tcb);
    return;
  }
  // 5. ACK.
  if (!seg.has(ACK)) return;
  if (tcb.state === "SYN-RECEIVED") {
    if (!(seqLt(snd.una, seg.ack) && seqLe(seg.ack, snd.nxt))) {
      sendBareRst(tcb, seg.ack);
      return;
    }
    if (tcb.passive) tcb.counters.halfOpen--;
    setSendWindow(snd, seg.window << snd.shift, seq, seg.ack);
    snd.maxWnd = snd.wnd;
    tcb.establish();
  }
  // RFC 5961 §5.2: an ACK of data never sent, or older than the largest window, gets an ACK back.
  if (seqGt(seg.ack, snd.nxt)) {
    challengeAck(tcb);
    return;
  }
  if (seqLt(seg.ack, seqAdd(snd.una, -snd.maxWnd))) {
    challengeAck(tcb);
    return;
  }
  if (opts.timestamps && seg.timestamp !== undefined && seqLe(seq, tcb.ack.lastAckSent))
    opts.tsRecent = seg.timestamp.val;
  processAck(tcb, seg, seq, len);
  if (!tcb.isOpen) return;
  // 7–8. Text and FIN.
  if (len > 0 || seg.has(FIN)) receive(tcb, seg, payload, seq, owned);
  armKeepalive(tcb);
  output(tcb);
}

function onReset<A>(tcb: Tcb<A>): void {
  tcb.counters.resetsReceived++;
  switch (tcb.state) {
    case "SYN-RECEIVED":
      // A passive half-open connection goes back to LISTEN: nothing to report.
      tcb.destroy(tcb.passive ? undefined : REFUSED);
      return;
    case "TIME-WAIT":
      // RFC 1337: ignore RSTs in TIME-WAIT, so an old duplicate cannot cut it short.
      return;
    case "CLOSING":
    case "LAST-ACK":
      tcb.destroy(undefined);
      return;
    default:
      tcb.destroy({ kind: "reset" });
  }
}

function challengeAck<A>(tcb: Tcb<A>): void {
  const config = tcb.config;
  const now = tcb.clock.now();
  if (challengeAllowed(tcb.ack, now, config.invalidRateLimitMs, config.challengeAckLimit, tcb.counters)) {
    sendAck(tcb);
  }
}

// An answer to a segment we cannot accept, under the rate limit of invalid answers, unless the
// segment carries data or a FIN without a SYN: their sender needs the ACK to stop retransmitting
// (our earlier ACK was lost), and an ACK loop carries neither (Linux's tcp_oow_rate_limited).
function mayAnswerInvalid<A>(tcb: Tcb<A>, seg: TcpHeader, dataLen: number): boolean {
  if ((dataLen > 0 || seg.has(FIN)) && !seg.has(SYN)) return true;
  return invalidAnswerAllowed(tcb.ack, tcb.clock.now(), tcb.config.invalidRateLimitMs, tcb.counters);
}
