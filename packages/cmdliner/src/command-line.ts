/**
 * Splits a command line into option occurrences and positional words, Cmdliner's way:
 * `--name=value`, `--name value`, `-x value`, `-xvalue`, short flags grouped (`-vq` is `-v -q`,
 * `-vp8080` and `-vp 8080` are `-v -p 8080`), and `--` ending the options; in a dialect with
 * prefixes, a unique prefix of a long option names it (Cmdliner 1's legacy prefixes).
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
 * A command line scanned to its end, past unknown and ambiguous options (which are skipped), as
 * Cmdliner scans it before it looks for `--help` and `--version`.
 *
 * @beta
 */
export interface WholeScan extends ScannedCommandLine {
  /** The errors of the unknown and ambiguous options, in command-line order (none when peeking). */
  readonly errors: readonly string[];
}

/**
 * Scans `argv` (without the program name) to its end. An option whose value is not attached takes
 * the next word unless that word looks like an option (an optional value too, as in Cmdliner); a
 * short flag with more letters in its word leaves them, behind a dash, to be read as the next word
 * (Cmdliner's dash sharing: `-vq` is `-v -q`, `-vp8080` is `-v -p8080`). A missing value, a flag
 * given a value and a repeated option are reported later, by the argument; an unknown or ambiguous
 * option is skipped, its error collected unless `options.peek`.
 *
 * @beta
 */
export function scanWholeCommandLine(
  argv: readonly string[],
  byName: ReadonlyMap<string, Arg<unknown>>,
  dialect: Dialect = quotedDialect,
  options: ScanOptions = {},
): WholeScan {
  const occurrences = new Map<Arg<unknown>, Occurrence[]>();
  const positionals: string[] = [];
  const errors: string[] = [];
  const record = (arg: Arg<unknown>, occurrence: Occurrence): void => {
    const list = occurrences.get(arg) ?? [];
    list.push(occurrence);
    occurrences.set(arg, list);
  };
  for (let i = 0; i < argv.length; i++) {
    const position = i;
    // The word, then what a short flag leaves of it: a dash and the rest, so an option-like word too.
    let word: string | undefined = argv[i] ?? "";
    if (!isOptionLike(word)) {
      positionals.push(word);
      continue;
    }
    while (word !== undefined) {
      if (word === "--") {
        positionals.push(...argv.slice(i + 1));
        return { occurrences, positionals, errors };
      }
      const { name, value } = splitOption(word);
      const found = lookUp(name, word, byName, dialect);
      word = undefined;
      if (!found.ok) {
        if (options.peek !== true) errors.push(found.error);
        continue;
      }
      const arg = found.value;
      if (value !== undefined && arg.syntax === "flag" && !name.startsWith("--")) {
        record(arg, { name, value: undefined, position });
        word = `-${value}`;
        continue;
      }
      const next = argv[i + 1];
      if (value === undefined && arg.syntax !== "flag" && next !== undefined && !isOptionLike(next)) {
        record(arg, { name, value: next, position });
        i++;
      } else {
        record(arg, { name, value, position });
      }
    }
  }
  return { occurrences, positionals, errors };
}

/**
 * Scans `argv` as {@link scanWholeCommandLine} does; the unknown and ambiguous options are the
 * error (one line each, in command-line order), unless `options.peek` skips them.
 *
 * @beta
 */
export function scanCommandLine(
  argv: readonly string[],
  byName: ReadonlyMap<string, Arg<unknown>>,
  dialect: Dialect = quotedDialect,
  options: ScanOptions = {},
): ParseResult<ScannedCommandLine> {
  const { errors, ...scanned } = scanWholeCommandLine(argv, byName, dialect, options);
  return errors.length === 0 ? { ok: true, value: scanned } : { ok: false, error: errors.join("\n") };
}
