/**
 * The two wordings of Cmdliner's messages found in mirage-ts, and whether unique prefixes are read.
 *
 * @packageDocumentation
 */

/**
 * How messages quote names and values and offer hints, and whether a unique prefix of an option name
 * or an enumerated value stands for it. The parsing rules are otherwise the same in every dialect.
 *
 * @public
 */
export interface Dialect {
  /** Quotes a name or a value in a message (`'--delay'` or `--delay`). */
  readonly quote: (text: string) => string;
  /** What follows a complaint when some candidates are a typo away (`. Did you mean 'x'?`). */
  readonly didYouMean: (alternatives: string) => string;
  /** The words of the "too many arguments" message before the stray words. */
  readonly dontKnow: string;
  /** Whether a unique prefix names an option or an enumerated value (`--tar` for `--target`). */
  readonly prefixes: boolean;
}

/**
 * Cmdliner's current plain wording, which a unikernel's command line speaks: names and values in
 * single quotes, `. Did you mean …?`, and no prefix matching (Cmdliner 2 dropped it).
 *
 * @public
 */
export const quotedDialect: Dialect = Object.freeze({
  quote: (text: string) => `'${text}'`,
  didYouMean: (alternatives: string) => `. Did you mean ${alternatives}?`,
  dontKnow: "don't know",
  prefixes: false,
});

/**
 * The wording of the `mirage` tool, as upstream functoria's expect tests print it: names and values
 * bare, `, did you mean …?`, and unique prefixes of options and values accepted (Cmdliner 1).
 *
 * @public
 */
export const bareDialect: Dialect = Object.freeze({
  quote: (text: string) => text,
  didYouMean: (alternatives: string) => `, did you mean ${alternatives}?`,
  dontKnow: "dont know",
  prefixes: true,
});
