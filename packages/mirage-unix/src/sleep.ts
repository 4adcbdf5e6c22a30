/**
 * `unixSleep`: sleeping in nanoseconds on Node's timers (`Mirage_sleep` for unix).
 *
 * @packageDocumentation
 */

import type { Sleep } from "@mirage-ts/mirage-types";
import { dispatch } from "./internal/iteration.js";

// setTimeout takes at most 2^31 - 1 ms; longer sleeps are chained.
const maxTimeoutMs = 2 ** 31 - 1;

// Node timers have millisecond granularity and measure from a cached loop time, so they may fire a
// little early: round up, and check against the monotonic clock when they fire.
function timerMs(ns: bigint): number {
  return Math.min(Number((ns + 999_999n) / 1_000_000n), maxTimeoutMs);
}

function wakeAfter(deadline: bigint, resolve: () => void): void {
  const remainingNs = deadline - process.hrtime.bigint();
  if (remainingNs <= 0n) dispatch(resolve, undefined);
  else setTimeout(wakeAfter, timerMs(remainingNs), deadline, resolve);
}

/**
 * Sleep on the unix platform: resolves after at least the given number of nanoseconds of the
 * monotonic clock, with Node's millisecond timer granularity. A pending sleep keeps the process alive.
 * The wake-up is dispatched as a main-loop iteration (see {@link Main.run}).
 *
 * @public
 */
export const unixSleep: Sleep = Object.freeze({
  sleepNs(ns: bigint): Promise<void> {
    if (typeof ns !== "bigint")
      throw new TypeError(`sleepNs: expected a bigint number of nanoseconds, got ${typeof ns}`);
    if (ns < 0n) throw new RangeError(`sleepNs: the duration must not be negative, got ${ns} ns`);
    const deadline = process.hrtime.bigint() + ns;
    return new Promise<void>((resolve) => {
      // Even a zero sleep yields to the event loop, as Lwt_unix.sleep 0. does.
      setTimeout(wakeAfter, timerMs(ns), deadline, resolve);
    });
  },
});
