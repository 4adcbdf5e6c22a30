/**
 * The bytes of a connection not yet read by the request being served: a head, a body, or the next
 * pipelined request. Reading more appends to them; reading parts of them consumes.
 *
 * @packageDocumentation
 */

import type { Flow } from "@mirage-ts/mirage-types";

const EMPTY = new Uint8Array(0);

/** What a read of the flow gave. */
export type Fill = "data" | "eof" | "error";

/** The unread bytes of a flow. */
export class WireReader {
  readonly #flow: Flow<unknown, unknown>;
  #buffer: Uint8Array = EMPTY;
  #ended = false;

  constructor(flow: Flow<unknown, unknown>) {
    this.#flow = flow;
  }

  /** The bytes received and not consumed. */
  get buffered(): Uint8Array {
    return this.#buffer;
  }

  /** Whether the peer sent its end (or the flow failed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Drops the first `n` buffered bytes. */
  consume(n: number): void {
    this.#buffer = n >= this.#buffer.length ? EMPTY : this.#buffer.subarray(n);
  }

  /** Takes up to `n` buffered bytes. */
  take(n: number): Uint8Array {
    const taken = this.#buffer.subarray(0, Math.min(n, this.#buffer.length));
    this.consume(taken.length);
    return taken;
  }

  /** Reads the next bytes of the flow into the buffer. */
  async fill(): Promise<Fill> {
    if (this.#ended) return "eof";
    let result: Awaited<ReturnType<Flow<unknown, unknown>["read"]>>;
    try {
      result = await this.#flow.read();
    } catch {
      this.#ended = true;
      return "error";
    }
    if (!result.ok || result.value.kind === "eof") {
      this.#ended = true;
      return result.ok ? "eof" : "error";
    }
    const data = result.value.data;
    if (this.#buffer.length === 0) {
      this.#buffer = data;
    } else {
      const joined = new Uint8Array(this.#buffer.length + data.length);
      joined.set(this.#buffer);
      joined.set(data, this.#buffer.length);
      this.#buffer = joined;
    }
    return "data";
  }
}
