/**
 * The default reporter (Mirage_logs): one line per message,
 * `<RFC 3339 time>:<tags> [<LEVEL>] [<source>] <message>`, written through an injected sink.
 *
 * @packageDocumentation
 */

import type { LogEvent, LogTags, Reporter } from "./log-source.js";

/**
 * The wall clock the reporter stamps messages with; mirage-types' `PClock` fits.
 *
 * @public
 */
export interface LogClock {
  /** The current time. */
  now(): Date;
  /** The local time zone's offset from UTC in seconds, or `undefined` when unknown. */
  currentTzOffsetS(): number | undefined;
}

/**
 * Options of {@link createDefaultReporter}.
 *
 * @public
 */
export interface DefaultReporterOptions {
  /** Receives each report as one line, without the trailing newline (standard error on Unix). */
  readonly sink: (line: string) => void;
  /** The clock for time stamps; the JavaScript `Date` and its local time zone by default. */
  readonly clock?: LogClock;
}

const systemClock: LogClock = {
  now: () => new Date(),
  currentTzOffsetS: () => -new Date().getTimezoneOffset() * 60,
};

// RFC 3339 offsets have minute precision and stay within ±23:59.
const maxTzOffsetS = 86_340;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/**
 * Formats `date` as RFC 3339 to the second, as Ptime's `pp_rfc3339`: local time with its offset
 * (`+01:00`, or `Z` for UTC), or UTC written `-00:00` ("offset unknown") when `tzOffsetS` is
 * `undefined` or cannot be written in minutes within ±23:59.
 *
 * @public
 */
export function formatRfc3339(date: Date, tzOffsetS: number | undefined): string {
  const known = tzOffsetS !== undefined && Math.abs(tzOffsetS) <= maxTzOffsetS && tzOffsetS % 60 === 0;
  const offset = known ? tzOffsetS : 0;
  const local = new Date(Math.floor(date.getTime() / 1000) * 1000 + offset * 1000);
  const stamp =
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  if (known && offset === 0) return `${stamp}Z`;
  const minutes = Math.abs(offset) / 60;
  const sign = !known || offset < 0 ? "-" : "+";
  return `${stamp}${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

const levelHeaders = {
  app: "",
  error: "[ERROR]",
  warning: "[WARNING]",
  info: "[INFO]",
  debug: "[DEBUG]",
} as const;

function formatTags(tags: LogTags | undefined): string {
  if (tags === undefined) return "";
  return Object.entries(tags)
    .map(([name, value]) => ` ${name}=${String(value)}`)
    .join("");
}

/**
 * Formats one report as Mirage_logs does: `2026-11-21T13:00:00Z: [INFO] [tcp] listening`. The level
 * header is Logs_fmt's: empty for `app`, replaced by `[header]` when the message has one.
 *
 * @public
 */
export function formatLogLine(event: LogEvent, time: Date, tzOffsetS: number | undefined): string {
  const header = event.header === undefined ? levelHeaders[event.level] : `[${event.header}]`;
  return `${formatRfc3339(time, tzOffsetS)}:${formatTags(event.tags)} ${header} [${event.source}] ${event.message}`;
}

/**
 * The default reporter: every message becomes one {@link formatLogLine} line given to `sink`.
 *
 * @example
 * ```ts
 * runtime.logs.reporter = createDefaultReporter({ sink: (line) => process.stderr.write(`${line}\n`) });
 * ```
 *
 * @public
 */
export function createDefaultReporter(options: DefaultReporterOptions): Reporter {
  const clock = options.clock ?? systemClock;
  return (event) => {
    options.sink(formatLogLine(event, clock.now(), clock.currentTzOffsetS()));
  };
}
