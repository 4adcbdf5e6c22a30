/**
 * A request body read off the wire as the handler pulls it: Content-Length or chunked, never
 * gathered whole, cut at the body limit. What the handler leaves unread is drained before the next
 * pipelined request is read.
 *
 * @packageDocumentation
 */

import { ChunkedDecoder } from "./chunked-decoder.js";
import type { BodyFraming } from "./head-parser.js";
import type { WireReader } from "./wire-reader.js";

/** Why a body stopped before its end. */
export type BodyFailure =
  | { readonly kind: "tooLarge" }
  | { readonly kind: "bad"; readonly reason: string }
  | { readonly kind: "closed" };

/** What reading the next part of a body gave: bytes, the end, or a failure (sticky). */
export type BodyRead =
  | { readonly kind: "data"; readonly data: Uint8Array }
  | { readonly kind: "end" }
  | { readonly kind: "failed"; readonly failure: BodyFailure };

/** Options of {@link RequestBody}. */
export interface RequestBodyOptions {
  /** Bytes the body may have; `undefined` for no limit. */
  readonly limit: number | undefined;
  /** Bytes of the trailer section of a chunked body. */
  readonly maxTrailerBytes: number;
  /** Called once, before the first read (to send `100 Continue`). */
  readonly onStart: () => Promise<void>;
}

/** Failures a body error carries to the handler's stream. */
export class BodyError extends Error {
  readonly failure: BodyFailure;
  constructor(failure: BodyFailure) {
    super(failure.kind === "bad" ? `bad request body: ${failure.reason}` : `request body ${failure.kind}`);
    this.failure = failure;
  }
}

/** One request's body on a connection. */
export class RequestBody {
  readonly #wire: WireReader;
  readonly #options: RequestBodyOptions;
  readonly #chunked: ChunkedDecoder | undefined;
  #remaining: number;
  #received = 0;
  #started = false;
  #result: { readonly kind: "end" } | { readonly kind: "failed"; readonly failure: BodyFailure } | undefined;

  constructor(wire: WireReader, framing: BodyFraming, options: RequestBodyOptions) {
    this.#wire = wire;
    this.#options = options;
    this.#remaining = framing.kind === "length" ? framing.length : 0;
    this.#chunked = framing.kind === "chunked" ? new ChunkedDecoder(options.maxTrailerBytes) : undefined;
    if (framing.kind === "none") this.#result = { kind: "end" };
  }

  /** Whether reading began. */
  get started(): boolean {
    return this.#started;
  }

  /** The end or failure, once reached. */
  get outcome(): BodyRead | undefined {
    return this.#result;
  }

  /**
   * A look at the bytes already buffered, without consuming them: a malformed chunked coding there
   * is refused before the handler runs, as a parser reading the whole packet would.
   */
  malformedAhead(): string | undefined {
    if (this.#chunked === undefined) return undefined;
    const decoder = this.#chunked.clone();
    let bytes = this.#wire.buffered;
    for (;;) {
      const step = decoder.step(bytes);
      if (step.kind === "bad") return step.reason;
      if (step.kind !== "data" || bytes.length === 0) return undefined;
      bytes = bytes.subarray(step.consumed);
      if (step.consumed === 0) return undefined;
    }
  }

  /** The next bytes of the body. */
  async read(): Promise<BodyRead> {
    if (this.#result !== undefined) return this.#result;
    if (!this.#started) {
      this.#started = true;
      await this.#options.onStart();
    }
    const read = this.#chunked === undefined ? await this.#readLength() : await this.#readChunked(this.#chunked);
    if (read.kind === "data") {
      this.#received += read.data.length;
      const limit = this.#options.limit;
      if (limit !== undefined && this.#received > limit)
        return this.#finish({ kind: "failed", failure: { kind: "tooLarge" } });
    } else {
      this.#result = read;
    }
    return read;
  }

  #finish(read: BodyRead & { kind: "failed" }): BodyRead {
    this.#result = read;
    return read;
  }

  async #readLength(): Promise<BodyRead> {
    if (this.#remaining === 0) return { kind: "end" };
    if (this.#wire.buffered.length === 0 && (await this.#wire.fill()) !== "data") {
      return { kind: "failed", failure: { kind: "closed" } };
    }
    // Copied, as chunked data is: the handler may hold the chunk past the flow's next read.
    const data = this.#wire.take(this.#remaining).slice();
    this.#remaining -= data.length;
    return { kind: "data", data };
  }

  async #readChunked(decoder: ChunkedDecoder): Promise<BodyRead> {
    for (;;) {
      const step = decoder.step(this.#wire.buffered);
      if (step.kind === "bad") return { kind: "failed", failure: { kind: "bad", reason: step.reason } };
      this.#wire.consume(step.consumed);
      if (step.kind === "end") return { kind: "end" };
      // Copied: the buffer's bytes are the connection's, and the handler may hold the chunk.
      if (step.kind === "data" && step.data.length > 0) return { kind: "data", data: step.data.slice() };
      if (step.kind === "more" || this.#wire.buffered.length === 0) {
        if ((await this.#wire.fill()) !== "data") return { kind: "failed", failure: { kind: "closed" } };
      }
    }
  }

  /** Reads and drops what is left; resolves to whether the body ended well. */
  async drain(): Promise<boolean> {
    for (;;) {
      const read = await this.read();
      if (read.kind === "end") return true;
      if (read.kind === "failed") return false;
    }
  }

  /** The body as a web stream, pulled only as the handler reads. */
  stream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const read = await this.read();
          if (read.kind === "data") controller.enqueue(read.data);
          else if (read.kind === "end") controller.close();
          else controller.error(new BodyError(read.failure));
        },
      },
      { highWaterMark: 0 },
    );
  }
}
