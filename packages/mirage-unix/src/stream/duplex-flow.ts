/**
 * A mirage `Flow` over a `node:stream` Duplex (the inverse of `flowDuplex`): what a Node library
 * hands back (a `tls.TLSSocket`, an HTTP/2 stream) used where a unikernel expects a flow.
 *
 * @packageDocumentation
 */

import type { Duplex } from "node:stream";
import {
  type Flow,
  type FlowWriteError,
  type MsgError,
  type ReadResult,
  type Result,
  type ShutdownMode,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { StreamReader } from "../internal/stream-reader.js";
import { writeBuffers } from "../internal/stream-writer.js";
import { errorCode, systemReason } from "../internal/system-error.js";

/**
 * Errors of a {@link duplexFlow}: the stream's error as a message with its code
 * (`socket hang up (ECONNRESET)`), or a reset.
 *
 * @beta
 */
export type DuplexFlowError = { readonly kind: "reset" } | MsgError;

// Bytes read ahead of the application before the stream is paused.
const readAhead = 256 * 1024;

function flowErrorOf(error: unknown): DuplexFlowError {
  const code = errorCode(error);
  if (code === "ECONNRESET" || code === "EPIPE") return { kind: "reset" };
  const reason = systemReason(error);
  return { kind: "msg", message: code === undefined ? reason : `${reason} (${code})` };
}

class StreamFlow implements Flow<DuplexFlowError, DuplexFlowError | FlowWriteError> {
  readonly #stream: Duplex;
  readonly #reader: StreamReader<DuplexFlowError>;
  #failure: DuplexFlowError | undefined;
  #writeClosed = false;

  constructor(stream: Duplex) {
    this.#stream = stream;
    this.#reader = new StreamReader<DuplexFlowError>(stream, {
      readAhead,
      holdLoopOnlyWhileReading: false,
      drainAfterShutdown: true,
      mapError: (error) => {
        this.#failure = flowErrorOf(error);
        return this.#failure;
      },
    });
  }

  read(): Promise<Result<ReadResult, DuplexFlowError>> {
    return this.#reader.read();
  }

  write(buffer: Uint8Array): Promise<Result<void, DuplexFlowError | FlowWriteError>> {
    return this.writev([buffer]);
  }

  async writev(buffers: readonly Uint8Array[]): Promise<Result<void, DuplexFlowError | FlowWriteError>> {
    if (this.#failure !== undefined) return err(this.#failure);
    if (this.#writeClosed) return err({ kind: "closed" });
    const error = await writeBuffers(this.#stream, buffers);
    if (error === undefined) return ok();
    return err(this.#failure ?? { kind: "closed" });
  }

  async shutdown(mode: ShutdownMode): Promise<void> {
    if (mode !== "write") this.#reader.shutdown();
    if (mode !== "read" && !this.#writeClosed) {
      this.#writeClosed = true;
      if (this.#stream.destroyed) return;
      await new Promise<void>((resolve) => {
        this.#stream.once("close", resolve);
        this.#stream.end(() => resolve());
      });
    }
  }

  close(): Promise<void> {
    this.#reader.shutdown();
    this.#writeClosed = true;
    const stream = this.#stream;
    if (stream.closed || stream.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      stream.once("close", () => resolve());
      // Pending writes and the end go out first; the stream is then released.
      stream.end(() => stream.destroy());
    });
  }
}

/**
 * A flow over `stream`: reads hand out the stream's chunks (a bounded amount is read ahead, then the
 * stream is paused), a write resolves once the stream took the bytes, `shutdown("write")` ends the
 * stream, `close()` ends and releases it. Stream errors become {@link DuplexFlowError}s.
 *
 * @beta
 */
export function duplexFlow(stream: Duplex): Flow<DuplexFlowError, DuplexFlowError | FlowWriteError> {
  return new StreamFlow(stream);
}
