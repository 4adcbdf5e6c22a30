/**
 * Splits a command line into option occurrences and positional words, Cmdliner's way:
 * `--name=value`, `--name value`, `-x value`, `-xvalue`, and `--` ending the options; in a dialect
 * with prefixes, a unique prefix of a long option names it (Cmdliner 1's legacy prefixes).
 *
 * @packageDocumentation
 */

import type { Arg, Occurrence } from "./arg.js";
import { type Dialect, quotedDialect } from "./dialect.js";
import { matchPrefix } from "./match-prefix.js";
import { ambiguousName, unknownOption } from "./messages.js";
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
 * How {@link scanCommandLine} treats what it does not know.
 *
 * @beta
 */
export interface ScanOptions {
  /**
   * Skip unknown and ambiguous options instead of failing (Cmdliner's `peek_opts`): a tool reads a
   * few options before it knows them all. Default false.
   */
  readonly peek?: boolean | undefined;
}

/** The argument a written option name stands for: the exact name, else a unique prefix if the dialect reads them. */
function lookUp(
  name: string,
  word: string,
  byName: ReadonlyMap<string, Arg<unknown>>,
  dialect: Dialect,
): ParseResult<Arg<unknown>> {
  const exact = byName.get(name);
  if (exact !== undefined) return { ok: true, value: exact };
  if (dialect.prefixes && name.startsWith("--")) {
    const found = matchPrefix(
      name,
      [...byName.keys()].filter((known) => known.startsWith("--")),
    );
    const arg = found.kind === "found" ? byName.get(found.name) : undefined;
    if (arg !== undefined) return { ok: true, value: arg };
    if (found.kind === "ambiguous") {
      // Cmdliner lists the candidates sorted.
      return { ok: false, error: ambiguousName("option", name, [...found.candidates].sort(), dialect) };
    }
  }
  return { ok: false, error: unknownOption(name, suggestOption(word, [...byName.keys()]), dialect) };
}

/**
 * Scans `argv` (without the program name). An option whose value is not attached takes the next
 * word unless that word looks like an option (an optional value too, as in Cmdliner); a missing
 * value, a flag given a value and a repeated option are reported later, by the argument. The first
 * unknown or ambiguous option is the error, unless `options.peek` skips them.
 *
 * @beta
 */
export function scanCommandLine(
  argv: readonly string[],
  byName: ReadonlyMap<string, Arg<unknown>>,
  dialect: Dialect = quotedDialect,
  options: ScanOptions = {},
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
    const position = i;
    let { name, value } = splitOption(word);
    const found = lookUp(name, word, byName, dialect);
    if (!found.ok) {
      if (options.peek === true) continue;
      return found;
    }
    const arg = found.value;
    const next = argv[i + 1];
    if (value === undefined && arg.syntax !== "flag" && next !== undefined && !isOptionLike(next)) {
      value = next;
      i++;
    }
    const list = occurrences.get(arg) ?? [];
    list.push({ name, value, position });
    occurrences.set(arg, list);
  }
  return { ok: true, value: { occurrences, positionals } };
}
