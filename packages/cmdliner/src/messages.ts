/**
 * The texts of command-line errors in Cmdliner's words, in a {@link Dialect}'s quoting.
 *
 * @packageDocumentation
 */

import { type Dialect, quotedDialect } from "./dialect.js";

/**
 * `'a'`, `either 'a' or 'b'`, `one of 'a', 'b' or 'c'` (quoted as the dialect quotes).
 *
 * @beta
 */
export function alternatives(choices: readonly string[], dialect: Dialect = quotedDialect): string {
  const quoted = choices.map(dialect.quote);
  if (quoted.length <= 1) return quoted[0] ?? "";
  if (quoted.length === 2) return `either ${quoted[0]} or ${quoted[1]}`;
  return `one of ${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

/**
 * A converter's complaint about one value: `invalid value 'x', expected an integer`.
 *
 * @beta
 */
export function invalidValue(text: string, expected: string, dialect: Dialect = quotedDialect): string {
  return `invalid value ${dialect.quote(text)}, expected ${expected}`;
}

/**
 * A value that is none of `names`: with the ones a typo away as hints, else `expected <expected>`.
 *
 * @beta
 */
export function unknownValue(
  text: string,
  hints: readonly string[],
  expected: string,
  dialect: Dialect = quotedDialect,
): string {
  if (hints.length === 0) return invalidValue(text, expected, dialect);
  return `invalid value ${dialect.quote(text)}${dialect.didYouMean(alternatives(hints, dialect))}`;
}

/**
 * A value that is a prefix of several names: `invalid value uni, ambiguous and could be …`.
 *
 * @beta
 */
export function ambiguousValue(text: string, candidates: readonly string[], dialect: Dialect = quotedDialect): string {
  return `invalid value ${dialect.quote(text)}, ambiguous and could be ${alternatives(candidates, dialect)}`;
}

/**
 * An option, command or other `kind` of name that is a prefix of several: `option --con ambiguous …`.
 *
 * @beta
 */
export function ambiguousName(
  kind: string,
  name: string,
  candidates: readonly string[],
  dialect: Dialect = quotedDialect,
): string {
  return `${kind} ${dialect.quote(name)} ambiguous and could be ${alternatives(candidates, dialect)}`;
}

/**
 * `unknown option '--dela'. Did you mean '--delay'?`, or `unknown option '--zzz'` without hints.
 *
 * @beta
 */
export function unknownOption(name: string, hints: readonly string[], dialect: Dialect = quotedDialect): string {
  const suffix = hints.length === 0 ? "" : dialect.didYouMean(alternatives(hints, dialect));
  return `unknown option ${dialect.quote(name)}${suffix}`;
}

/**
 * `option '--count' needs an argument`.
 *
 * @beta
 */
export function optionNeedsValue(name: string, dialect: Dialect = quotedDialect): string {
  return `option ${dialect.quote(name)} needs an argument`;
}

/**
 * `option '--delay': <error>`: a converter's complaint about the value of an option.
 *
 * @beta
 */
export function optionParse(name: string, error: string, dialect: Dialect = quotedDialect): string {
  return `option ${dialect.quote(name)}: ${error}`;
}

/**
 * `option '-x' cannot be repeated`, or `options '-x' and '--xx' cannot be present at the same time`.
 *
 * @beta
 */
export function optionRepeated(first: string, second: string, dialect: Dialect = quotedDialect): string {
  const q = dialect.quote;
  return first === second
    ? `option ${q(first)} cannot be repeated`
    : `options ${q(first)} and ${q(second)} cannot be present at the same time`;
}

/**
 * `option '-v' is a flag, it cannot take the argument 'x'`.
 *
 * @beta
 */
export function flagWithValue(name: string, value: string, dialect: Dialect = quotedDialect): string {
  return `option ${dialect.quote(name)} is a flag, it cannot take the argument ${dialect.quote(value)}`;
}

/**
 * `required option --name is missing`: the name is bare in every dialect, as in Cmdliner.
 *
 * @beta
 */
export function requiredMissing(name: string): string {
  return `required option ${name} is missing`;
}

/**
 * `environment variable 'PORT': <error>`: a converter's complaint about an environment variable.
 *
 * @beta
 */
export function environmentParse(variable: string, error: string, dialect: Dialect = quotedDialect): string {
  return `environment variable ${dialect.quote(variable)}: ${error}`;
}

/**
 * `too many arguments, don't know what to do with 'a', 'b'`.
 *
 * @beta
 */
export function tooManyArguments(extra: readonly string[], dialect: Dialect = quotedDialect): string {
  return `too many arguments, ${dialect.dontKnow} what to do with ${extra.map(dialect.quote).join(", ")}`;
}

/**
 * `prog: problem`, the first line of an error report; a problem of several lines (several unknown
 * options) has its later lines aligned under the first, as Cmdliner's box prints them.
 *
 * @beta
 */
export function programError(program: string, problem: string): string {
  return `${program}: ${problem.replaceAll("\n", `\n${" ".repeat(program.length + 2)}`)}`;
}
