/**
 * Converters between command-line strings and typed values (Cmdliner's `Arg.conv`), with the
 * standard ones: strings, integers, floats, booleans, enumerations and separated lists.
 *
 * @packageDocumentation
 */

import { type Dialect, quotedDialect } from "./dialect.js";
import { matchPrefix } from "./match-prefix.js";
import { alternatives, ambiguousValue, invalidValue, unknownValue } from "./messages.js";
import type { ParseResult } from "./parse-result.js";
import { suggest } from "./suggest.js";

/**
 * Parses a command-line string into a `T` and prints a `T` back (for defaults shown by `--help`).
 *
 * @public
 */
export interface Converter<T> {
  /** The metavariable `--help` shows for the value (`INT`); empty means the generic `VAL`. */
  readonly docv: string;
  /** Parses `text`, or returns a message naming the problem (`invalid value 'x', expected …`). */
  parse(text: string): ParseResult<T>;
  /** Prints `value` the way `parse` reads it. */
  print(value: T): string;
}

/**
 * What {@link makeConv} needs to build a converter.
 *
 * @public
 */
export interface ConverterSpec<T> {
  /** The metavariable shown by `--help`; defaults to `VAL`. */
  readonly docv?: string;
  /** Parses `text` into a value or a message naming the problem. */
  readonly parse: (text: string) => ParseResult<T>;
  /** Prints a value back; defaults to `String(value)`. */
  readonly print?: (value: T) => string;
}

/**
 * Builds a custom converter from a parse function and a print function.
 *
 * @example
 * ```ts
 * const port = makeConv<number>({
 *   docv: "PORT",
 *   parse: (text) => {
 *     const n = Number(text);
 *     return Number.isInteger(n) && n > 0 && n < 65536
 *       ? { ok: true, value: n }
 *       : { ok: false, error: `invalid value '${text}', expected a port number` };
 *   },
 * });
 * ```
 *
 * @public
 */
export function makeConv<T>(spec: ConverterSpec<T>): Converter<T> {
  return { docv: spec.docv ?? "", parse: spec.parse, print: spec.print ?? String };
}

function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

function fail<T>(error: string): ParseResult<T> {
  return { ok: false, error };
}

// OCaml's int_of_string syntax: an optional sign, decimal or 0x/0o/0b digits, `_` separators.
const integerSyntax = /^[-+]?(?:0[xX][0-9a-fA-F][0-9a-fA-F_]*|0[oO][0-7][0-7_]*|0[bB][01][01_]*|[0-9][0-9_]*)$/;

function parseIntegerLiteral(text: string): number | undefined {
  if (!integerSyntax.test(text)) return undefined;
  const negative = text.startsWith("-");
  const digits = text.replace(/^[-+]/, "").replaceAll("_", "");
  // Number() reads 0x/0o/0b prefixes but not a sign in front of them, hence the split.
  const magnitude = Number(digits);
  if (!Number.isSafeInteger(magnitude)) return undefined;
  return negative ? -magnitude : magnitude;
}

const decimalFloat = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?$/;
const specialFloat = /^([-+]?)(inf|infinity|nan)$/i;

/**
 * The standard converters, their messages in one {@link Dialect}.
 *
 * @beta
 */
export interface StandardConverters {
  /** Any string, unchanged. */
  readonly string: Converter<string>;
  /** A safe integer, in decimal or with a `0x`, `0o` or `0b` prefix (`_` separators allowed). */
  readonly int: Converter<number>;
  /** A floating point number (`1`, `-2.5`, `1e-3`, `inf`, `nan`). */
  readonly float: Converter<number>;
  /** `true` or `false`. */
  readonly bool: Converter<boolean>;
  /**
   * One of a fixed set of words, each standing for a value; a unique prefix stands for its word
   * where the dialect reads prefixes.
   */
  readonly enumeration: <T>(choices: readonly (readonly [word: string, value: T])[], docv?: string) => Converter<T>;
  /** A `separator`-separated list of `element` values; empty elements are skipped, as Cmdliner does. */
  readonly list: <T>(element: Converter<T>, separator?: string) => Converter<readonly T[]>;
}

