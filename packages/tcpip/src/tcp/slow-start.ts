/**
 * What the window-based controllers share (RFC 5681): the initial window, slow start with appropriate
 * byte counting, growth only while the window is in use, and the window set back to `ssthresh` when
 * fast recovery ends. Each controller adds its congestion avoidance and its reactions to loss.
 *
 * @packageDocumentation
 */

import { type CongestionController, initialCongestionWindow } from "./congestion.js";

/** A congestion controller that slow-starts up to `ssthresh` and leaves congestion avoidance to its subclass. */
export abstract class SlowStartController implements CongestionController {
  abstract readonly name: string;
  cwnd: number;
  ssthresh = Number.POSITIVE_INFINITY;
  protected readonly mss: number;

  constructor(mss: number) {
    this.mss = mss;
    this.cwnd = initialCongestionWindow(mss);
  }

  onAck(ackedBytes: number, cwndLimited: boolean, nowMs: number, srttMs: number): void {
    // A sender not using its window learns nothing about the path: no growth (RFC 7661).
    if (!cwndLimited) return;
    if (this.cwnd < this.ssthresh) {
      // Appropriate byte counting with L = 2·MSS (RFC 3465 §2.2): delayed ACKs still double cwnd per RTT.
      this.cwnd += Math.min(ackedBytes, 2 * this.mss);
      return;
    }
    this.avoidCongestion(ackedBytes, nowMs, srttMs);
  }

  onRecoveryEnd(): void {
    this.cwnd = this.ssthresh;
  }

  /** Grows `cwnd` past `ssthresh` for `ackedBytes` newly acknowledged while the window is in use. */
  protected abstract avoidCongestion(ackedBytes: number, nowMs: number, srttMs: number): void;

  abstract onCongestion(flightSize: number, nowMs: number): void;
  abstract onTimeout(flightSize: number, nowMs: number): void;
  abstract onUndo(nowMs: number): void;
}
