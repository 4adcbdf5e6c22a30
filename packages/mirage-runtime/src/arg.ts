/**
 * Run-time argument specifications (Cmdliner's `Arg` terms): `flag`, `opt`, `optional`, `optAll` and
 * `required`. A specification is data: registering it with {@link RuntimeArgs.registerArg} gives
 * the getter of its value.
 *
 * @packageDocumentation
 */

import type { ArgInfo } from "./arg-info.js";
import type { Converter } from "./converter.js";
import {
  alternatives,
  environmentParse,
  flagWithValue,
  invalidValue,
  optionNeedsValue,
  optionParse,
  optionRepeated,
  requiredMissing,
} from "./internal/messages.js";
import { optionName } from "./internal/option-name.js";
import type { ParseResult } from "./parse-result.js";

/**
 * How an option takes its value: never (`--flag`), always (`--opt=v` or `--opt v`), or optionally
 * (`--help` or `--help=plain`).
 *
 * @public
 */
export type ArgSyntax = "flag" | "value" | "optional-value";

/**
 * One appearance of an option on the command line.
 *
 * @public
 */
export interface Occurrence {
  /** The name as written, with its dashes (`-l`, `--logs`). */
  readonly name: string;
  /** The value given with it, if any. */
  readonly value: string | undefined;
}

/**
 * A run-time argument: its names and documentation, and how its value is computed from the command
 * line.
 *
 * @public
 */
export interface Arg<T> {
  /** Names and documentation. */
  readonly info: ArgInfo;
  /** Whether the option takes a value. */
  readonly syntax: ArgSyntax;
  /** The metavariable `--help` shows for the value. */
  readonly docv: string;
  /** What `--help` prints in parentheses after the option (`absent=0`, `required`), or empty. */
  readonly note: string;
  /**
   * Computes the value from the option's occurrences, in command-line order, and the value of its
   * environment variable (`info.env`) if set; returns a Cmdliner-worded message on a bad value.
   */
  evaluate(occurrences: readonly Occurrence[], environment: string | undefined): ParseResult<T>;
}

function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

function fail<T>(error: string): ParseResult<T> {
  return { ok: false, error };
}

function docvOf(info: ArgInfo, conv: Converter<unknown>): string {
  return info.docv ?? (conv.docv === "" ? "VAL" : conv.docv);
}

/** Cmdliner's parenthesised note: `absent=<default>`, plus the environment variable if any. */
function absentNote(info: ArgInfo, printedDefault: string): string {
  if (info.absent !== undefined) return info.absent;
  if (info.env === undefined) return printedDefault === "" ? "" : `absent=${printedDefault}`;
  return printedDefault === "" ? `absent ${info.env} env` : `absent=${printedDefault} or ${info.env} env`;
}

/** The single occurrence of a non-repeatable option, or the "cannot be repeated" error. */
function atMostOnce(occurrences: readonly Occurrence[]): ParseResult<Occurrence | undefined> {
  const [first, second] = occurrences;
  if (first !== undefined && second !== undefined) {
    return fail(optionRepeated(first.name, second.name));
  }
  return ok(first);
}

function parseOccurrence<T>(conv: Converter<T>, occurrence: Occurrence): ParseResult<T> {
  if (occurrence.value === undefined) return fail(optionNeedsValue(occurrence.name));
  const parsed = conv.parse(occurrence.value);
  return parsed.ok ? parsed : fail(optionParse(occurrence.name, parsed.error));
}

function parseEnvironment<T>(conv: Converter<T>, info: ArgInfo, environment: string): ParseResult<T> {
  const parsed = conv.parse(environment);
  return parsed.ok ? parsed : fail(environmentParse(info.env ?? "", parsed.error));
}

/** The value of a value-taking option given at most once: from the command line, else the environment. */
function singleValue<T>(
  conv: Converter<T>,
  info: ArgInfo,
  occurrences: readonly Occurrence[],
  environment: string | undefined,
): ParseResult<T | undefined> {
  const once = atMostOnce(occurrences);
  if (!once.ok) return once;
  if (once.value !== undefined) return parseOccurrence(conv, once.value);
  return environment === undefined ? ok(undefined) : parseEnvironment(conv, info, environment);
}

