/**
 * Main-loop hooks (Mirage_runtime's `at_enter_iter`, `at_leave_iter`, `at_exit`) and the runners the
 * platform's main loop calls.
 *
 * @packageDocumentation
 */

/**
 * A hook run when the unikernel exits; may return a promise, awaited before the next hook runs.
 *
 * @public
 */
export type ExitHook = () => void | Promise<void>;

/**
 * Runs `hooks` newest first. Hooks only ever get appended, so capturing the length first leaves any
 * hook added while running for the next run, without copying the list on every iteration.
 */
function runNewestFirst(hooks: readonly (() => void)[]): void {
  for (let i = hooks.length - 1; i >= 0; i--) hooks[i]?.();
}

/**
 * The hooks of one runtime. As upstream, the last registered hook runs first.
 *
 * @public
 */
export class Hooks {
  readonly #enterIter: (() => void)[] = [];
  readonly #leaveIter: (() => void)[] = [];
  readonly #exit: ExitHook[] = [];
  #exiting: Promise<void> | undefined;

  /** Registers `hook` to run at the start of every main-loop iteration. */
  atEnterIter(hook: () => void): void {
    this.#enterIter.push(hook);
  }

  /** Registers `hook` to run at the end of every main-loop iteration. */
  atLeaveIter(hook: () => void): void {
    this.#leaveIter.push(hook);
  }

  /** Registers `hook` to run once when the unikernel exits. */
  atExit(hook: ExitHook): void {
    this.#exit.push(hook);
  }

  /**
   * Runs the enter-iteration hooks, newest first. A hook added meanwhile runs from the next
   * iteration; a hook that throws stops the run and the exception propagates to the main loop.
   */
  runEnterIterHooks(): void {
    runNewestFirst(this.#enterIter);
  }

  /** Runs the leave-iteration hooks, with the same rules as {@link Hooks.runEnterIterHooks}. */
  runLeaveIterHooks(): void {
    runNewestFirst(this.#leaveIter);
  }

  /**
   * Runs the exit hooks one after the other, newest first, each awaited before the next. A hook that
   * throws or rejects is passed to `onError` (upstream swallows it; the default here does too) and
   * the others still run.
   *
   * Each hook runs at most once: a hook is removed before it runs, so a hook registered by another
   * exit hook runs in the same pass, and a later call runs only hooks registered since. Calls made
   * while the hooks are running share the same pass (and its `onError`).
   */
  runExitHooks(onError: (error: unknown) => void = () => {}): Promise<void> {
    this.#exiting ??= this.#drainExitHooks(onError).finally(() => {
      this.#exiting = undefined;
    });
    return this.#exiting;
  }

  async #drainExitHooks(onError: (error: unknown) => void): Promise<void> {
    for (let hook = this.#exit.pop(); hook !== undefined; hook = this.#exit.pop()) {
      try {
        await hook();
      } catch (error) {
        onError(error);
      }
    }
  }
}
