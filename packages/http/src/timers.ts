/**
 * The timers an HTTP server cuts slow heads and idle connections with, injected so that a platform
 * (or a test) gives its own clock.
 *
 * @packageDocumentation
 */

/**
 * One-shot timers in milliseconds; tcpip's `Clock` (the `timers` platform device) is one.
 *
 * @beta
 */
export interface HttpTimers {
  /** Calls `callback` once, `delayMs` milliseconds from now; `cancel` stops it. */
  setTimer(delayMs: number, callback: () => void): { cancel(): void };
}

/**
 * Timers on the global `setTimeout` (browsers, Node, Deno).
 *
 * @beta
 */
export const globalTimers: HttpTimers = {
  setTimer(delayMs, callback) {
    const id = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(id) };
  },
};
