/**
 * How a platform's `Main.run` ends, the same on every platform: the exit hooks run once, after the
 * iteration that asked to exit (as Lwt's loop returns only after a whole iteration), then what the run
 * registered is released, then the platform is told the status. Later requests are ignored.
 *
 * @packageDocumentation
 */

import { ExitRequest, StartupError } from "./exit.js";

/**
 * What {@link MainExit} needs from the platform.
 *
 * @beta
 */
export interface MainExitHost {
  /** Runs `task` after the current iteration (Node's `setImmediate`, a page's zero-delay timer). */
  afterIteration(task: () => void): void;
  /** Writes a report on the standard error. */
  writeError(text: string): void;
  /**
   * How an exit hook's failure (and, unless {@link MainExitHost.describeFatal} says otherwise, a fatal
   * error) is printed.
   */
  describe(error: unknown): string;
  /** How a fatal error is printed, if not as {@link MainExitHost.describe} does. */
  describeFatal?(error: unknown): string;
  /** Ends the run with `code`, once the hooks ran and everything was released. */
  done(code: number): void;
}

/**
 * Checks an exit code given by the application.
 *
 * @throws RangeError if `code` is not an integer from 0 to 255.
 * @beta
 */
export function checkExitCode(code: number): number {
  if (!Number.isInteger(code) || code < 0 || code > 255) {
    throw new RangeError(`exit code must be an integer from 0 to 255, got ${String(code)}`);
  }
  return code;
}

/**
 * The end of one run of a platform's main loop.
 *
 * @beta
 */
export class MainExit {
  readonly #hooks: { runExitHooks(onError: (error: unknown) => void): Promise<void> };
  readonly #host: MainExitHost;
  readonly #releases: (() => void)[] = [];
  readonly #reported = new WeakSet<object>();
  #exiting = false;

  constructor(hooks: { runExitHooks(onError: (error: unknown) => void): Promise<void> }, host: MainExitHost) {
    this.#hooks = hooks;
    this.#host = host;
  }

  /** Whether the exit hooks are running (or have run). */
  get exiting(): boolean {
    return this.#exiting;
  }

  /** Registers what the run set up (listeners, a keep-alive), undone before {@link MainExitHost.done}. */
  onRelease(...releases: (() => void)[]): void {
    this.#releases.push(...releases);
  }

  /** Runs the exit hooks after this iteration, then releases and ends with `code`; later requests are ignored. */
  exit(code: number): void {
    if (this.#exiting) return;
    this.#exiting = true;
    this.#host.afterIteration(() => {
      void this.#hooks
        .runExitHooks((error) => this.#host.writeError(`Exit hook failed: ${this.#host.describe(error)}\n`))
        .then(() => {
          for (const release of this.#releases.splice(0)) release();
          this.#host.done(code);
        });
    });
  }

  /**
   * Ends the run on `error`: an {@link ExitRequest} exits with its code; anything else is reported as
   * `Fatal error: …` (even while exiting: an exit hook's background failure must not vanish) and
   * exits with `code`. A {@link StartupError} is reported by its message alone, on every platform, and
   * exits with its own `exitCode` when it has one (64 for a bad argument a device refused at start).
   * One error reaching the run two ways (a device throws it, and `start` awaited a promise it
   * rejected) is reported once.
   */
  fail(error: unknown, code: number): void {
    if (error instanceof ExitRequest) {
      this.exit(error.code);
      return;
    }
    if (typeof error === "object" && error !== null) {
      if (this.#reported.has(error)) {
        this.exit(code);
        return;
      }
      this.#reported.add(error);
    }
    const host = this.#host;
    const described =
      error instanceof StartupError
        ? error.message
        : host.describeFatal === undefined
          ? host.describe(error)
          : host.describeFatal(error);
    host.writeError(`Fatal error: ${described}\n`);
    this.exit(error instanceof StartupError ? (error.exitCode ?? code) : code);
  }
}
