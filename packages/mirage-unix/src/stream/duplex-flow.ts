/**
 * A mirage `Flow` over a `node:stream` Duplex (the inverse of `flowDuplex`): what a Node library
 * hands back (a `tls.TLSSocket`, an HTTP/2 stream) used where a unikernel expects a flow.
 *
 * @packageDocumentation
 */

import type { Duplex } from "node:stream";
import type { Flow, FlowWriteError, MsgError, ShutdownMode } from "@mirage-ts/mirage-types";
import { StreamFlow } from "../internal/stream-flow.js";
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

class DuplexFlow
  extends StreamFlow<Duplex, DuplexFlowError>
  implements Flow<DuplexFlowError, DuplexFlowError | FlowWriteError>
{
  constructor(stream: Duplex) {
    super(stream, readAhead, flowErrorOf);
  }

  protected writeErrorOf(): FlowWriteError {
    return { kind: "closed" };
  }

  async shutdown(mode: ShutdownMode): Promise<void> {
    if (mode !== "write") this.reader.shutdown();
    if (mode !== "read" && !this.writeClosed) {
      this.writeClosed = true;
      if (this.stream.destroyed) return;
      await new Promise<void>((resolve) => {
        this.stream.once("close", resolve);
        this.stream.end(() => resolve());
      });
    }
  }

  close(): Promise<void> {
    this.reader.shutdown();
    this.writeClosed = true;
    const stream = this.stream;
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
  return new DuplexFlow(stream);
}
