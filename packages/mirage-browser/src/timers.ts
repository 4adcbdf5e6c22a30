/**
 * `browserClock`: the clock the pure TypeScript network stack (`@mirage-ts/tcpip`) takes for its
 * timers, on `performance.now()` and the page's timers. It matches tcpip's `Clock` structurally.
 *
 * @packageDocumentation
 */

import { dispatch, nextTask } from "./internal/iteration.js";

// setTimeout takes at most 2^31 - 1 ms (about 24.8 days); longer delays are chained.
const maxTimeoutMs = 2 ** 31 - 1;

/**
 * A scheduled callback of {@link browserClock}.
 *
 * @beta
 */
export interface BrowserTimer {
  /** Cancels the timer; does nothing if it already fired or was cancelled. */
  cancel(): void;
}

/**
 * A monotonic millisecond clock with cancellable one-shot timers: the shape of tcpip's `Clock`.
 *
 * @beta
 */
export interface BrowserClock {
  /** Milliseconds (with fractions) of `performance.now()`; never decreases. */
  now(): number;
  /** Calls `callback` once, `delayMs` milliseconds from now; a zero or negative delay in the next task. */
  setTimer(delayMs: number, callback: () => void): BrowserTimer;
}

class Timer implements BrowserTimer {
  #handle: ReturnType<typeof setTimeout> | undefined;
  #live = true;
  readonly #callback: () => void;

  constructor(delayMs: number, callback: () => void) {
    this.#callback = callback;
    // A zero delay runs in the next task, not after setTimeout's clamped minimum: TCP sends
    // "as soon as possible" through such timers.
    if (delayMs <= 0) nextTask(() => this.#fire(0));
    else this.#arm(performance.now() + delayMs);
  }

  cancel(): void {
    this.#live = false;
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #arm(deadline: number): void {
    const left = deadline - performance.now();
    this.#handle = setTimeout(() => this.#fire(deadline), Math.min(Math.max(Math.ceil(left), 0), maxTimeoutMs));
  }

  #fire(deadline: number): void {
    if (!this.#live) return;
    // Chained delays beyond setTimeout's limit, and early timers (setTimeout may fire up to a
    // millisecond before performance.now() reaches the deadline), sleep again for what is left.
    if (performance.now() < deadline) {
      this.#arm(deadline);
      return;
    }
    this.#live = false;
    this.#handle = undefined;
    dispatch(this.#callback, undefined);
  }
}

/**
 * The browser platform's clock for tcpip: `now()` is `performance.now()`, and `setTimer` uses the
 * page's timers, dispatching each callback as a main-loop iteration (see {@link Main.run}).
 *
 * @beta
 */
export const browserClock: BrowserClock = Object.freeze({
  now(): number {
    return performance.now();
  },
  setTimer(delayMs: number, callback: () => void): BrowserTimer {
    if (typeof delayMs !== "number" || Number.isNaN(delayMs)) {
      throw new TypeError(`setTimer: the delay must be a number of milliseconds, got ${String(delayMs)}`);
    }
    return new Timer(delayMs, callback);
  },
});
