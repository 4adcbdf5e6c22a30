/**
 * Converters between command-line strings and typed values (Cmdliner's `Arg.conv`), with the
 * standard ones: strings, integers, floats, booleans, enumerations and comma-separated lists.
 *
 * @packageDocumentation
 */

import { alternatives, invalidValue, unknownValue } from "./internal/messages.js";
import { suggest } from "./internal/suggest.js";
import type { ParseResult } from "./parse-result.js";

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

/**
 * Any string, unchanged.
 *
 * @public
 */
export const stringConv: Converter<string> = makeConv({ parse: (text) => ok(text) });

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

/**
 * A safe integer, in decimal or with a `0x`, `0o` or `0b` prefix (`_` separators allowed).
 *
 * @public
 */
export const intConv: Converter<number> = makeConv({
  docv: "INT",
  parse: (text) => {
    const value = parseIntegerLiteral(text);
    return value === undefined ? fail(invalidValue(text, "an integer")) : ok(value);
  },
});

const decimalFloat = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?$/;
const specialFloat = /^([-+]?)(inf|infinity|nan)$/i;

/**
 * A floating point number (`1`, `-2.5`, `1e-3`, `inf`, `nan`).
 *
 * @public
 */
export const floatConv: Converter<number> = makeConv({
  docv: "FLOAT",
  parse: (text) => {
    const special = specialFloat.exec(text);
    if (special !== null) {
      if (special[2]?.toLowerCase() === "nan") return ok(Number.NaN);
      return ok(special[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
    }
    return decimalFloat.test(text)
      ? ok(Number(text.replaceAll("_", "")))
      : fail(invalidValue(text, "a floating point number"));
  },
});

/**
 * `true` or `false`.
 *
 * @public
 */
export const boolConv: Converter<boolean> = makeConv({
  docv: "BOOL",
  parse: (text) => {
    if (text === "true") return ok(true);
    if (text === "false") return ok(false);
    return fail(invalidValue(text, alternatives(["true", "false"])));
  },
});

/**
 * One of a fixed set of words, each standing for a value.
 *
 * @param choices - the accepted words and their values, in the order error messages list them
 * @param docv - the metavariable shown by `--help`
 * @public
 */
export function enumConv<T>(choices: readonly (readonly [word: string, value: T])[], docv = ""): Converter<T> {
  if (choices.length === 0) throw new TypeError("enumConv needs at least one choice");
  const words = choices.map(([word]) => word);
  return makeConv({
    docv,
    parse: (text) => {
      const found = choices.find(([word]) => word === text);
      if (found !== undefined) return ok(found[1]);
      const hints = suggest(text, words);
      return fail(hints.length === 0 ? invalidValue(text, alternatives(words)) : unknownValue(text, hints));
    },
    print: (value) => choices.find(([, candidate]) => Object.is(candidate, value))?.[0] ?? String(value),
  });
}

/**
 * A `separator`-separated list of `element` values; empty elements are skipped, as Cmdliner does.
 *
 * @public
 */
export function listConv<T>(element: Converter<T>, separator = ","): Converter<readonly T[]> {
  return makeConv({
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
}
