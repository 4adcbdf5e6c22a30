/**
 * `connectConsole`: the browser console device (`Mirage_console`): a flow whose writes go to the
 * page's output and whose reads end at once, a page having no standard input.
 *
 * @packageDocumentation
 */

import type { Output } from "@mirage-ts/mirage-runtime";
import { type Console, type ReadResult, type Result, type ShutdownMode, eof, err, ok } from "@mirage-ts/mirage-types";
import { browserOutput } from "./output.js";

const closed = err({ kind: "closed" } as const);

class BrowserConsole implements Console {
  readonly #output: Output;
  readonly #decoder = new TextDecoder();
  #writeClosed = false;

  constructor(output: Output) {
    this.#output = output;
  }

  async read(): Promise<Result<ReadResult, never>> {
    return ok(eof);
  }

  write(buffer: Uint8Array): Promise<Result<void, { readonly kind: "closed" }>> {
    return this.writev([buffer]);
  }

  async writev(buffers: readonly Uint8Array[]): Promise<Result<void, { readonly kind: "closed" }>> {
    if (this.#writeClosed) return closed;
    // Streaming decode: a character split between two writes is printed whole.
    for (const buffer of buffers) this.#output.out(this.#decoder.decode(buffer, { stream: true }));
    return ok();
  }

  async log(line: string): Promise<void> {
    if (!this.#writeClosed) this.#output.out(`${line}\n`);
  }

  async shutdown(mode: ShutdownMode): Promise<void> {
    if (mode !== "read") this.#writeClosed = true;
  }

  close(): Promise<void> {
    return this.shutdown("read_write");
  }

  disconnect(): Promise<void> {
    return this.close();
  }
}

/**
 * Connects a console writing to `output` (the page's, {@link browserOutput}, by default); reads give
 * end-of-file. After `shutdown("write")` or `close()` writes fail with `{ kind: "closed" }`.
 *
 * @beta
 */
export async function connectConsole(output: Output = browserOutput()): Promise<Console> {
  return new BrowserConsole(output);
}
