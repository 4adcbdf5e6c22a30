/**
 * `ParseResult`: the value-or-message outcome of converting a command-line string.
 *
 * @packageDocumentation
 */

/**
 * The outcome of parsing text: the value, or an error message naming the problem (Cmdliner's
 * `('a, string) result`). It has the shape of mirage-types' `Result<T, string>`, so parsers written
 * for that type plug in unchanged.
 *
 * @public
 */
export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };
