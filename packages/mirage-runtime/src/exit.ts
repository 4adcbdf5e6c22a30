/**
 * Exit statuses of a unikernel and the `ExitRequest` that asks the platform to exit with one.
 *
 * The runtime is platform neutral and cannot end the process itself: where Mirage calls `exit`, this
 * package throws an {@link ExitRequest} and the platform's main loop turns it into the process exit code.
 *
 * @packageDocumentation
 */

import type { ExitStatus } from "@mirage-ts/cmdliner";

/**
 * Exit status on success.
 *
 * @public
 */
export const exitSuccess = 0;

/**
 * Exit status after `--help` or `--version` printed their text (Mirage's `help_version`).
 *
 * @public
 */
export const helpVersion = 63;

/**
 * Exit status on a command-line parsing error (Mirage's `argument_error`).
 *
 * @public
 */
export const argumentError = 64;

/**
 * Exit status when parsing the boot parameters failed on a bug (Cmdliner's `internal_error`).
 *
 * @public
 */
export const internalError = 125;

/**
 * The exit statuses of every unikernel, in the order `--help` lists them (upstream texts; 255 names
 * an uncaught exception rather than an OCaml one). Upstream also lists `1 on Solo5 internal error`,
 * which only a Solo5 platform returns: a platform adds its own codes through
 * {@link WithArgvOptions.exitStatuses}.
 *
 * @public
 */
export const exitStatuses: readonly ExitStatus[] = Object.freeze([
  { code: exitSuccess, doc: "on success." },
  { code: helpVersion, doc: "on showing this help." },
  { code: argumentError, doc: "on any argument parsing error." },
  {
    code: internalError,
    doc: "on unexpected internal errors (bugs) while processing the boot parameters.",
  },
  { code: 255, doc: "on uncaught exception." },
]);

/**
 * Thrown by {@link RuntimeArgs.withArgv} after it wrote its output, to ask the platform to end the
 * unikernel with `code` (63 after help or version, 64 after a parsing error, 125 after an internal
 * error). It is a request, not a failure: the platform's main loop catches it and exits with `code`.
 *
 * @public
 */
export class ExitRequest extends Error {
  /** The exit status the platform should use. */
  readonly code: number;

  /** Builds a request to exit with `code`. */
  constructor(code: number) {
    super(`exit with status ${code} requested`);
    this.name = "ExitRequest";
    this.code = code;
  }
}

/**
 * A failure at start that the operator caused and can fix without reading code (a missing or bad
 * certificate, a directory that is not there, two listeners given one port): its message names the
 * problem and the fix, so the platform prints `Fatal error: ` and the message alone, without a stack,
 * and ends the unikernel with its {@link StartupError.exitCode}, else 255 as for any uncaught error.
 *
 * @beta
 */
export class StartupError extends Error {
  /** The exit status the platform ends with; `undefined`: the platform's for an uncaught error (255). */
  readonly exitCode: number | undefined;

  /**
   * Builds the error; `cause` (kept for debugging) is not printed. `exitCode` is the exit status when it
   * is not the platform's for an uncaught error (255): a value the user gave that a device refuses only
   * when it starts (a network interface it cannot use) is a bad argument, {@link argumentError} (64), as
   * it would be had the command line's parser refused it.
   *
   * @throws RangeError if `exitCode` is not an integer from 1 to 255.
   */
  constructor(message: string, options: { readonly cause?: unknown; readonly exitCode?: number } = {}) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    const code = options.exitCode;
    if (code !== undefined && !(Number.isInteger(code) && code >= 1 && code <= 255))
      throw new RangeError(`StartupError: exitCode must be an integer from 1 to 255, got ${String(code)}`);
    this.name = "StartupError";
    this.exitCode = code;
  }
}
