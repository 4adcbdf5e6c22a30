/**
 * The time the resolver and the server need: tcpip's `Clock` shape, so `unixClock` (mirage-unix) and
 * tcpip's `VirtualClock` both fit.
 *
 * @packageDocumentation
 */

/**
 * Monotonic milliseconds and one-shot cancellable timers.
 *
 * @beta
 */
export interface Clock {
  /** Milliseconds since an arbitrary origin; never decreases. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now. */
  setTimer(delayMs: number, callback: () => void): { cancel(): void };
}
