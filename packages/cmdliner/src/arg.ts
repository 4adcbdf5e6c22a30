/**
 * Argument specifications (Cmdliner's `Arg` terms): `flag`, `flagAll`, `opt`, `optional`, `optAll`
 * and `required`. A specification is data: a command line evaluates it (mirage-runtime's `registerArg`
 * gives the getter of its value; functoria's `key` names it for the configuration).
 *
 * @packageDocumentation
 */

import { type ArgInfo, checkNames } from "./arg-info.js";
import type { Converter } from "./converter.js";
import { type Dialect, quotedDialect } from "./dialect.js";
import {
  alternatives,
  environmentParse,
  flagWithValue,
  invalidValue,
  optionNeedsValue,
  optionParse,
  optionRepeated,
  requiredMissing,
} from "./messages.js";
import { optionName } from "./option-name.js";
import type { ParseResult } from "./parse-result.js";

/**
 * Which constructor built an argument.
 *
 * @public
 */
export type ArgKind = "flag" | "flagAll" | "opt" | "optional" | "required" | "optAll";

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
  /**
   * The index in `argv` of the word that names it, as Cmdliner numbers occurrences: set by the
   * scanner, so that options read together (`--eval`, `--no-eval`) can be put back in command-line order.
   */
  readonly position?: number | undefined;
}

/**
 * What {@link opt} takes besides its converter, default and info.
 *
 * @public
 */
export interface OptOptions<T> {
  /**
   * The value of the option given without one (Cmdliner's `~vopt`): the option's value becomes
   * optional, `--help` as well as `--help=plain`. A separate word is still taken as its value.
   */
  readonly vopt?: T | undefined;
}

/**
 * An argument: its names and documentation, and how its value is computed from the command line.
 *
 * @public
 */
