/**
 * Undoing a spurious fast recovery (Eifel detection, RFC 3522, with the response of RFC 4015): the
 * TSval of the first retransmission of a recovery is kept; while every cumulative ACK covering
 * retransmitted data echoes an older timestamp, the holes were filled by the original segments (they
 * were reordered, not lost), and the congestion controller restores its window.
 *
 * @packageDocumentation
 */

import type { CongestionController } from "../congestion.js";
import type { Counters } from "./counters.js";
import type { LossRecovery } from "./loss-recovery.js";
import { seqAdd, seqGt, seqLe, seqLt } from "./seq.js";

/** The evidence of one fast recovery. */
export interface SpuriousUndo {
  /** A recovery is under way whose ACKs may still prove it spurious. */
  armed: boolean;
  /** SND.UNA when the recovery began: its first retransmission starts there. */
  seq: number;
  /** Our TSval when the recovery began. */
  tsVal: number;
}

/** No recovery watched. */
export function spuriousUndo(): SpuriousUndo {
  return { armed: false, seq: 0, tsVal: 0 };
}

/** A fast recovery begins at `una` with our clock at `tsVal` (only with timestamps on). */
export function armUndo(undo: SpuriousUndo, una: number, tsVal: number): void {
  undo.armed = true;
  undo.seq = una;
  undo.tsVal = tsVal;
}

/**
 * A cumulative ACK of `ack` (SND.UNA was `prevUna`) echoing `tsEcr` (0 when absent), before the
 * recovery takes it. One ACK covering retransmitted data with a newer echo invalidates the evidence;
 * ACKs beyond the retransmitted data say nothing either way. When the first hole is filled by an
 * original segment and it was the only retransmission, the window is restored at once and the
 * recovery abandoned.
 */
export function undoEarly(
  undo: SpuriousUndo,
  recovery: LossRecovery,
  cc: CongestionController,
  counters: Counters,
  prevUna: number,
  ack: number,
  tsEcr: number,
  smss: number,
  now: number,
): void {
  if (!(undo.armed && recovery.phase === "recovery" && seqLt(prevUna, recovery.highRxt))) return;
  if (tsEcr === 0 || !seqLt(tsEcr, undo.tsVal)) {
    undo.armed = false;
    return;
  }
  if (seqGt(ack, undo.seq) && seqLe(recovery.highRxt, seqAdd(undo.seq, smss))) {
    undo.armed = false;
    counters.spuriousRecoveries++;
    cc.onUndo(now);
    recovery.abandon(prevUna);
  }
}

/**
 * The recovery ended: if the evidence held to the end, the whole recovery was reordering and the
 * window is restored instead of settling at ssthresh. Returns whether it was undone.
 */
export function undoAtRecoveryEnd(
  undo: SpuriousUndo,
  cc: CongestionController,
  counters: Counters,
  now: number,
): boolean {
  if (!undo.armed) return false;
  undo.armed = false;
  counters.spuriousRecoveries++;
  cc.onUndo(now);
  return true;
}
