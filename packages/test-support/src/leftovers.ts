// What the harness made and has not removed yet, removed when the process exits however it exits (a
// failing hook that skipped `remove()`, an uncaught error, `process.exit`, or a signal: vitest ends
// its worker processes with SIGTERM): a namespace never outlives the test process that made it, nor
// do the processes it started. Where no listener can run (SIGKILL, or a signal's listener cut short),
// the reaper (reaper.ts) removes them instead.

/** Something that can be removed synchronously in an `exit` listener. */
export interface Leftover {
  /** Kills what is left by pid and removes it from the host; never throws. */
  removeNow(): void;
}

const live = new Set<Leftover>();
let hooked = false;

/** Removes `leftover` when the process exits, unless {@link forget} is called first. */
export function removeAtExit(leftover: Leftover): void {
  live.add(leftover);
  if (hooked) return;
  hooked = true;
  process.once("exit", removeAll);
  for (const signal of SIGNALS) process.once(signal, onSignal);
}

/** The signals that end a process by default, on which the leftovers are removed first. */
const SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];

function removeAll(): void {
  for (const item of live) item.removeNow();
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  // Alone on the signal, this listener replaced its default action: restore it and take it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** `leftover` was removed: nothing to do at exit. */
export function forget(leftover: Leftover): void {
  live.delete(leftover);
}
