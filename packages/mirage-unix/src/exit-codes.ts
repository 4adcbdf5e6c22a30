/**
 * The exit codes of a unikernel on the unix platform.
 *
 * @packageDocumentation
 */

import {
  type ExitStatus,
  argumentError,
  exitStatuses,
  exitSuccess,
  helpVersion,
  internalError,
} from "@mirage-ts/mirage-runtime";

/**
 * The exit codes of a unikernel on the unix platform, as {@link Main.run} ends the process.
 *
 * - `success` (0): the application's promise resolved.
 * - `helpVersion` (63), `argumentError` (64), `internalError` (125): the run-time arguments asked to
 *   exit (`--help` or `--version`, a bad command line, a converter bug), through mirage-runtime's
 *   `ExitRequest`.
 * - `sigint` (130) and `sigterm` (143): the process got SIGINT or SIGTERM (128 + the signal number,
 *   the shell's convention).
 * - `uncaughtError` (255): the promise rejected, or an exception or a rejection went unhandled; the
 *   error's message and stack are printed on standard error first.
 *
 * {@link Main.exit} and `ExitRequest` can also ask for any code from 0 to 255.
 *
 * @public
 */
export const exitCodes = Object.freeze({
  success: exitSuccess,
  helpVersion,
  argumentError,
  internalError,
  sigint: 130,
  sigterm: 143,
  uncaughtError: 255,
} as const);

/**
 * The exit statuses a unikernel documents in `--help` on the unix platform (given to
 * mirage-runtime's `withArgv` by the generated entry): the runtime's, with the signals of
 * {@link exitCodes} before 255, and none that only another platform returns.
 *
 * @beta
 */
export const unixExitStatuses: readonly ExitStatus[] = Object.freeze([
  ...exitStatuses.filter((status) => status.code !== exitCodes.uncaughtError),
  { code: exitCodes.sigint, doc: "on SIGINT (interrupted), after the exit hooks ran." },
  { code: exitCodes.sigterm, doc: "on SIGTERM (terminated), after the exit hooks ran." },
  {
    code: exitCodes.uncaughtError,
    doc: "on uncaught exception, a listener that cannot bind its port, or a start-up failure it names.",
  },
]);
