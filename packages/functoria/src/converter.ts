/**
 * Converters between command-line strings and configure-time key values (upstream uses
 * Cmdliner's `Arg.conv`). Error texts follow Cmdliner's, e.g. `invalid value x, expected
 * either y or z`, so they read the same as upstream's in `<tool>: option -t: <error>`.
 *
 * @packageDocumentation
 */

import { suggest } from "./internal/suggest.js";

/**
 * The outcome of parsing one command-line value.
 *
 * @public
 */
export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/**
 * Parses and prints the values of a key.
 *
 * @public
 */
export interface Converter<T> {
  /** The default meta-variable shown in help (`VAL`, `INT`, `BOOL`, `ENUM`...). */
  readonly docv: string;
  /** Parses a command-line value. */
  parse(text: string): ParseResult<T>;
  /** Prints a value the way the command line writes it (used by describe and help). */
  print(value: T): string;
}

/**
 * Formats alternatives like Cmdliner: `a`, `either a or b`, `one of a, b or c`.
 *
 * @public
 */
export function formatAlternatives(alternatives: readonly string[]): string {
  if (alternatives.length <= 1) return alternatives[0] ?? "";
  if (alternatives.length === 2) return `either ${alternatives[0]} or ${alternatives[1]}`;
  const init = alternatives.slice(0, -1).join(", ");
  return `one of ${init} or ${alternatives[alternatives.length - 1]}`;
}

/**
 * What follows the complaint about an unknown `text`, as in Cmdliner's `err_unknown`: `did you
 * mean build?` when some of `names` are a typo away from it, else `otherwise`.
 *
 * @internal
 */
export function unknownHint(text: string, names: readonly string[], otherwise: string): string {
  const hints = suggest(text, names);
  return hints.length > 0 ? `did you mean ${formatAlternatives(hints)}?` : otherwise;
}

/**
 * Looks `text` up among `names` like Cmdliner's enumerations and sub-commands: an exact match
 * wins, otherwise a unique prefix is accepted.
 *
 * @public
 */
export function matchPrefix(
  text: string,
  names: readonly string[],
):
  | { readonly kind: "found"; readonly name: string }
  | { readonly kind: "unknown" }
  | { readonly kind: "ambiguous"; readonly candidates: readonly string[] } {
  if (names.includes(text)) return { kind: "found", name: text };
  const candidates = text === "" ? [] : names.filter((n) => n.startsWith(text));
  if (candidates.length === 1) return { kind: "found", name: candidates[0] ?? text };
  if (candidates.length === 0) return { kind: "unknown" };
  return { kind: "ambiguous", candidates };
}

const stringConverter: Converter<string> = {
  docv: "VAL",
  parse: (text) => ({ ok: true, value: text }),
  print: (value) => value,
};

const intConverter: Converter<number> = {
  docv: "INT",
  parse: (text) =>
    /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/u.test(text) &&
    Number.isSafeInteger(Number(text.replace(/^\+/u, "")))
      ? { ok: true, value: Number(text.replace(/^\+/u, "")) }
      : { ok: false, error: `invalid value ${text}, expected an integer` },
  print: (value) => String(value),
};

const boolConverter: Converter<boolean> = {
  docv: "BOOL",
  parse: (text) =>
    text === "true"
      ? { ok: true, value: true }
      : text === "false"
        ? { ok: true, value: false }
        : { ok: false, error: `invalid value ${text}, expected either true or false` },
  print: (value) => String(value),
};

function enumeration<const T>(cases: readonly (readonly [string, T])[], docv = "ENUM"): Converter<T> {
  if (cases.length === 0) throw new TypeError("conv.enumeration: at least one case is needed");
  const names = cases.map(([name]) => name);
  return {
    docv,
    parse(text) {
      const found = matchPrefix(text, names);
      if (found.kind === "found") {
        const entry = cases.find(([name]) => name === found.name);
        if (entry !== undefined) return { ok: true, value: entry[1] };
      }
      if (found.kind === "ambiguous") {
        return {
          ok: false,
          error: `invalid value ${text}, ambiguous and could be ${formatAlternatives(found.candidates)}`,
        };
      }
      return {
        ok: false,
        error: `invalid value ${text}, ${unknownHint(text, names, `expected ${formatAlternatives(names)}`)}`,
      };
    },
    print(value) {
      const entry = cases.find(([, v]) => Object.is(v, value));
      return entry === undefined ? String(value) : entry[0];
    },
  };
}

function list<T>(element: Converter<T>, separator = ","): Converter<readonly T[]> {
  return {
    docv: `${element.docv}${separator}…`,
    parse(text) {
      const values: T[] = [];
      for (const part of text === "" ? [] : text.split(separator)) {
        const parsed = element.parse(part);
        if (!parsed.ok) return parsed;
        values.push(parsed.value);
      }
      return { ok: true, value: values };
    },
    print: (values) => values.map((v) => element.print(v)).join(separator),
  };
}

/**
 * The standard converters.
 *
 * @public
 */
export const conv: {
  /** Any string. */
  readonly string: Converter<string>;
  /** A safe integer (decimal, or `0x`/`0o`/`0b` prefixed). */
  readonly int: Converter<number>;
  /** `true` or `false`. */
  readonly bool: Converter<boolean>;
  /**
   * One of the named cases; unique prefixes are accepted, as with Cmdliner's `enum`.
   * `cases` maps each command-line name to its value.
   */
  readonly enumeration: <const T>(cases: readonly (readonly [string, T])[], docv?: string) => Converter<T>;
  /** A `separator`-separated list (default `,`). */
  readonly list: <T>(element: Converter<T>, separator?: string) => Converter<readonly T[]>;
} = { string: stringConverter, int: intConverter, bool: boolConverter, enumeration, list };
