/**
 * Loss detection and recovery of the sender: duplicate-ACK counting and limited transmit, fast
 * recovery driven by the SACK scoreboard (RFC 6675: `IsLost`, `SetPipe`, `NextSeg`), NewReno partial
 * ACKs when the peer does not SACK (RFC 6582), and go-back-N after a retransmission timeout. The state
 * is a few sequence numbers: `lostEnd` (every unSACKed byte below it is lost), `highRxt` (everything
 * lost below it was already retransmitted) and `recoveryPoint`.
 *
 * Without SACK, duplicate ACKs stand in for SACKed segments when estimating the data in flight (as
 * Linux does), which gives RFC 3042 limited transmit and RFC 6582's window inflation with one formula.
 *
 * @packageDocumentation
 */

import { SackScoreboard } from "./sack-scoreboard.js";
import { seqAdd, seqDiff, seqGe, seqGt, seqLt, seqMax, seqMin } from "./seq.js";

/** Duplicate ACKs (or SACKed segments) that signal a loss (RFC 5681 §3.2). */
export const DUP_THRESH = 3;

/** `open`: no loss known; `recovery`: fast recovery; `loss`: after a retransmission timeout. */
export type RecoveryPhase = "open" | "recovery" | "loss";

/** What a cumulative ACK did to recovery. */
export type AckOutcome = "none" | "partial" | "exit-recovery" | "exit-loss";

/** The loss-recovery state of one connection. */
export class LossRecovery {
  phase: RecoveryPhase = "open";
  dupAcks = 0;
  recoveryPoint = 0;
  highRxt = 0;
  lostEnd = 0;
  /** The range chosen by {@link LossRecovery.nextRetransmit}. */
  rtxStart = 0;
  rtxEnd = 0;
  /** Whether {@link LossRecovery.nextRescue} chose a rule 4 rescue (which does not move `highRxt`). */
  rescue = false;
  #rescueRxt: number | undefined;
  readonly scoreboard: SackScoreboard;
  #sack = false;
  #smss = 536;

  constructor(maxSackRanges: number) {
    this.scoreboard = new SackScoreboard(maxSackRanges);
  }

  /** Starts at the first data byte `una`, knowing whether SACK was negotiated and the segment size. */
  start(una: number, sack: boolean, smss: number): void {
    this.#sack = sack;
    this.#smss = smss;
    this.#open(una);
  }

  /** The sender's segment size changed (the path MTU shrank). */
  resize(smss: number): void {
    this.#smss = smss;
  }

