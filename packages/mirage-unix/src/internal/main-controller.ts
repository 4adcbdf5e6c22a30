/**
 * The life cycle behind `Main.run`, written against a small host interface so that tests can drive
 * it without ending the test process: wait for the application's promise, an explicit exit, a signal
 * or an uncaught error; then run the exit hooks once, to completion; then exit with the code.
 *
 * @packageDocumentation
 */

import { inspect } from "node:util";
import { MainExit } from "@mirage-ts/mirage-runtime";
import { exitCodes } from "../exit-codes.js";
import type { MainHooks } from "../main-loop.js";
import { ListenError } from "../socket-stack/listen-error.js";
import { setIterationHooks } from "./iteration.js";

/** The signals that end a unikernel after its exit hooks ran. */
export type ExitSignal = "SIGINT" | "SIGTERM";

/** What the controller needs from the process; each registration returns its removal. */
export interface MainHost {
  onSignal(signal: ExitSignal, handler: () => void): () => void;
  onUncaught(handler: (error: unknown) => void): () => void;
  /** Keeps the event loop alive while the application's promise is pending, as Lwt's loop would block. */
  keepAlive(): () => void;
  writeError(text: string): void;
  exit(code: number): void;
}

const signalCodes: Readonly<Record<ExitSignal, number>> = { SIGINT: exitCodes.sigint, SIGTERM: exitCodes.sigterm };

function describe(value: unknown): string {
  return inspect(value, { depth: 4 });
}

/** A fatal error's report: the message alone for a failure the user caused and can fix, else the whole error. */
function describeFatal(error: unknown): string {
  return error instanceof ListenError ? error.message : describe(error);
}

/** One run of the main loop. */
export class MainController {
  readonly #hooks: MainHooks;
  readonly #host: MainHost;
  readonly #end: MainExit;

  constructor(hooks: MainHooks, host: MainHost) {
    this.#hooks = hooks;
    this.#host = host;
    this.#end = new MainExit(hooks, {
      afterIteration: (task) => setImmediate(task),
      writeError: (text) => host.writeError(text),
      describe,
      describeFatal,
      done: (code) => {
        setIterationHooks(undefined);
        host.exit(code);
      },
    });
  }

  /** Whether the exit hooks are running (or have run). */
  get exiting(): boolean {
    return this.#end.exiting;
  }

  /** Starts waiting for `promise` and for the events that end the run. */
  start(promise: Promise<unknown>): void {
    setIterationHooks(this.#hooks);
    this.#end.onRelease(
      this.#host.keepAlive(),
      this.#host.onSignal("SIGINT", () => this.#onSignal("SIGINT")),
      this.#host.onSignal("SIGTERM", () => this.#onSignal("SIGTERM")),
      this.#host.onUncaught((error) => this.#end.fail(error, exitCodes.uncaughtError)),
    );
    promise.then(
      () => this.exit(exitCodes.success),
      (error: unknown) => this.#end.fail(error, exitCodes.uncaughtError),
    );
  }

  /**
   * Runs the exit hooks, then exits with `code`; later requests are ignored. The hooks start from
   * `setImmediate`, after the leave-iteration hooks of the iteration that asked to exit.
   */
  exit(code: number): void {
    this.#end.exit(code);
  }

  #onSignal(signal: ExitSignal): void {
    const code = signalCodes[signal];
    if (this.#end.exiting) {
      // A second signal is the user insisting: do not wait for exit hooks that may be stuck.
      this.#host.writeError(`${signal} received while running exit hooks: exiting now\n`);
      this.#host.exit(code);
      return;
    }
    this.exit(code);
  }
}
