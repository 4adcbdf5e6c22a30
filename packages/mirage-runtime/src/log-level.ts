/**
 * Log levels (Logs' `level` and `level option`): a message has a level, a source has a threshold
 * that may also be `quiet`.
 *
 * @packageDocumentation
 */

import { type ParseResult, alternatives, suggest } from "@mirage-ts/cmdliner";

/**
 * The level of a log message, from the most to the least important.
 *
 * @public
 */
export type MessageLevel = "app" | "error" | "warning" | "info" | "debug";

/**
 * A reporting threshold: messages at this level or more important are reported; `quiet` reports none.
 *
 * @public
 */
export type LogLevel = "quiet" | MessageLevel;

/**
 * Every threshold, from `quiet` to the most verbose, as `-l` accepts them.
 *
 * @public
 */
export const logLevels: readonly LogLevel[] = Object.freeze(["quiet", "app", "error", "warning", "info", "debug"]);

// A message passes when it is at most as verbose as the threshold; `quiet` lets nothing through.
const verbosity: Readonly<Record<LogLevel, number>> = {
  quiet: 0,
  app: 1,
  error: 2,
  warning: 3,
  info: 4,
  debug: 5,
};

/**
 * Whether a message at `level` passes the threshold `threshold`.
 *
 * @public
 */
export function levelEnabled(threshold: LogLevel, level: MessageLevel): boolean {
  return verbosity[level] <= verbosity[threshold];
}

/**
 * Parses a threshold name (`quiet`, `app`, `error`, `warning`, `info`, `debug`), case-sensitively.
 *
 * @public
 */
export function parseLogLevel(text: string): ParseResult<LogLevel> {
  if ((logLevels as readonly string[]).includes(text)) return { ok: true, value: text as LogLevel };
  const hints = suggest(text, logLevels);
  const hint = hints.length === 0 ? "" : `. Did you mean ${alternatives(hints)}?`;
  return { ok: false, error: `${JSON.stringify(text)}: unknown log level${hint}` };
}
