/**
 * The life cycle behind `Main.run`, written against a small host interface so that tests can drive
 * it without ending the test process: wait for the application's promise, an explicit exit, a signal
 * or an uncaught error; then run the exit hooks once, to completion; then exit with the code.
 *
 * @packageDocumentation
 */

import { inspect } from "node:util";
import { ExitRequest, StartupError } from "@mirage-ts/mirage-runtime";
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
  return error instanceof ListenError || error instanceof StartupError ? error.message : describe(error);
}

/** Checks an exit code given by the application. */
export function checkExitCode(code: number): number {
  if (!Number.isInteger(code) || code < 0 || code > 255) {
    throw new RangeError(`exit code must be an integer from 0 to 255, got ${String(code)}`);
  }
  return code;
}

/** One run of the main loop. */
export class MainController {
  readonly #hooks: MainHooks;
  readonly #host: MainHost;
  readonly #releases: (() => void)[] = [];
  #exiting = false;

  constructor(hooks: MainHooks, host: MainHost) {
    this.#hooks = hooks;
    this.#host = host;
  }

  /** Whether the exit hooks are running (or have run). */
  get exiting(): boolean {
    return this.#exiting;
  }

  /** Starts waiting for `promise` and for the events that end the run. */
  start(promise: Promise<unknown>): void {
    setIterationHooks(this.#hooks);
    this.#releases.push(
      this.#host.keepAlive(),
      this.#host.onSignal("SIGINT", () => this.#onSignal("SIGINT")),
      this.#host.onSignal("SIGTERM", () => this.#onSignal("SIGTERM")),
      this.#host.onUncaught((error) => this.#onError(error)),
    );
    promise.then(
      () => this.exit(exitCodes.success),
      (error: unknown) => this.#onError(error),
    );
  }

  /**
   * Runs the exit hooks, then exits with `code`; later requests are ignored. The hooks start from
   * `setImmediate`, after the leave-iteration hooks of the iteration that asked to exit, as Lwt's loop
   * returns only after a whole iteration.
   */
  exit(code: number): void {
    if (this.#exiting) return;
    this.#exiting = true;
    setImmediate(() => {
      void this.#hooks
        .runExitHooks((error) => this.#host.writeError(`Exit hook failed: ${describe(error)}\n`))
        .then(() => {
          for (const release of this.#releases.splice(0)) release();
          setIterationHooks(undefined);
          this.#host.exit(code);
        });
    });
  }

  #onError(error: unknown): void {
    if (error instanceof ExitRequest) {
      this.exit(error.code);
      return;
    }
    // Reported even while exiting: an error in an exit hook's background work must not vanish.
    this.#host.writeError(`Fatal error: ${describeFatal(error)}\n`);
    this.exit(exitCodes.uncaughtError);
  }

  #onSignal(signal: ExitSignal): void {
    const code = signalCodes[signal];
    if (this.#exiting) {
      // A second signal is the user insisting: do not wait for exit hooks that may be stuck.
      this.#host.writeError(`${signal} received while running exit hooks: exiting now\n`);
      this.#host.exit(code);
      return;
    }
    this.exit(code);
  }
}
