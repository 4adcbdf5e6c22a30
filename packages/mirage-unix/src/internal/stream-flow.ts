/**
 * The reading and writing half of a flow over a Node duplex stream, shared by the socket stack's TCP
 * flows and `duplexFlow`: reads come from a {@link StreamReader}, writes go through `writeBuffers`,
 * and the first stream error becomes the flow's failure, final for reads and writes alike. Shutdown and
 * close differ by stream and are the subclass's.
 *
 * @packageDocumentation
 */

import type { Duplex } from "node:stream";
import { type FlowWriteError, type ReadResult, type Result, err, ok } from "@mirage-ts/mirage-types";
import { StreamReader } from "./stream-reader.js";
import { writeBuffers } from "./stream-writer.js";

/** A flow's reads and writes over `stream`, whose errors become `E`s. */
export abstract class StreamFlow<S extends Duplex, E> {
  protected readonly stream: S;
  protected readonly reader: StreamReader<E>;
  /** The stream's error, once it failed. */
  protected failure: E | undefined;
  /** Set by the subclass's shutdown and close: writes fail with `closed` from then on. */
  protected writeClosed = false;
  /** Set by the subclass's abort: a write the stream's destruction cut short fails with `closed`. */
  protected aborted = false;

  /**
   * Starts reading `stream`, at most `readAhead` bytes ahead of the application; a stream error becomes
   * `errorOf(error)`, which reads return once the data before it is read and writes return at once.
   */
  constructor(stream: S, readAhead: number, errorOf: (error: unknown) => E) {
    this.stream = stream;
    this.reader = new StreamReader<E>(stream, {
      readAhead,
      holdLoopOnlyWhileReading: false,
      drainAfterShutdown: true,
      mapError: (error) => {
        this.failure = errorOf(error);
        return this.failure;
      },
    });
  }

  read(): Promise<Result<ReadResult, E>> {
    return this.reader.read();
  }

  write(buffer: Uint8Array): Promise<Result<void, E | FlowWriteError>> {
    return this.writev([buffer]);
  }

  async writev(buffers: readonly Uint8Array[]): Promise<Result<void, E | FlowWriteError>> {
    if (this.failure !== undefined) return err(this.failure);
    if (this.writeClosed) return err({ kind: "closed" });
    const error = await writeBuffers(this.stream, buffers);
    // Node completes a write cut short by the stream's destruction without an error.
    if (this.aborted) return err({ kind: "closed" });
    if (error === undefined) return ok();
    return err(this.failure ?? this.writeErrorOf(error));
  }

  /** What a failed write returns when the stream reported no error of its own (yet). */
  protected abstract writeErrorOf(error: Error): E | FlowWriteError;
}