/**
 * An option with a value and a default: `--delay=3`, or `defaultValue` when absent.
 *
 * @example
 * ```ts
 * const port = opt(intConv, 8080, info(["port"], { doc: "The port to listen on." }));
 * ```
 *
 * @public
 */
export function opt<T>(conv: Converter<T>, defaultValue: T, info: ArgInfo): Arg<T> {
  return {
    info,
    syntax: "value",
    docv: docvOf(info, conv),
    note: absentNote(info, conv.print(defaultValue)),
    evaluate: (occurrences, environment) => {
      const value = singleValue(conv, info, occurrences, environment);
      if (!value.ok) return value;
      return ok(value.value === undefined ? defaultValue : value.value);
    },
  };
}

/**
 * An option with a value and no default: `undefined` when absent (Cmdliner's `opt (some' c) None`).
 *
 * @public
 */
export function optional<T>(conv: Converter<T>, info: ArgInfo): Arg<T | undefined> {
  return {
    info,
    syntax: "value",
    docv: docvOf(info, conv),
    note: absentNote(info, ""),
    evaluate: (occurrences, environment) => singleValue(conv, info, occurrences, environment),
  };
}

/**
 * An option that must be given: parsing fails with `required option --x is missing` otherwise.
 *
 * @public
 */
export function required<T>(conv: Converter<T>, info: ArgInfo): Arg<T> {
  const sample = optionName(info.names.find((name) => name.length > 1) ?? info.names[0] ?? "");
  return {
    info,
    syntax: "value",
    docv: docvOf(info, conv),
    note: "required",
    evaluate: (occurrences, environment) => {
      const value = singleValue(conv, info, occurrences, environment);
      if (!value.ok) return value;
      return value.value === undefined ? fail(requiredMissing(sample)) : ok(value.value);
    },
  };
}

/**
 * A repeatable option collecting every value in command-line order: `--peer=a --peer=b` gives
 * `["a", "b"]`; `defaultValue` when absent.
 *
 * @public
 */
export function optAll<T>(conv: Converter<T>, defaultValue: readonly T[], info: ArgInfo): Arg<readonly T[]> {
  return {
    info,
    syntax: "value",
    docv: docvOf(info, conv),
    note: absentNote(info, ""),
    evaluate: (occurrences, environment) => {
      if (occurrences.length === 0) {
        if (environment === undefined) return ok(defaultValue);
        const parsed = parseEnvironment(conv, info, environment);
        return parsed.ok ? ok([parsed.value]) : parsed;
      }
      const values: T[] = [];
      for (const occurrence of occurrences) {
        const parsed = parseOccurrence(conv, occurrence);
        if (!parsed.ok) return parsed;
        values.push(parsed.value);
      }
      return ok(values);
    },
  };
}

// Cmdliner reads a flag's environment variable leniently.
const environmentTruth: ReadonlyMap<string, boolean> = new Map([
  ["", false],
  ["false", false],
  ["no", false],
  ["n", false],
  ["0", false],
  ["true", true],
  ["yes", true],
  ["y", true],
  ["1", true],
]);

/**
 * A flag: `true` when given (`--verbose`), `false` otherwise. A flag takes no value and cannot be
 * repeated.
 *
 * @public
 */
export function flag(info: ArgInfo): Arg<boolean> {
  return {
    info,
    syntax: "flag",
    docv: "",
    note: absentNote(info, ""),
    evaluate: (occurrences, environment) => {
      const once = atMostOnce(occurrences);
      if (!once.ok) return once;
      const occurrence = once.value;
      if (occurrence !== undefined) {
        return occurrence.value === undefined ? ok(true) : fail(flagWithValue(occurrence.name, occurrence.value));
      }
      if (environment === undefined) return ok(false);
      const truth = environmentTruth.get(environment.toLowerCase());
      return truth === undefined
        ? fail(
            environmentParse(info.env ?? "", invalidValue(environment, alternatives(["true", "yes", "false", "no"]))),
          )
        : ok(truth);
    },
  };
}
