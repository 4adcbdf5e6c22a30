/**
 * `Channel`: buffered reading and writing over a flow (`Mirage_channel.S`).
 *
 * @packageDocumentation
 */

import type { FlowWriteError, OrEof, ReadResult } from "./flow.js";
import { printError } from "./internal/error-text.js";
import type { Result } from "./result.js";

/**
 * Channel errors: a flow that broke its contract, an over-long line, or an error of the flow below.
 *
 * @typeParam E - the flow's error union.
 * @public
 */
export type ChannelError<E> =
  | { readonly kind: "read_zero" }
  | { readonly kind: "line_too_long" }
  | { readonly kind: "flow"; readonly error: E };

/**
 * A buffered channel over a flow with read errors `E` and write errors `WE`.
 *
 * @public
 */
export interface Channel<E = never, WE = FlowWriteError> {
  /** Reads one byte. */
  readChar(): Promise<Result<ReadResult, ChannelError<E>>>;
  /** Reads what is buffered or arrives next, at most `length` bytes if given. */
  readSome(length?: number): Promise<Result<ReadResult, ChannelError<E>>>;
  /** Reads exactly `length` bytes, as one or more buffers; end-of-file if the flow ends first. */
  readExactly(length: number): Promise<Result<OrEof<readonly Uint8Array[]>, ChannelError<E>>>;
  /**
   * Reads a line ended by LF or CRLF (or end-of-file), without the terminator, as a list of buffers;
   * `line_too_long` past `maxLength` bytes.
   */
  readLine(maxLength?: number): Promise<Result<OrEof<readonly Uint8Array[]>, ChannelError<E>>>;
  /** Buffers one byte for writing. */
  writeChar(char: number): void;
  /** Buffers `length` bytes of `text` (UTF-8 encoded) from `offset`. */
  writeString(text: string, offset?: number, length?: number): void;
  /** Buffers a byte buffer for writing. */
  writeBuffer(buffer: Uint8Array): void;
  /** Buffers `line` and a newline. */
  writeLine(line: string): void;
  /** Sends everything buffered. */
  flush(): Promise<Result<void, ChannelError<WE>>>;
  /** Flushes, then closes the flow. */
  close(): Promise<Result<void, ChannelError<WE>>>;
}

/**
 * Prints a channel error with upstream's text; flow errors go through `printFlowError`.
 *
 * @public
 */
export function ppChannelError<E>(error: ChannelError<E>, printFlowError: (error: E) => string): string {
  return printError(error, {
    read_zero: "FLOW.read returned 0 bytes in violation of the specification",
    line_too_long: "Unable to read a line because it is too long",
    flow: (flow) => printFlowError(flow.error),
  });
}
