/**
 * `Main`: the main loop of a page. It drives a unikernel's promise, runs the runtime's iteration hooks
 * around each dispatch of platform events, runs the exit hooks once on every way out, and reports the
 * exit status to the page (a page cannot end itself as a process does).
 *
 * @packageDocumentation
 */

import { MainExit, checkExitCode, runtime } from "@mirage-ts/mirage-runtime";
import { setIterationHooks } from "./internal/iteration.js";
import { browserOutput } from "./output.js";

/**
 * The hook runners {@link Main.run} calls: mirage-runtime's `Hooks` class has them.
 *
 * @beta
 */
export interface MainHooks {
  /** Runs the enter-iteration hooks. */
  runEnterIterHooks(): void;
  /** Runs the leave-iteration hooks. */
  runLeaveIterHooks(): void;
  /** Runs the exit hooks once, each awaited, reporting failures to `onError`. */
  runExitHooks(onError?: (error: unknown) => void): Promise<void>;
}

/**
 * Options of {@link Main.run}.
 *
 * @beta
 */
export interface MainOptions {
  /** The hooks to run; the unikernel's runtime's (`runtime.hooks`) by default. */
  readonly hooks?: MainHooks;
  /** Writes the report of a fatal error; the page's standard error by default. */
  readonly writeError?: (text: string) => void;
  /** Receives the exit status once the exit hooks ran; by default {@link reportExit}. */
  readonly onExit?: (code: number) => void;
}

/**
 * The name of the event {@link reportExit} dispatches on `globalThis` (a `CustomEvent` whose
 * `detail` is the exit status).
 *
 * @beta
 */
export const EXIT_EVENT = "mirage-exit";

/**
 * Tells the page that the unikernel ended with `code`: the document element gets the attribute
 * `data-mirage-exit="<code>"`, and a {@link EXIT_EVENT} event is dispatched on `globalThis`.
 *
 * @beta
 */
export function reportExit(code: number): void {
  if (typeof document !== "undefined") document.documentElement.setAttribute("data-mirage-exit", String(code));
  if (typeof globalThis.dispatchEvent === "function")
    globalThis.dispatchEvent(new CustomEvent(EXIT_EVENT, { detail: code }));
}

function describe(error: unknown): string {
  if (error instanceof Error)
    return error.stack?.includes(error.message) ? error.stack : `${error.name}: ${error.message}\n${error.stack ?? ""}`;
  return String(error);
}

class MainController {
  readonly #hooks: MainHooks;
  readonly #end: MainExit;

  constructor(options: MainOptions) {
    this.#hooks = options.hooks ?? runtime.hooks;
    const writeError = options.writeError ?? ((text: string) => browserOutput().err(text));
    const onExit = options.onExit ?? reportExit;
    this.#end = new MainExit(this.#hooks, {
      // A timer, after the leave-iteration hooks of the iteration that asked to exit.
      afterIteration: (task) => setTimeout(task, 0),
      writeError,
      describe,
      done: (code) => {
        setIterationHooks(undefined);
        current = undefined;
        onExit(code);
      },
    });
  }

  start(promise: Promise<unknown>): void {
    setIterationHooks(this.#hooks);
    const onError = (event: ErrorEvent): void => this.#end.fail(event.error ?? event.message, 255);
    const onRejection = (event: PromiseRejectionEvent): void => this.#end.fail(event.reason, 255);
    // A page's global object is an EventTarget; a worker's too. Elsewhere (tests on Node) there is
    // nothing to listen to.
    if (typeof globalThis.addEventListener === "function") {
      globalThis.addEventListener("error", onError);
      globalThis.addEventListener("unhandledrejection", onRejection);
      this.#end.onRelease(() => {
        globalThis.removeEventListener("error", onError);
        globalThis.removeEventListener("unhandledrejection", onRejection);
      });
    }
    promise.then(
      () => this.exit(0),
      (error: unknown) => this.#end.fail(error, 255),
    );
  }

  exit(code: number): void {
    this.#end.exit(code);
  }
}

let current: MainController | undefined;

/**
 * The main loop of the browser platform.
 *
 * @beta
 */
export const Main = {
  /**
   * Runs the unikernel whose work is `promise`. Around each dispatch of platform events (timers of
   * {@link browserSleep} and {@link browserClock}, frames of a network device) the enter-iteration
   * hooks run before the event and the leave-iteration hooks in the next task. The exit hooks run
   * once, each awaited in turn, when the promise settles, on {@link Main.exit} or an `ExitRequest`,
   * and on an uncaught error or unhandled rejection in the page (reported as `Fatal error: ...`,
   * status 255); then the status goes to `onExit` ({@link reportExit} by default).
   *
   * @throws Error if the main loop is already running
   */
  run(promise: Promise<unknown>, options: MainOptions = {}): void {
    if (current !== undefined) throw new Error("Main.run: the main loop is already running");
    current = new MainController(options);
    current.start(promise);
  },
  /**
   * Ends the unikernel with `code` (0 by default) after running the exit hooks, as OCaml's `exit`.
   *
   * @throws RangeError if `code` is not an integer from 0 to 255
   * @throws Error if {@link Main.run} is not running
   */
  exit(code = 0): void {
    checkExitCode(code);
    if (current === undefined) throw new Error("Main.exit: the main loop is not running (call Main.run first)");
    current.exit(code);
  },
} as const;
