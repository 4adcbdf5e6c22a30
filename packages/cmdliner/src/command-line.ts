/**
 * Splits a command line into option occurrences and positional words, Cmdliner's way:
 * `--name=value`, `--name value`, `-x value`, `-xvalue`, and `--` ending the options.
 *
 * @packageDocumentation
 */

import type { Arg, Occurrence } from "./arg.js";
import { type Dialect, quotedDialect } from "./dialect.js";
import { unknownOption } from "./messages.js";
import { optionName } from "./option-name.js";
import type { ParseResult } from "./parse-result.js";
import { suggestOption } from "./suggest.js";

/**
 * The occurrences of each known option, and the words that are not options.
 *
 * @beta
 */
export interface ScannedCommandLine {
  /** The occurrences of each argument given, in command-line order. */
  readonly occurrences: ReadonlyMap<Arg<unknown>, readonly Occurrence[]>;
  /** The words that are not options, those after `--` included. */
  readonly positionals: readonly string[];
}

/**
 * Indexes arguments by every name they answer to, as written (`-l`, `--logs`).
 *
 * @beta
 */
export function indexByName(args: readonly Arg<unknown>[]): Map<string, Arg<unknown>> {
  const index = new Map<string, Arg<unknown>>();
  for (const arg of args) {
    for (const name of arg.info.names) index.set(optionName(name), arg);
  }
  return index;
}

/**
 * Whether a word is an option rather than a value: it starts with `-` and is not a lone `-` (which
 * conventionally names standard input).
 *
 * @beta
 */
export function isOptionLike(word: string): boolean {
  return word.length > 1 && word.startsWith("-");
}

function splitOption(word: string): Occurrence {
  if (word.startsWith("--")) {
    const equals = word.indexOf("=");
    return equals === -1
      ? { name: word, value: undefined }
      : { name: word.slice(0, equals), value: word.slice(equals + 1) };
  }
  return { name: word.slice(0, 2), value: word.length > 2 ? word.slice(2) : undefined };
}

/**
 * Scans `argv` (without the program name). An option whose value is not attached takes the next
 * word unless that word looks like an option; a missing value is reported later, by the argument.
 *
 * @beta
 */
export function scanCommandLine(
  argv: readonly string[],
  byName: ReadonlyMap<string, Arg<unknown>>,
  dialect: Dialect = quotedDialect,
): ParseResult<ScannedCommandLine> {
  const occurrences = new Map<Arg<unknown>, Occurrence[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? "";
    if (word === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!isOptionLike(word)) {
      positionals.push(word);
      continue;
    }
    let { name, value } = splitOption(word);
    const arg = byName.get(name);
    if (arg === undefined) {
      return { ok: false, error: unknownOption(name, suggestOption(word, [...byName.keys()]), dialect) };
    }
    const next = argv[i + 1];
    if (value === undefined && arg.syntax !== "flag" && next !== undefined && !isOptionLike(next)) {
      value = next;
      i++;
    }
    const list = occurrences.get(arg) ?? [];
    list.push({ name, value });
    occurrences.set(arg, list);
  }
  return { ok: true, value: { occurrences, positionals } };
}
