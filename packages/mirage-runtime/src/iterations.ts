/**
 * Main-loop iterations for a platform: every platform event is dispatched through one function, which
 * runs the enter-iteration hooks before the first event of a turn of the platform's loop and the
 * leave-iteration hooks once that turn's events and the promise continuations they caused have run,
 * as Lwt's main loop does around `Lwt_engine.iter`. Each platform says what "after this turn" is.
 *
 * @packageDocumentation
 */

/**
 * The hook runners of {@link Hooks} that an iteration needs.
 *
 * @beta
 */
export interface IterationHooks {
  /** Runs the enter-iteration hooks. */
  runEnterIterHooks(): void;
  /** Runs the leave-iteration hooks. */
  runLeaveIterHooks(): void;
}

/**
 * A platform's iteration dispatcher, made by {@link iterations}.
 *
 * @beta
 */
export interface Iterations {
  /** Installs the hooks run around iterations (by `Main.run`); `undefined` dispatches without hooks. */
  setHooks(hooks: IterationHooks | undefined): void;
  /** Runs `handler(value)` as (part of) an iteration. */
  dispatch<T>(handler: (value: T) => void, value: T): void;
}

/**
 * An iteration dispatcher whose iterations end in `afterTurn(task)`: a callback that runs `task`
 * after the current turn's events and their promise continuations (Node's `setImmediate`, a page's
 * `MessageChannel` task).
 *
 * @beta
 */
export function iterations(afterTurn: (task: () => void) => void): Iterations {
  let hooks: IterationHooks | undefined;
  let inIteration = false;
  const leaveIteration = (): void => {
    inIteration = false;
    hooks?.runLeaveIterHooks();
  };
  return {
    setHooks(next) {
      hooks = next;
    },
    dispatch(handler, value) {
      if (hooks !== undefined && !inIteration) {
        inIteration = true;
        afterTurn(leaveIteration);
        hooks.runEnterIterHooks();
      }
      handler(value);
    },
  };
}