  /** Estimated bytes in the network (RFC 6675 `pipe`), given SND.UNA and SND.NXT. */
  pipe(una: number, nxt: number): number {
    const flight = seqDiff(nxt, una);
    if (this.phase === "open" && this.dupAcks === 0 && this.scoreboard.isEmpty) return flight;
    const sacked = this.#sack
      ? this.scoreboard.sackedBytes
      : Math.min(this.dupAcks * this.#smss, Math.max(0, flight - this.#smss));
    const from = seqMax(this.highRxt, una);
    let lostPending = 0;
    if (seqLt(from, this.lostEnd)) {
      lostPending = this.#sack ? this.scoreboard.unsackedBetween(from, this.lostEnd) : seqDiff(this.lostEnd, from);
    }
    return Math.max(0, flight - sacked - lostPending);
  }

  /** Records one duplicate ACK. */
  onDupAck(una: number): void {
    this.dupAcks++;
    if (this.phase === "recovery" && this.#sack) this.lostEnd = seqMax(this.lostEnd, this.#boundary(una));
  }

  /** Whether loss is now evident and fast recovery may start (not twice for one window, RFC 6582 §3.2). */
  shouldEnterRecovery(una: number): boolean {
    if (this.phase !== "open" || !seqGe(una, this.recoveryPoint)) return false;
    return this.dupAcks >= DUP_THRESH || (this.#sack && seqLt(una, this.#boundary(una)));
  }

  /** Starts fast recovery: everything up to `nxt` must be acknowledged to leave it. */
  enterRecovery(una: number, nxt: number): void {
    this.phase = "recovery";
    this.recoveryPoint = nxt;
    this.highRxt = una;
    // The first unacknowledged segment is retransmitted in any case (RFC 6675 §5 step 4.3).
    this.lostEnd = seqMax(this.#boundary(una), seqMin(seqAdd(una, this.#smss), nxt));
  }

  /** Handles a cumulative ACK that moved SND.UNA to `una` (`acked` bytes). */
  onCumulativeAck(una: number, nxt: number, acked: number): AckOutcome {
    this.scoreboard.advance(una);
    if (this.phase === "open") {
      this.#open(una);
      return "none";
    }
    if (seqGe(una, this.recoveryPoint)) {
      const outcome: AckOutcome = this.phase === "recovery" ? "exit-recovery" : "exit-loss";
      this.#open(una);
      return outcome;
    }
    if (seqLt(this.highRxt, una)) this.highRxt = una;
    if (this.phase === "recovery") {
      if (this.#sack) {
        this.lostEnd = seqMax(this.lostEnd, this.#boundary(una));
      } else {
        // NewReno partial ACK (RFC 6582 §3.2 step 3): the next unacknowledged segment is lost too.
        this.dupAcks = Math.max(0, this.dupAcks - Math.ceil(acked / this.#smss));
        this.highRxt = una;
        this.lostEnd = seqMin(seqAdd(una, this.#smss), nxt);
      }
    }
    if (seqLt(this.lostEnd, una)) this.lostEnd = una;
    return "partial";
  }

  /** Leaves fast recovery at once (it was spurious); a new loss may start a new one. */
  abandon(una: number): void {
    this.#open(una);
  }

  /**
   * The retransmission timer expired: every unSACKed byte outstanding is lost. `forgetSack` drops the
   * scoreboard, for repeated timeouts where the receiver may have discarded SACKed data (RFC 2018 §8).
   */
  onTimeout(una: number, nxt: number, forgetSack: boolean): void {
    if (forgetSack) this.scoreboard.clear();
    this.markLost(una, nxt);
  }

  /**
   * Every unSACKed byte outstanding is lost and goes again from `una`: after a timeout, or when the
   * path MTU shrank below the segments in flight (which routers drop).
   */
  markLost(una: number, nxt: number): void {
    this.phase = "loss";
    this.recoveryPoint = nxt;
    this.highRxt = una;
    this.lostEnd = nxt;
    this.dupAcks = 0;
  }

  /**
   * Finds the next lost range to retransmit (RFC 6675 `NextSeg` rule 1), at most `maxLen` bytes, into
   * {@link LossRecovery.rtxStart} and {@link LossRecovery.rtxEnd}; returns whether there is one.
   */
  nextRetransmit(una: number, nxt: number, maxLen: number): boolean {
    if (this.phase === "open") return false;
    let s = seqMax(this.highRxt, una);
    if (this.#sack) s = this.scoreboard.nextUnsacked(s);
    if (!seqLt(s, this.lostEnd)) return false;
    let e = seqMin(seqAdd(s, maxLen), nxt);
    if (this.#sack) e = seqMin(e, this.scoreboard.nextSackedStart(s, nxt));
    if (!seqLt(s, e)) return false;
    this.rtxStart = s;
    this.rtxEnd = e;
    return true;
  }

  /**
   * When neither a lost segment nor new data can be sent (RFC 6675 `NextSeg` rules 3 and 4): an
   * unSACKed hole below the highest SACKed byte, else once per recovery a rescue retransmission of
   * the highest unSACKed segment, so tail losses do not wait for the retransmission timer.
   */
  nextRescue(una: number, nxt: number, maxLen: number): boolean {
    if (this.phase !== "recovery" || !this.#sack) return false;
    const sb = this.scoreboard;
    const s = sb.nextUnsacked(seqMax(this.highRxt, una));
    if (seqLt(s, sb.highestSacked(una))) {
      this.rtxStart = s;
      this.rtxEnd = seqMin(seqMin(seqAdd(s, maxLen), sb.nextSackedStart(s, nxt)), nxt);
      this.rescue = false;
      return seqLt(s, this.rtxEnd);
    }
    if (this.#rescueRxt !== undefined && !seqGt(una, this.#rescueRxt)) return false;
    const end = sb.highestSacked(una) === nxt ? sb.lastSackedStart(nxt) : nxt;
    if (!seqLt(una, end)) return false;
    this.#rescueRxt = this.recoveryPoint;
    this.rtxEnd = end;
    this.rtxStart = seqDiff(end, una) > maxLen ? seqAdd(end, -maxLen) : una;
    this.rescue = true;
    return true;
  }

  /** Records that everything before `end` that was lost has been retransmitted. */
  retransmitted(end: number): void {
    this.highRxt = seqMax(this.highRxt, end);
  }

  // No loss known, everything below `una` acknowledged. The recovery point follows SND.UNA too: left
  // behind, it would be more than 2^31 bytes back after 2 GiB without loss, and the sequence comparison
  // of shouldEnterRecovery would then refuse fast recovery for the next 2 GiB.
  #open(una: number): void {
    this.phase = "open";
    this.recoveryPoint = una;
    this.highRxt = una;
    this.lostEnd = una;
    this.dupAcks = 0;
  }

  #boundary(una: number): number {
    return this.scoreboard.lossBoundary(una, DUP_THRESH, this.#smss);
  }
}
