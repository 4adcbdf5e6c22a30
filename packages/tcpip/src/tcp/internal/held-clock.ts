/**
 * A clock whose time can be held for the length of one synchronous step. Handling one segment reads
 * the time several times (keepalive bookkeeping, RTT samples, timestamps, timer deadlines), and a
 * real clock's `now()` is a system call's worth of work; within a step the answers would differ by
 * microseconds. Holding reads the clock once per step instead. Steps nest: the time is released
 * when the outermost one ends, so timers and later steps see the clock move.
 */

import type { Clock, TimerHandle } from "../../time/clock.js";

/** A {@link Clock} that answers from a held reading while a step runs. */
export class HeldClock implements Clock {
  readonly #clock: Clock;
  #depth = 0;
  #held = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  now(): number {
    return this.#depth > 0 ? this.#held : this.#clock.now();
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    return this.#clock.setTimer(delayMs, callback);
  }

  /** Starts a step: `now()` answers the time read here until the matching {@link HeldClock.release}. */
  hold(): void {
    if (this.#depth++ === 0) this.#held = this.#clock.now();
  }

  /** Ends a step begun by {@link HeldClock.hold}. */
  release(): void {
    this.#depth--;
  }
}
