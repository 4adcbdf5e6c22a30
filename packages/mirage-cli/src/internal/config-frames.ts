/**
 * Where in `config.ts` an error was thrown: the loader enables source maps before importing the
 * compiled configuration, so the frames of its stack name the original files, lines and columns;
 * the first frame in one of the configuration's own sources (not in a package) locates the error,
 * even when it was thrown by the DSL or the engine that config.ts called wrongly.
 */

import { relative } from "node:path";

let sources: ReadonlySet<string> = new Set();

/** Records the files the configuration was compiled from (absolute paths). */
export function setConfigSources(files: Iterable<string>): void {
  sources = new Set(files);
}

// `at f (/p/config.ts:3:15)`, `at /p/config.ts:5:1`, `at async file:///p/config.ts:5:1`.
const FRAME = /^\s*at (?:.*?\()?(?:file:\/\/)?(\/[^():]+|[A-Za-z]:[^():]+):(\d+):(\d+)\)?$/u;

/** `config.ts:3:15`: the place in the configuration's sources `error` was thrown from, if any. */
export function configLocation(error: unknown): string | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (stack === undefined) return undefined;
  for (const line of stack.split("\n")) {
    const frame = FRAME.exec(line);
    if (frame === null) continue;
    const [, file = "", row, column] = frame;
    if (sources.has(decodeURIComponent(file))) return `${relative(process.cwd(), file)}:${row}:${column}`;
  }
  return undefined;
}
