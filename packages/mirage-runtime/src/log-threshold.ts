/**
 * Log thresholds as written on the command line: `-l *:info,tcp:debug` (Mirage_runtime's
 * `log_threshold` and its converter).
 *
 * @packageDocumentation
 */

import { type Converter, type ParseResult, listConv, makeConv } from "@mirage-ts/cmdliner";
import { type LogLevel, parseLogLevel } from "./log-level.js";

/**
 * A threshold for every source (`info`, `*:info`) or for one source (`tcp:debug`).
 *
 * @public
 */
export type LogThreshold =
  | { readonly kind: "all"; readonly level: LogLevel }
  | { readonly kind: "source"; readonly source: string; readonly level: LogLevel };

/**
 * Parses one threshold: `LEVEL`, `*:LEVEL` or `SOURCE:LEVEL`. Anything else, or an unknown level,
 * fails with `Can't parse log threshold: <text>` (followed by the unknown level's complaint).
 *
 * @public
 */
export function parseLogThreshold(text: string): ParseResult<LogThreshold> {
  const parts = text.split(":");
  const problem = `Can't parse log threshold: ${text}`;
  if (parts.length > 2) return { ok: false, error: problem };
  const [first = "", second] = parts;
  const level = parseLogLevel(second ?? first);
  if (!level.ok) return { ok: false, error: `${problem} (${level.error})` };
  return second === undefined || first === "*"
    ? { ok: true, value: { kind: "all", level: level.value } }
    : { ok: true, value: { kind: "source", source: first, level: level.value } };
}

/**
 * Prints a threshold the way {@link parseLogThreshold} reads it.
 *
 * @public
 */
export function printLogThreshold(threshold: LogThreshold): string {
  return threshold.kind === "all" ? threshold.level : `${threshold.source}:${threshold.level}`;
}

/**
 * The converter of one threshold.
 *
 * @public
 */
export const logThresholdConv: Converter<LogThreshold> = makeConv({
  docv: "LEVEL",
  parse: parseLogThreshold,
  print: printLogThreshold,
});

/**
 * The converter of `-l`'s comma-separated list of thresholds.
 *
 * @public
 */
export const logThresholdsConv: Converter<readonly LogThreshold[]> = listConv(logThresholdConv);
