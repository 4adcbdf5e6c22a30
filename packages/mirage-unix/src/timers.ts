/**
 * `unixClock`: the clock the pure TypeScript network stack (`@mirage-ts/tcpip`) takes for its timers
 * (retransmission, delayed ACK, ARP, DHCP...), on Node's monotonic time and timers. It matches
 * tcpip's `Clock` structurally, so this package needs no dependency on tcpip.
 *
 * @packageDocumentation
 */

import { dispatch } from "./internal/iteration.js";

// setTimeout takes at most 2^31 - 1 ms (about 24.8 days); longer delays are chained.
const maxTimeoutMs = 2 ** 31 - 1;

/**
 * A scheduled callback of {@link unixClock}.
 *
 * @public
 */
export interface UnixTimer {
  /** Cancels the timer; does nothing if it already fired or was cancelled. */
  cancel(): void;
}

/**
 * A monotonic millisecond clock with cancellable one-shot timers: the shape of tcpip's `Clock`.
 *
 * @public
 */
export interface UnixClock {
  /** Milliseconds (with fractions) of the monotonic clock since an arbitrary origin; never decreases. */
  now(): number;
  /**
   * Calls `callback` once, `delayMs` milliseconds from now (never more than 1 ms early: Node's timer
   * granularity); a zero or negative delay calls it in the next turn of the event loop.
   */
  setTimer(delayMs: number, callback: () => void): UnixTimer;
}

class Timer implements UnixTimer {
  #timeout: NodeJS.Timeout | NodeJS.Immediate | undefined;
  readonly #callback: () => void;

  constructor(delayMs: number, callback: () => void) {
    this.#callback = callback;
    this.#arm(performance.now() + delayMs, delayMs);
  }

  cancel(): void {
    const timeout = this.#timeout;
    if (timeout === undefined) return;
    this.#timeout = undefined;
    if ("refresh" in timeout) clearTimeout(timeout);
    else clearImmediate(timeout);
  }

  #arm(deadline: number, delayMs: number): void {
    // A zero delay runs in the next check phase, not after setTimeout's 1 ms minimum: TCP sends
    // "as soon as possible" through such timers.
    this.#timeout =
      delayMs <= 0
        ? setImmediate(Timer.#fire, this, deadline)
        : setTimeout(Timer.#fire, Math.min(Math.ceil(delayMs), maxTimeoutMs), this, deadline);
  }

  // Static, with the timer as an argument: arming a timer allocates no closure.
  static #fire(timer: Timer, deadline: number): void {
    // Node's timers measure from a cached loop time and may fire early: by 1 ms or more, re-arm (which
    // also chains delays beyond setTimeout's limit); by less, fire, as a re-armed timer would take 1 ms.
    const left = deadline - performance.now();
    if (left >= 1) {
      timer.#arm(deadline, left);
      return;
    }
    timer.#timeout = undefined;
    dispatch(timer.#callback, undefined);
  }
}

/**
 * The unix platform's clock for tcpip: `now()` is `performance.now()` (monotonic, fractional
 * milliseconds), and `setTimer` uses Node's timers, dispatching each callback as a main-loop
 * iteration (the `atEnterIter`/`atLeaveIter` hooks run around it, see {@link Main.run}).
 *
 * A pending timer keeps the process alive, as a pending `unixSleep` does: a retransmission must
 * still happen when nothing else is scheduled. That does not prolong a unikernel under
 * {@link Main.run}, which ends the process when the unikernel's promise settles, whatever timers
 * (a TIME-WAIT, say) are left; a plain script should disconnect its stack to let the process exit.
 *
 * @public
 */
export const unixClock: UnixClock = Object.freeze({
  now(): number {
    return performance.now();
  },
  setTimer(delayMs: number, callback: () => void): UnixTimer {
    if (typeof delayMs !== "number" || Number.isNaN(delayMs)) {
      throw new TypeError(`setTimer: the delay must be a number of milliseconds, got ${String(delayMs)}`);
    }
    return new Timer(delayMs, callback);
  },
});
