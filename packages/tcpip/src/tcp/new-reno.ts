/**
 * NewReno congestion control (RFC 5681 with RFC 3465 byte counting): slow start to `ssthresh`, then
 * one MSS per window of acknowledged bytes; halving on loss, one MSS after a timeout. Recovery
 * itself (RFC 6582 / RFC 6675) is run by the connection.
 *
 * @packageDocumentation
 */

import type { CongestionController } from "./congestion.js";
import { SlowStartController } from "./slow-start.js";

class NewReno extends SlowStartController {
  readonly name = "newreno";
  #bytesAcked = 0;
  #priorCwnd = 0;
  #priorSsthresh = Number.POSITIVE_INFINITY;

  // One MSS per window of acknowledged bytes.
  protected avoidCongestion(ackedBytes: number): void {
    this.#bytesAcked += ackedBytes;
    if (this.#bytesAcked >= this.cwnd) {
      this.#bytesAcked -= this.cwnd;
      this.cwnd += this.mss;
    }
  }

  onCongestion(flightSize: number): void {
    this.#priorCwnd = this.cwnd;
    this.#priorSsthresh = this.ssthresh;
    this.ssthresh = Math.max(flightSize / 2, 2 * this.mss);
    this.cwnd = this.ssthresh;
    this.#bytesAcked = 0;
  }

  onUndo(): void {
    this.cwnd = Math.max(this.cwnd, this.#priorCwnd);
    this.ssthresh = Math.max(this.ssthresh, this.#priorSsthresh);
  }

  onTimeout(flightSize: number): void {
    this.ssthresh = Math.max(flightSize / 2, 2 * this.mss);
    this.cwnd = this.mss;
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
