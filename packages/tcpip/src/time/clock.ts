/**
 * `Clock`: the time dependency of every protocol layer in tcpip. Layers never read the host's time
 * or timers directly; they take a `Clock`, so tests drive them on a {@link VirtualClock} and the unix
 * platform supplies a real one.
 *
 * @packageDocumentation
 */

/**
 * A scheduled callback that can be cancelled. Cancelling releases the callback at once, so a closed
 * connection holds no timer.
 *
 * @public
 */
export interface TimerHandle {
  /** Cancels the timer; does nothing if it already fired or was cancelled. */
  cancel(): void;
}

/**
 * Monotonic time in milliseconds (fractions allowed) and one-shot timers.
 *
 * @public
 */
export interface Clock {
  /** Milliseconds since an arbitrary origin; never decreases. */
  now(): number;
  /** Calls `callback` once, `delayMs` milliseconds from now (at the earliest). */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
}
