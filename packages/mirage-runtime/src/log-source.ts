/**
 * Log sources (Logs' `Src` and its `LOG` functions) and the reporter they report to.
 *
 * @packageDocumentation
 */

import type { LogLevel, MessageLevel } from "./log-level.js";

/**
 * A message, or a function computing it. The function is called only when the message passes the
 * source's threshold, so a disabled `debug` costs one comparison and no formatting.
 *
 * @example
 * ```ts
 * log.debug(() => `sent ${describe(segment)}`);
 * ```
 *
 * @public
 */
export type LogMessage = string | (() => string);

/**
 * Tag values attached to a message, printed by the default reporter as ` name=value`.
 *
 * @public
 */
export type LogTags = Readonly<Record<string, string | number | bigint | boolean>>;

/**
 * Optional parts of a message.
 *
 * @public
 */
export interface LogOptions {
  /** Replaces the level in the report's header (`[HEADER]` instead of `[INFO]`). */
  readonly header?: string;
  /** Tags printed with the message. */
  readonly tags?: LogTags;
}

/**
 * A message that passed its source's threshold, as given to the reporter.
 *
 * @public
 */
export interface LogEvent {
  /** The name of the source. */
  readonly source: string;
  /** The level of the message. */
  readonly level: MessageLevel;
  /** The message text. */
  readonly message: string;
  /** The header replacing the level, if any. */
  readonly header?: string;
  /** The tags, if any. */
  readonly tags?: LogTags;
}

/**
 * Receives every reported message (Logs' `reporter`).
 *
 * @public
 */
export type Reporter = (event: LogEvent) => void;

/**
 * A named source of log messages with its own threshold, created by {@link LogRegistry.source}
 * (usually through {@link logSource}).
 *
 * @example
 * ```ts
 * const log = logSource("tcp", "TCP flows");
 * log.info("listening on port 80");
 * log.debug(() => `segment ${describe(segment)}`);
 * ```
 *
 * @public
 */
export interface LogSource {
  /** The source's name, as `-l` addresses it (`-l tcp:debug`). */
  readonly name: string;
  /** What the source logs. */
  readonly doc: string;
  /** The source's threshold. */
  level: LogLevel;
  /** Whether a message at `level` would be reported. */
  enabled(level: MessageLevel): boolean;
  /** Reports `message` at `level` if it passes the threshold. */
  msg(level: MessageLevel, message: LogMessage, options?: LogOptions): void;
  /** Reports at level `app`. */
  app(message: LogMessage, options?: LogOptions): void;
  /** Reports at level `error`. */
  err(message: LogMessage, options?: LogOptions): void;
  /** Reports at level `warning`. */
  warn(message: LogMessage, options?: LogOptions): void;
  /** Reports at level `info`. */
  info(message: LogMessage, options?: LogOptions): void;
  /** Reports at level `debug`. */
  debug(message: LogMessage, options?: LogOptions): void;
}
