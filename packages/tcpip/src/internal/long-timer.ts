/**
 * Timers longer than host timers allow: Node's `setTimeout` overflows beyond 2^31 - 1 ms (about 24.8
 * days), shorter than many DHCP leases, so long delays are taken in steps.
 */

import type { Clock, TimerHandle } from "../time/clock.js";

const MAX_STEP_MS = 0x7fffffff;

/** Calls `callback` once, `delayMs` from now, however long that is; cancellable like any timer. */
export function setLongTimer(clock: Clock, delayMs: number, callback: () => void): TimerHandle {
  const due = clock.now() + Math.max(0, delayMs);
  let handle: TimerHandle;
  const step = (): void => {
    const left = due - clock.now();
    if (left > 0) handle = clock.setTimer(Math.min(left, MAX_STEP_MS), step);
    else callback();
  };
  handle = clock.setTimer(Math.min(Math.max(0, delayMs), MAX_STEP_MS), step);
  return { cancel: () => handle.cancel() };
}
