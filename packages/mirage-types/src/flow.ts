/**
 * `Flow`: a bidirectional byte stream (`Mirage_flow.S`), the shape of TCP connections, consoles and
 * channels.
 *
 * @packageDocumentation
 */

import { printError } from "./internal/error-text.js";
import type { Result } from "./result.js";

/**
 * Some data, or the end of the stream (`Mirage_flow.or_eof`).
 *
 * @public
 */
export type OrEof<T> = { readonly kind: "data"; readonly data: T } | { readonly kind: "eof" };

/**
 * What a flow read gives: some bytes, or the end of the stream.
 *
 * @public
 */
export type ReadResult = OrEof<Uint8Array>;

/**
 * The shared end-of-file value.
 *
 * @public
 */
export const eof: { readonly kind: "eof" } = Object.freeze({ kind: "eof" });

/**
 * Wraps data as a read result.
 *
 * @public
 */
export function data<T>(value: T): OrEof<T> {
  return { kind: "data", data: value };
}

/**
 * The write error every flow has: writing after the flow (or its write side) was closed.
 *
 * @public
 */
export type FlowWriteError = { readonly kind: "closed" };

/**
 * Which direction(s) `shutdown` closes.
 *
 * @public
 */
export type ShutdownMode = "read" | "write" | "read_write";

/**
 * A bidirectional byte stream.
 *
 * Contract (as `Mirage_flow.S`): a data read carries at least one byte; after end-of-file or an error no
 * read succeeds again; a write after `shutdown("write")` or `close()` fails with `{ kind: "closed" }`; a
 * write resolves once the flow has taken the bytes (they may still be in flight).
 *
 * @typeParam E - the read error union of the implementation.
 * @typeParam WE - the write error union; it always includes {@link FlowWriteError}.
 * @public
 */
export interface Flow<E = never, WE = FlowWriteError> {
  /** Waits for the next bytes, end-of-file, or an error. */
  read(): Promise<Result<ReadResult, E>>;
  /** Writes one buffer. */
  write(buffer: Uint8Array): Promise<Result<void, WE>>;
  /** Writes several buffers as one operation, in order. */
  writev(buffers: readonly Uint8Array[]): Promise<Result<void, WE>>;
  /**
   * Closes one or both directions. Shutting down `write` sends end-of-file to the peer; shutting down
   * `read` makes pending and further reads return end-of-file.
   */
  shutdown(mode: ShutdownMode): Promise<void>;
  /** Closes both directions and releases the flow. */
  close(): Promise<void>;
}

/**
 * Prints a flow write error with upstream's text.
 *
 * @public
 */
export function ppFlowWriteError(error: FlowWriteError): string {
  return printError(error, { closed: "attempted to write to a closed flow" });
}

/**
 * Prints a read result as upstream's `pp_or_eof`: end-of-file as `End-of-file`, data with `printData`.
 *
 * @public
 */
export function ppOrEof<T>(result: OrEof<T>, printData: (value: T) => string): string {
  return result.kind === "eof" ? "End-of-file" : printData(result.data);
}
