/**
 * A token bucket refilled lazily from a clock: how ICMP errors and TCP resets are rate limited without a timer.
 */

import type { Clock } from "../time/clock.js";

/** Allows `burst` events at once and `perSecond` events a second on average. */
export class TokenBucket {
  readonly #clock: Clock;
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  constructor(clock: Clock, perSecond: number, burst: number) {
    if (!(perSecond >= 0) || !(burst >= 1)) {
      throw new RangeError(
        `a rate limit needs a rate of at least 0 and a burst of at least 1, got ${perSecond}/s and ${burst}`,
      );
    }
    this.#clock = clock;
    this.#perMs = perSecond / 1000;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  /** Whether a token is available, without taking it. */
  available(): boolean {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
    return this.#tokens >= 1;
  }

  /** Takes a token if one is available. */
  take(): boolean {
    if (!this.available()) return false;
    this.#tokens -= 1;
    return true;
  }
}
