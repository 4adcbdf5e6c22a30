/**
 * The one error shape of every decoder of wire input in this package: decoders return
 * `Result<T, DecodeError<Kind>>` and never throw, whatever the bytes. `kind` is one of a string-literal
 * union per codec, spelled in snake_case like the error kinds of `@mirage-ts/mirage-types`
 * (`truncated`, `bad_checksum`...), and names the counter a layer drops the input under; `message`
 * says what was wrong with this input, for logs.
 *
 * @packageDocumentation
 */

import { type Err, err } from "@mirage-ts/mirage-types";

/**
 * Why a decoder refused its input.
 *
 * @typeParam Kind - the defects the codec can name (a union of snake_case string literals).
 * @public
 */
export interface DecodeError<Kind extends string = string> {
  /** The defect, named after the counter the input is dropped under. */
  readonly kind: Kind;
  /** What was wrong with this input, for logs. */
  readonly message: string;
}

/** The failed result of a decoder: `err({ kind, message })`. */
export function decodeError<Kind extends string>(kind: Kind, message: string): Err<DecodeError<Kind>> {
  return err({ kind, message });
}
