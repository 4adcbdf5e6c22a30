/**
 * The converters of configure-time keys: Cmdliner's (from `@mirage-ts/cmdliner`) in the `mirage`
 * tool's wording, e.g. `invalid value x, expected either y or z`, so they read the same as
 * upstream's in `<tool>: option -t: <error>`, with unique prefixes of enumerated values accepted.
 *
 * @packageDocumentation
 */

import { type Converter, alternatives, bareDialect, standardConverters } from "@mirage-ts/cmdliner";

/**
 * Formats alternatives like Cmdliner, unquoted: `a`, `either a or b`, `one of a, b or c`.
 *
 * @public
 */
export function formatAlternatives(choices: readonly string[]): string {
  return alternatives(choices, bareDialect);
}

const bare = standardConverters(bareDialect);

/**
 * The standard converters, in the tool's wording.
 *
 * @public
 */
export const conv: {
  /** Any string. */
  readonly string: Converter<string>;
  /** A safe integer (decimal, or `0x`/`0o`/`0b` prefixed, `_` separators allowed). */
  readonly int: Converter<number>;
  /** `true` or `false`. */
  readonly bool: Converter<boolean>;
  /**
   * One of the named cases; unique prefixes are accepted, as with Cmdliner 1's `enum`.
   * `cases` maps each command-line name to its value; `docv` is `ENUM` by default.
   */
  readonly enumeration: <const T>(cases: readonly (readonly [string, T])[], docv?: string) => Converter<T>;
  /** A `separator`-separated list (default `,`); empty elements are skipped. */
  readonly list: <T>(element: Converter<T>, separator?: string) => Converter<readonly T[]>;
} = {
  string: bare.string,
  int: bare.int,
  bool: bare.bool,
  enumeration: (cases, docv = "ENUM") => bare.enumeration(cases, docv),
  list: bare.list,
};
