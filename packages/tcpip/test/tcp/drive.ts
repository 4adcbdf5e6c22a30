/**
 * Driving virtual time from a test: let promise continuations run, then fire the next timers, until a
 * condition holds. Time only moves when nothing else can happen, so runs are exactly repeatable.
 */

import type { VirtualClock } from "@mirage-ts/tcpip";

/** Lets every pending promise continuation run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Alternates settling and firing the next due timers until `done()` holds. Fails when nothing is
 * scheduled (a deadlock) or when virtual time passes `maxMs` from now.
 */
export async function runUntil(clock: VirtualClock, done: () => boolean, maxMs = 3_600_000): Promise<void> {
  const limit = clock.now() + maxMs;
  for (;;) {
    await settle();
    if (done()) return;
    const due = clock.nextDue();
    if (due === undefined) throw new Error(`stuck at ${clock.now()} ms: no timer scheduled and the condition is false`);
    if (due > limit) throw new Error(`condition still false after ${maxMs} ms of virtual time`);
    clock.advance(due - clock.now());
  }
}

/** Waits for a promise while driving the clock. */
export async function drive<T>(clock: VirtualClock, promise: Promise<T>, maxMs?: number): Promise<T> {
  let settled = false;
  let value: T | undefined;
  let failure: unknown;
  let failed = false;
  promise.then(
    (v) => {
      settled = true;
      value = v;
    },
    (e: unknown) => {
      settled = true;
      failed = true;
      failure = e;
    },
  );
  await runUntil(clock, () => settled, maxMs);
  if (failed) throw failure;
  return value as T;
}

/** Advances virtual time by `ms`, settling promises at every timer on the way. */
export async function advance(clock: VirtualClock, ms: number): Promise<void> {
  const target = clock.now() + ms;
  for (;;) {
    await settle();
    const due = clock.nextDue();
    if (due === undefined || due > target) break;
    clock.advance(due - clock.now());
  }
  clock.advance(target - clock.now());
  await settle();
}
