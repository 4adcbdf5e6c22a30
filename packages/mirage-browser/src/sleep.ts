/**
 * `browserSleep`: sleeping in nanoseconds on the page's timers (`Mirage_sleep` for the browser).
 *
 * @packageDocumentation
 */

import type { Sleep } from "@mirage-ts/mirage-types";
import { dispatch } from "./internal/iteration.js";

// setTimeout takes at most 2^31 - 1 ms; longer sleeps are chained.
const maxTimeoutMs = 2 ** 31 - 1;

// Browsers may fire a timer a little early or late and coarsen performance.now(): check the deadline
// against the monotonic clock when the timer fires and sleep again for what is left.
function wakeAt(deadline: number, resolve: () => void): void {
  const left = deadline - performance.now();
  if (left <= 0) dispatch(resolve, undefined);
  else setTimeout(wakeAt, Math.min(Math.ceil(left), maxTimeoutMs), deadline, resolve);
}

/**
 * Sleep in a page: resolves after at least the given number of nanoseconds of `performance.now()`,
 * with the page's timer granularity (a background tab's timers may be throttled to a second). The
 * wake-up is dispatched as a main-loop iteration (see {@link Main.run}).
 *
 * @beta
 */
export const browserSleep: Sleep = Object.freeze({
  sleepNs(ns: bigint): Promise<void> {
    if (typeof ns !== "bigint")
      throw new TypeError(`sleepNs: expected a bigint number of nanoseconds, got ${typeof ns}`);
    if (ns < 0n) throw new RangeError(`sleepNs: the duration must not be negative, got ${ns} ns`);
    const ms = Number(ns) / 1e6;
    const deadline = performance.now() + ms;
    return new Promise<void>((resolve) => {
      // Even a zero sleep yields to the event loop, as Lwt_unix.sleep 0. does.
      setTimeout(wakeAt, Math.min(Math.ceil(ms), maxTimeoutMs), deadline, resolve);
    });
  },
});
