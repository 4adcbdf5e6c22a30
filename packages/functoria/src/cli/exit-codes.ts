/**
 * The exit codes of the tool, documented in every help page (EXIT STATUS). 123 to 125 follow
 * Cmdliner's conventions, as upstream's tool does.
 *
 * @packageDocumentation
 */

/**
 * Exit codes.
 *
 * @public
 */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** An action failed: missing configuration file, file-system or command error. */
  actionError: 1,
  /** The configuration raised an error while loading or evaluating (`config.ts`, DSL checks). */
  configError: 123,
  /** Command-line parsing error. */
  cliError: 124,
  /** Unexpected internal error (a bug). */
  internalError: 125,
} as const;

/**
 * One of the {@link (ExitCode:variable)} values.
 *
 * @public
 */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