export interface Arg<T> {
  /** Which constructor built it. */
  readonly kind: ArgKind;
  /** Names and documentation. */
  readonly info: ArgInfo;
  /** The converter of one value; none for a flag. */
  readonly converter: Converter<unknown> | undefined;
  /** Whether the option takes a value. */
  readonly syntax: ArgSyntax;
  /** The metavariable `--help` shows for the value. */
  readonly docv: string;
  /** What `--help` prints in parentheses after the option (`absent=0`, `required`), or empty. */
  readonly note: string;
  /**
   * Computes the value from the option's occurrences, in command-line order, and the value of its
   * environment variable (`info.env`) if set; returns a Cmdliner-worded message on a bad value
   * (in {@link quotedDialect} unless `dialect` says otherwise). With neither, the value is the
   * default, or the `required option … is missing` error.
   */
  evaluate(occurrences: readonly Occurrence[], environment: string | undefined, dialect?: Dialect): ParseResult<T>;
  /** Prints a value the way the command line writes it (for `describe` and defaults in `--help`). */
  print(value: T): string;
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
function atMostOnce(occurrences: readonly Occurrence[], dialect: Dialect): ParseResult<Occurrence | undefined> {
  const [first, second] = occurrences;
  if (first !== undefined && second !== undefined) {
    return fail(optionRepeated(first.name, second.name, dialect));
  }
  return ok(first);
}

function parseOccurrence<T>(
  conv: Converter<T>,
  occurrence: Occurrence,
  dialect: Dialect,
  vopt?: { readonly value: T },
): ParseResult<T> {
  if (occurrence.value === undefined) {
    return vopt === undefined ? fail(optionNeedsValue(occurrence.name, dialect)) : ok(vopt.value);
  }
  const parsed = conv.parse(occurrence.value);
  return parsed.ok ? parsed : fail(optionParse(occurrence.name, parsed.error, dialect));
}

function parseEnvironment<T>(conv: Converter<T>, info: ArgInfo, environment: string, dialect: Dialect): ParseResult<T> {
  const parsed = conv.parse(environment);
  return parsed.ok ? parsed : fail(environmentParse(info.env ?? "", parsed.error, dialect));
}

/** The value of a value-taking option given at most once: from the command line, else the environment. */
function singleValue<T>(
  conv: Converter<T>,
  info: ArgInfo,
  occurrences: readonly Occurrence[],
  environment: string | undefined,
  dialect: Dialect,
  vopt?: { readonly value: T },
): ParseResult<T | undefined> {
  const once = atMostOnce(occurrences, dialect);
  if (!once.ok) return once;
  if (once.value !== undefined) return parseOccurrence(conv, once.value, dialect, vopt);
  return environment === undefined ? ok(undefined) : parseEnvironment(conv, info, environment, dialect);
}

/** The fields every value-taking argument shares; `evaluate` and `print` are its own. */
function valueArg<T, V>(
  kind: ArgKind,
  conv: Converter<V>,
  info: ArgInfo,
  note: string,
  evaluate: Arg<T>["evaluate"],
  print: Arg<T>["print"],
): Arg<T> {
  checkNames(info.names);
  const converter = conv as Converter<unknown>;
  return { kind, info, converter, syntax: "value", docv: docvOf(info, conv), note, evaluate, print };
}

/**
 * An option with a value and a default: `--delay=3`, or `defaultValue` when absent. With
 * `options.vopt`, the value may be left out (`--help` as well as `--help=plain`) and is then `vopt`.
 *
 * @example
 * ```ts
 * const port = opt(intConv, 8080, info(["port"], { doc: "The port to listen on." }));
 * const help = opt(enumConv([["plain", "plain"], ["groff", "groff"]]), "plain", info(["help"]), { vopt: "plain" });
 * ```
 *
 * @public
 */
export function opt<T>(conv: Converter<T>, defaultValue: T, info: ArgInfo, options: OptOptions<T> = {}): Arg<T> {
  const vopt = options.vopt === undefined ? undefined : { value: options.vopt };
  const arg = valueArg(
    "opt",
    conv,
    info,
    vopt === undefined ? absentNote(info, conv.print(defaultValue)) : `default=${conv.print(vopt.value)}`,
    (occurrences, environment, dialect = quotedDialect) => {
      const value = singleValue(conv, info, occurrences, environment, dialect, vopt);
      if (!value.ok) return value;
      return ok(value.value === undefined ? defaultValue : value.value);
    },
    (value) => conv.print(value),
  );
  return vopt === undefined ? arg : { ...arg, syntax: "optional-value" };
}

/**
 * An option with a value and no default: `undefined` when absent (Cmdliner's `opt (some' c) None`).
 *
 * @public
 */
export function optional<T>(conv: Converter<T>, info: ArgInfo): Arg<T | undefined> {
  return valueArg(
    "optional",
    conv,
    info,
    absentNote(info, ""),
    (occurrences, environment, dialect = quotedDialect) => singleValue(conv, info, occurrences, environment, dialect),
    (value) => (value === undefined ? "" : conv.print(value)),
  );
}

/**
 * An option that must be given (Cmdliner's `required & opt (some conv) None`): its value is a `T`, and
 * evaluating it without the option fails with `required option --x is missing`.
 *
 * @public
 */
export function required<T>(conv: Converter<T>, info: ArgInfo): Arg<T> {
  const sample = optionName(info.names.find((name) => name.length > 1) ?? info.names[0] ?? "");
  return valueArg(
    "required",
    conv,
    info,
    "required",
    (occurrences, environment, dialect = quotedDialect) => {
      const value = singleValue(conv, info, occurrences, environment, dialect);
      if (!value.ok) return value;
      return value.value === undefined ? fail(requiredMissing(sample)) : ok(value.value);
    },
    (value) => conv.print(value),
  );
}

/**
 * A repeatable option collecting every value in command-line order: `--peer=a --peer=b` gives
 * `["a", "b"]`; `defaultValue` when absent (`[]` when left out, as functoria's keys write it).
 *
 * @public
 */
export function optAll<T>(conv: Converter<T>, defaultValue: readonly T[], info: ArgInfo): Arg<readonly T[]>;
/**
 * A repeatable option collecting every value in command-line order, `[]` when absent.
 *
 * @public
 */
export function optAll<T>(conv: Converter<T>, info: ArgInfo): Arg<readonly T[]>;
export function optAll<T>(
  conv: Converter<T>,
  defaultOrInfo: readonly T[] | ArgInfo,
  maybeInfo?: ArgInfo,
): Arg<readonly T[]> {
  const [defaultValue, info] = isInfo(defaultOrInfo) ? [[], defaultOrInfo] : [defaultOrInfo, maybeInfo];
  if (info === undefined) throw new TypeError("optAll needs the argument's info");
  const evaluate: Arg<readonly T[]>["evaluate"] = (occurrences, environment, dialect = quotedDialect) => {
    if (occurrences.length === 0) {
      if (environment === undefined) return ok(defaultValue);
      const parsed = parseEnvironment(conv, info, environment, dialect);
      return parsed.ok ? ok([parsed.value]) : parsed;
    }
    const values: T[] = [];
    for (const occurrence of occurrences) {
      const parsed = parseOccurrence(conv, occurrence, dialect);
      if (!parsed.ok) return parsed;
      values.push(parsed.value);
    }
    return ok(values);
  };
  const print = (values: readonly T[]) => values.map((value) => conv.print(value)).join(",");
  return valueArg("optAll", conv, info, absentNote(info, ""), evaluate, print);
}

function isInfo<T>(value: readonly T[] | ArgInfo): value is ArgInfo {
  return !Array.isArray(value);
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

/** A flag's environment variable, read leniently; `false` when unset. */
function flagEnvironment(info: ArgInfo, environment: string | undefined, dialect: Dialect): ParseResult<boolean> {
  if (environment === undefined) return ok(false);
  const truth = environmentTruth.get(environment.toLowerCase());
  if (truth !== undefined) return ok(truth);
  const expected = alternatives(["true", "yes", "false", "no"], dialect);
  return fail(environmentParse(info.env ?? "", invalidValue(environment, expected, dialect), dialect));
}

/** `true` for a flag given bare, the "is a flag" error for one given a value. */
function flagOccurrence(occurrence: Occurrence, dialect: Dialect): ParseResult<boolean> {
  return occurrence.value === undefined ? ok(true) : fail(flagWithValue(occurrence.name, occurrence.value, dialect));
}

function flagArg<T>(kind: ArgKind, info: ArgInfo, evaluate: Arg<T>["evaluate"]): Arg<T> {
  checkNames(info.names);
  const note = absentNote(info, "");
  return { kind, info, converter: undefined, syntax: "flag", docv: "", note, evaluate, print: String };
}

/**
 * A flag: `true` when given (`--verbose`), `false` otherwise. A flag takes no value and cannot be
 * repeated.
 *
 * @public
 */
export function flag(info: ArgInfo): Arg<boolean> {
  return flagArg("flag", info, (occurrences, environment, dialect = quotedDialect) => {
    const once = atMostOnce(occurrences, dialect);
    if (!once.ok) return once;
    return once.value === undefined ? flagEnvironment(info, environment, dialect) : flagOccurrence(once.value, dialect);
  });
}

/**
 * A repeatable flag (Cmdliner's `flag_all`): one `true` per occurrence (`-v -v` gives
 * `[true, true]`), else the environment variable's truth if it is true, else `[]`. Each occurrence
 * takes no value.
 *
 * @beta
 */
export function flagAll(info: ArgInfo): Arg<readonly boolean[]> {
  return flagArg("flagAll", info, (occurrences, environment, dialect = quotedDialect) => {
    if (occurrences.length === 0) {
      const truth = flagEnvironment(info, environment, dialect);
      return truth.ok ? ok(truth.value ? [true] : []) : truth;
    }
    const values: boolean[] = [];
    for (const occurrence of occurrences) {
      const given = flagOccurrence(occurrence, dialect);
      if (!given.ok) return given;
      values.push(given.value);
    }
    return ok(values);
  });
}
