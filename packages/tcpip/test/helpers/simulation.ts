// Drives a simulation on a VirtualClock: settle the microtask queue (stack handlers are async), then
// jump to the next timer, until the deadline. Deterministic and independent of real time.
import { setImmediate } from "node:timers/promises";
import type { VirtualClock } from "@mirage-ts/tcpip";

/** Lets every pending promise chain run (a macrotask turn drains the microtask queue). */
export async function settle(): Promise<void> {
  await setImmediate();
}

/** Advances `clock` by `ms`, firing timers in order and settling promises after each. */
export async function run(clock: VirtualClock, ms: number): Promise<void> {
  const end = clock.now() + ms;
  for (;;) {
    await settle();
    const due = clock.nextDue();
    if (due === undefined || due > end) break;
    // Timers due at the same instant fire together, then their promise chains settle.
    while (clock.nextDue() === due) clock.step();
  }
  clock.advance(end - clock.now());
  await settle();
}

/** Awaits `promise` while running the simulation, up to `maxMs` of virtual time. */
export async function runUntil<T>(clock: VirtualClock, promise: Promise<T>, maxMs = 60_000): Promise<T> {
  let done = false;
  let value: T | undefined;
  let failure: unknown;
  let failed = false;
  promise.then(
    (v) => {
      done = true;
      value = v;
    },
    (e: unknown) => {
      done = true;
      failed = true;
      failure = e;
    },
  );
  const end = clock.now() + maxMs;
  for (;;) {
    await settle();
    if (done) break;
    const due = clock.nextDue();
    if (due === undefined || due > end)
      throw new Error(`simulation stalled or exceeded ${maxMs} ms before the promise settled`);
    while (clock.nextDue() === due) clock.step();
  }
  if (failed) throw failure;
  return value as T;
}
