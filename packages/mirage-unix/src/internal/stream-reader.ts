/**
 * Pull-style reads (`Flow.read`) over a Node readable stream: chunks are queued as they arrive and
 * handed out one per read; end-of-stream and errors are final and come after the queued data.
 *
 * @packageDocumentation
 */

import type { Readable } from "node:stream";
import { type ReadResult, type Result, data, eof, err, ok } from "@mirage-ts/mirage-types";
import { dispatch } from "./iteration.js";

/** How a {@link StreamReader} buffers. */
export interface StreamReaderOptions<E> {
  /** Bytes read ahead of the application before the stream is paused; 0 reads only on demand. */
  readonly readAhead: number;
  /**
   * Keep the process alive only while a read waits (a paused socket still holds the event loop):
   * an idle console must not keep the process running through stdin.
   */
  readonly holdLoopOnlyWhileReading: boolean;
  /** After `shutdown`, keep consuming and discard the data (a socket must still see the peer's FIN). */
  readonly drainAfterShutdown: boolean;
  /** The read error a stream error becomes; `undefined` turns it into end-of-file. */
  readonly mapError: (error: Error) => E | undefined;
}

type Outcome<E> = Result<ReadResult, E>;

const endOfFile = ok(eof);

/** Reads of one stream; see the module documentation. */
export class StreamReader<E> {
  readonly #stream: Readable;
  readonly #options: StreamReaderOptions<E>;
  readonly #chunks: Uint8Array[] = [];
  readonly #waiters: ((outcome: Outcome<E>) => void)[] = [];
  #queuedBytes = 0;
  #final: Outcome<E> | undefined;
  #shutDown = false;

  constructor(stream: Readable, options: StreamReaderOptions<E>) {
    this.#stream = stream;
    this.#options = options;
    stream.on("data", (chunk: Uint8Array) => dispatch(this.#onData, chunk));
    stream.on("end", () => dispatch(this.#finish, endOfFile));
    stream.on("close", () => dispatch(this.#finish, endOfFile));
    stream.on("error", (error: Error) => {
      const mapped = options.mapError(error);
      dispatch(this.#finish, mapped === undefined ? endOfFile : err(mapped));
    });
    stream.pause();
    this.#holdLoop(false);
  }

  /** The next chunk, or the final end-of-file or error once every queued chunk was read. */
  read(): Promise<Outcome<E>> {
    const chunk = this.#chunks.shift();
    if (chunk !== undefined) {
      this.#queuedBytes -= chunk.length;
      if (this.#final === undefined && this.#queuedBytes < this.#options.readAhead) this.#stream.resume();
      return Promise.resolve(ok(data(chunk)));
    }
    if (this.#final !== undefined) return Promise.resolve(this.#final);
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#holdLoop(true);
      this.#stream.resume();
    });
  }

  /** Ends reading: pending and later reads return end-of-file; queued data is dropped. */
  shutdown(): void {
    if (this.#shutDown) return;
    this.#shutDown = true;
    this.#chunks.length = 0;
    this.#queuedBytes = 0;
    this.#finish(endOfFile);
    if (this.#options.drainAfterShutdown) this.#stream.resume();
    else this.#stream.pause();
  }

  readonly #onData = (chunk: Uint8Array): void => {
    if (this.#shutDown) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      waiter(ok(data(chunk)));
    } else {
      this.#chunks.push(chunk);
      this.#queuedBytes += chunk.length;
    }
    if (this.#waiters.length === 0) {
      this.#holdLoop(false);
      if (this.#queuedBytes >= this.#options.readAhead) this.#stream.pause();
    }
  };

  readonly #finish = (outcome: Outcome<E>): void => {
    if (this.#final !== undefined) return;
    this.#final = outcome;
    for (const waiter of this.#waiters.splice(0)) waiter(outcome);
    this.#holdLoop(false);
  };

  #holdLoop(hold: boolean): void {
    if (!this.#options.holdLoopOnlyWhileReading) return;
    // Sockets and terminals (stdin as a pipe, socket or TTY) can let go of the loop; files need not.
    const handle = this.#stream as Readable & { ref?: () => void; unref?: () => void };
    if (hold) handle.ref?.();
    else handle.unref?.();
  }
}