/**
 * Builds the standard converters speaking `dialect`.
 *
 * @beta
 */
export function standardConverters(dialect: Dialect): StandardConverters {
  const enumeration = <T>(choices: readonly (readonly [word: string, value: T])[], docv = ""): Converter<T> => {
    if (choices.length === 0) throw new TypeError("an enumeration converter needs at least one choice");
    const words = choices.map(([word]) => word);
    return makeConv({
      docv,
      parse: (text) => {
        const found = dialect.prefixes ? matchPrefix(text, words) : { kind: "unknown" as const };
        const word = words.includes(text) ? text : found.kind === "found" ? found.name : undefined;
        const choice = choices.find(([candidate]) => candidate === word);
        if (choice !== undefined) return ok(choice[1]);
        if (found.kind === "ambiguous") return fail(ambiguousValue(text, found.candidates, dialect));
        return fail(unknownValue(text, suggest(text, words), alternatives(words, dialect), dialect));
      },
      print: (value) => choices.find(([, candidate]) => Object.is(candidate, value))?.[0] ?? String(value),
    });
  };
  const list = <T>(element: Converter<T>, separator = ","): Converter<readonly T[]> =>
    makeConv({
      docv: `${element.docv === "" ? "VAL" : element.docv}${separator}…`,
      parse: (text) => {
        const values: T[] = [];
        for (const item of text.split(separator)) {
          if (item === "") continue;
          const parsed = element.parse(item);
          if (!parsed.ok) return parsed;
          values.push(parsed.value);
        }
        return ok(values);
      },
      print: (values) => values.map((value) => element.print(value)).join(separator),
    });
  return {
    string: makeConv({ parse: (text) => ok(text) }),
    int: makeConv({
      docv: "INT",
      parse: (text) => {
        const value = parseIntegerLiteral(text);
        return value === undefined ? fail(invalidValue(text, "an integer", dialect)) : ok(value);
      },
    }),
    float: makeConv({
      docv: "FLOAT",
      parse: (text) => {
        const special = specialFloat.exec(text);
        if (special !== null) {
          if (special[2]?.toLowerCase() === "nan") return ok(Number.NaN);
          return ok(special[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
        }
        return decimalFloat.test(text)
          ? ok(Number(text.replaceAll("_", "")))
          : fail(invalidValue(text, "a floating point number", dialect));
      },
    }),
    bool: makeConv({
      docv: "BOOL",
      parse: (text) => {
        if (text === "true") return ok(true);
        if (text === "false") return ok(false);
        return fail(invalidValue(text, alternatives(["true", "false"], dialect), dialect));
      },
    }),
    enumeration,
    list,
  };
}

const quoted = standardConverters(quotedDialect);

/**
 * Any string, unchanged.
 *
 * @public
 */
export const stringConv: Converter<string> = quoted.string;

/**
 * A safe integer, in decimal or with a `0x`, `0o` or `0b` prefix (`_` separators allowed).
 *
 * @public
 */
export const intConv: Converter<number> = quoted.int;

/**
 * A floating point number (`1`, `-2.5`, `1e-3`, `inf`, `nan`).
 *
 * @public
 */
export const floatConv: Converter<number> = quoted.float;

/**
 * `true` or `false`.
 *
 * @public
 */
export const boolConv: Converter<boolean> = quoted.bool;

/**
 * One of a fixed set of words, each standing for a value.
 *
 * @param choices - the accepted words and their values, in the order error messages list them
 * @param docv - the metavariable shown by `--help`
 * @public
 */
export function enumConv<T>(choices: readonly (readonly [word: string, value: T])[], docv = ""): Converter<T> {
  return quoted.enumeration(choices, docv);
}

/**
 * A `separator`-separated list of `element` values; empty elements are skipped, as Cmdliner does.
 *
 * @public
 */
export function listConv<T>(element: Converter<T>, separator = ","): Converter<readonly T[]> {
  return quoted.list(element, separator);
}
