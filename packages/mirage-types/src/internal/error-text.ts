/**
 * The error printers (upstream's `pp_error` functions) as tables: each kind of an error union has its
 * text, or a function of the error for kinds that carry data, and a `msg` error prints its own
 * message, as every upstream printer prints `` `Msg ``.
 */

import type { MsgError } from "../device.js";

/**
 * The text of each kind of the error union `E` but `msg`: a string, or a function of the error for
 * kinds that carry data. A kind missing from the table is a type error, as a missing `case` is.
 */
export type ErrorTexts<E extends { readonly kind: string }> = {
  readonly [K in Exclude<E["kind"], "msg">]: string | ((error: Extract<E, { readonly kind: K }>) => string);
};

/** Prints `error` with the text `texts` gives its kind; a `msg` error prints its message. */
export function printError<E extends { readonly kind: string }>(error: E, texts: ErrorTexts<E>): string {
  if (error.kind === "msg") return (error as unknown as MsgError).message;
  const text = texts[error.kind as Exclude<E["kind"], "msg">] as string | ((error: E) => string);
  return typeof text === "string" ? text : text(error);
}
