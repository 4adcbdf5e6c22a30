/**
 * CUBIC congestion control (RFC 9438): after a loss the window follows a cubic curve of the time
 * since the loss, centred on the window where the loss happened, with multiplicative decrease 0.7,
 * fast convergence, and the Reno-friendly region so it is never slower than Reno.
 *
 * @packageDocumentation
 */

import type { CongestionController } from "./congestion.js";
import { SlowStartController } from "./slow-start.js";

const C = 0.4;
const BETA = 0.7;
const ALPHA = (3 * (1 - BETA)) / (1 + BETA);

class Cubic extends SlowStartController {
  readonly name = "cubic";
  #wMax = 0;
  #k = 0;
  #epochStart = -1;
  #wEst = 0;
  #cwndPrior = 0;
  // State before the last reduction, for onUndo.
  #saved: [number, number, number, number, number, number, number] | undefined;

  protected avoidCongestion(ackedBytes: number, nowMs: number, srttMs: number): void {
    const mss = this.mss;
    if (this.#epochStart < 0) {
      // A congestion-avoidance epoch starts (RFC 9438 §4.2); with no loss yet the curve starts flat here.
      this.#epochStart = nowMs;
      if (this.#wMax < this.cwnd) this.#wMax = this.cwnd;
      this.#k = Math.cbrt((this.#wMax - this.cwnd) / mss / C);
      this.#wEst = this.cwnd;
    }
    const t = (nowMs - this.#epochStart) / 1000;
    const rtt = srttMs / 1000;
    // Reno-friendly estimate (§4.3): α_cubic until it reaches the window before the loss, then 1.
    const alpha = this.#wEst >= this.#cwndPrior ? 1 : ALPHA;
    this.#wEst += (alpha * mss * ackedBytes) / this.cwnd;
    if (this.#wCubic(t) < this.#wEst) {
      this.cwnd = Math.max(this.cwnd, this.#wEst);
      return;
    }
    const target = Math.min(Math.max(this.#wCubic(t + rtt), this.cwnd), 1.5 * this.cwnd);
    this.cwnd += ((target - this.cwnd) * ackedBytes) / this.cwnd;
  }

  onCongestion(flightSize: number): void {
    this.#saved = [this.cwnd, this.ssthresh, this.#wMax, this.#k, this.#epochStart, this.#wEst, this.#cwndPrior];
    this.#reduce(flightSize);
    this.cwnd = this.ssthresh;
  }

  onUndo(): void {
    if (this.#saved === undefined) return;
    [this.cwnd, this.ssthresh, this.#wMax, this.#k, this.#epochStart, this.#wEst, this.#cwndPrior] = this.#saved;
    this.#saved = undefined;
  }

  onTimeout(flightSize: number): void {
    this.#reduce(flightSize);
    this.cwnd = this.mss;
  }

  // W_cubic(t) of RFC 9438 §4.2, in bytes, t in seconds since the epoch started.
  #wCubic(t: number): number {
    return C * (t - this.#k) ** 3 * this.mss + this.#wMax;
  }

  #reduce(flightSize: number): void {
    this.#epochStart = -1;
    this.#cwndPrior = this.cwnd;
    // Fast convergence (§4.7): a flow losing before regaining its previous maximum yields bandwidth.
    this.#wMax = this.cwnd < this.#wMax ? (this.cwnd * (1 + BETA)) / 2 : this.cwnd;
    this.ssthresh = Math.max(Math.min(flightSize, this.cwnd) * BETA, 2 * this.mss);
  }
}

/**
 * Creates a CUBIC controller.
 *
 * @beta
 */
export function cubic(mss: number): CongestionController {
  return new Cubic(mss);
}
