/**
 * The retransmission timeout estimator of RFC 6298: smoothed RTT and its variation from samples, the
 * timeout with a configurable floor and ceiling, and exponential backoff on expiry.
 *
 * @packageDocumentation
 */

// Clock granularity G of RFC 6298 §2: our timers are millisecond-based.
const GRANULARITY_MS = 1;

/** SRTT/RTTVAR/RTO state of one connection. */
export class RtoEstimator {
  readonly #min: number;
  readonly #max: number;
  #srtt = 0;
  #rttvar = 0;
  #rto: number;
  #backoff = 0;
  #hasSample = false;

  constructor(initialMs: number, minMs: number, maxMs: number) {
    this.#min = minMs;
    this.#max = maxMs;
    this.#rto = Math.min(Math.max(initialMs, minMs), maxMs);
  }

  /** Smoothed round-trip time in ms (0 before the first sample). */
  get srtt(): number {
    return this.#srtt;
  }

  /** Round-trip time variation in ms. */
  get rttvar(): number {
    return this.#rttvar;
  }

  /** Whether a sample has been taken. */
  get hasSample(): boolean {
    return this.#hasSample;
  }

  /** Consecutive expiries without a new sample. */
  get backoff(): number {
    return this.#backoff;
  }

  /** The current timeout, backoff included, in ms. */
  get rto(): number {
    return Math.min(this.#rto * 2 ** this.#backoff, this.#max);
  }

  /** Feeds one RTT measurement (RFC 6298 §2.2–2.3); clears the backoff (§5.7). */
  sample(rttMs: number): void {
    const r = Math.max(rttMs, 0);
    if (!this.#hasSample) {
      this.#srtt = r;
      this.#rttvar = r / 2;
      this.#hasSample = true;
    } else {
      this.#rttvar = 0.75 * this.#rttvar + 0.25 * Math.abs(this.#srtt - r);
      this.#srtt = 0.875 * this.#srtt + 0.125 * r;
    }
    this.#rto = Math.min(Math.max(this.#srtt + Math.max(GRANULARITY_MS, 4 * this.#rttvar), this.#min), this.#max);
    this.#backoff = 0;
  }

  /** The timer expired: double the timeout (RFC 6298 §5.5). */
  expired(): void {
    if (this.rto < this.#max) this.#backoff++;
  }

  /** New data was acknowledged without a usable sample: keep the timeout but stop backing off. */
  clearBackoff(): void {
    this.#backoff = 0;
  }
}
