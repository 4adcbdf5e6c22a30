/**
 * The main loop's iterations: every platform event (a timer firing, a frame arriving, console input,
 * socket activity) is dispatched through {@link dispatch}, which runs the enter-iteration hooks before
 * the first event of a turn of Node's event loop and the leave-iteration hooks once that turn's events
 * and the promise continuations they caused have run, as Lwt's main loop does around `Lwt_engine.iter`.
 *
 * @packageDocumentation
 */

/** The hook runners of mirage-runtime's `Hooks` that an iteration needs. */
export interface IterationHooks {
  runEnterIterHooks(): void;
  runLeaveIterHooks(): void;
}

let hooks: IterationHooks | undefined;
let inIteration = false;

/** Installs the hooks run around iterations (by `Main.run`); `undefined` dispatches without hooks. */
export function setIterationHooks(next: IterationHooks | undefined): void {
  hooks = next;
}

function leaveIteration(): void {
  inIteration = false;
  hooks?.runLeaveIterHooks();
}

/**
 * Runs `handler(value)` as (part of) an iteration. The leave hooks run from `setImmediate`, in the
 * check phase that closes the current turn of the loop, after the microtasks `handler` queued.
 */
export function dispatch<T>(handler: (value: T) => void, value: T): void {
  if (hooks !== undefined && !inIteration) {
    inIteration = true;
    setImmediate(leaveIteration);
    hooks.runEnterIterHooks();
  }
  handler(value);
}
