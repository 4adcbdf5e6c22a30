/**
 * `Main`: the unix main loop (`Unix_os.Main`). It drives a unikernel's promise, runs the runtime's
 * iteration hooks around each dispatch of platform events, runs the exit hooks once on every way out,
 * and ends the process with a documented exit code.
 *
 * @packageDocumentation
 */

import { checkExitCode, runtime } from "@mirage-ts/mirage-runtime";
import { exitCodes } from "./exit-codes.js";
import { MainController, type MainHost } from "./internal/main-controller.js";

/**
 * Options of {@link Main.run}.
 *
 * @public
 */
export interface MainOptions {
  /**
   * The hooks to run: an object with mirage-runtime's `Hooks` runners. By default the unikernel's
   * runtime's (`runtime.hooks`), where `atEnterIter`, `atLeaveIter` and `atExit` register.
   */
  readonly hooks?: MainHooks;
}

/**
 * The hook runners {@link Main.run} calls: mirage-runtime's `Hooks` class has them.
 *
 * @public
 */
export interface MainHooks {
  /** Runs the enter-iteration hooks. */
  runEnterIterHooks(): void;
  /** Runs the leave-iteration hooks. */
  runLeaveIterHooks(): void;
  /** Runs the exit hooks once, each awaited, reporting failures to `onError`. */
  runExitHooks(onError?: (error: unknown) => void): Promise<void>;
}

const nodeHost: MainHost = {
  onSignal(signal, handler) {
    process.on(signal, handler);
    return () => process.off(signal, handler);
  },
  onUncaught(handler) {
    const listener = (error: unknown): void => handler(error);
    process.on("uncaughtException", listener);
    return () => process.off("uncaughtException", listener);
  },
  keepAlive() {
    const timer = setInterval(() => {}, 2 ** 30);
    return () => clearInterval(timer);
  },
  writeError(text) {
    process.stderr.write(text);
  },
  exit(code) {
    process.exit(code);
  },
};

let current: MainController | undefined;

/**
 * The main loop of the unix platform.
 *
 * @public
 */
export const Main = {
  /**
   * Runs the unikernel whose work is `promise` and ends the process when it is over; see
   * {@link exitCodes} for the codes.
   *
   * Around each dispatch of platform events (timers of {@link unixSleep}, frames of a network
   * device, console input, host socket activity) the enter-iteration hooks run before the first event
   * of a turn of Node's event loop and the leave-iteration hooks after that turn. The exit hooks run
   * once, each awaited in turn (newest first), when the promise resolves or rejects, on
   * {@link Main.exit} or an `ExitRequest`, on SIGINT or SIGTERM, and on an uncaught exception or
   * unhandled rejection; a second signal while they run exits at once. The process stays alive while
   * the promise is pending, as Lwt's loop would block, even when nothing else is scheduled.
   *
   * @throws Error if the main loop is already running
   */
  run(promise: Promise<unknown>, options: MainOptions = {}): void {
    if (current !== undefined) throw new Error("Main.run: the main loop is already running");
    current = new MainController(options.hooks ?? runtime.hooks, nodeHost);
    current.start(promise);
  },

  /**
   * Ends the unikernel with `code` (0 by default) after running the exit hooks, as OCaml's `exit`.
   *
   * @throws RangeError if `code` is not an integer from 0 to 255
   * @throws Error if {@link Main.run} is not running
   */
  exit(code: number = exitCodes.success): void {
    checkExitCode(code);
    if (current === undefined) throw new Error("Main.exit: the main loop is not running (call Main.run first)");
    current.exit(code);
  },
} as const;
