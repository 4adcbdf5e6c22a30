/**
 * NewReno congestion control (RFC 5681 with RFC 3465 byte counting): slow start to `ssthresh`, then
 * one MSS per window of acknowledged bytes; halving on loss, one MSS after a timeout. Recovery
 * itself (RFC 6582 / RFC 6675) is run by the connection.
 *
 * @packageDocumentation
 */

import { type CongestionController, initialCongestionWindow } from "./congestion.js";

class NewReno implements CongestionController {
  readonly name = "newreno";
  cwnd: number;
  ssthresh = Number.POSITIVE_INFINITY;
  readonly #mss: number;
  #bytesAcked = 0;
  #priorCwnd = 0;
  #priorSsthresh = Number.POSITIVE_INFINITY;

  constructor(mss: number) {
    this.#mss = mss;
    this.cwnd = initialCongestionWindow(mss);
  }

  onAck(ackedBytes: number, cwndLimited: boolean): void {
    if (!cwndLimited) return;
    if (this.cwnd < this.ssthresh) {
      // Appropriate byte counting with L = 2·MSS (RFC 3465 §2.2): delayed ACKs still double cwnd per RTT.
      this.cwnd += Math.min(ackedBytes, 2 * this.#mss);
      return;
    }
    this.#bytesAcked += ackedBytes;
    if (this.#bytesAcked >= this.cwnd) {
      this.#bytesAcked -= this.cwnd;
      this.cwnd += this.#mss;
    }
  }

  onCongestion(flightSize: number): void {
    this.#priorCwnd = this.cwnd;
    this.#priorSsthresh = this.ssthresh;
    this.ssthresh = Math.max(flightSize / 2, 2 * this.#mss);
    this.cwnd = this.ssthresh;
    this.#bytesAcked = 0;
  }

  onRecoveryEnd(): void {
    this.cwnd = this.ssthresh;
  }

  onUndo(): void {
    this.cwnd = Math.max(this.cwnd, this.#priorCwnd);
    this.ssthresh = Math.max(this.ssthresh, this.#priorSsthresh);
  }

  onTimeout(flightSize: number): void {
    this.ssthresh = Math.max(flightSize / 2, 2 * this.#mss);
    this.cwnd = this.#mss;
    this.#bytesAcked = 0;
  }
}

/**
 * Creates a NewReno controller (the default).
 *
 * @beta
 */
export function newReno(mss: number): CongestionController {
  return new NewReno(mss);
}
