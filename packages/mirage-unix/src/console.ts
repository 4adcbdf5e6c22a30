/**
 * `connectConsole`: the unix console (`Mirage_console_unix`), a flow over standard input and output
 * plus `log`.
 *
 * @packageDocumentation
 */

import type { Readable, Writable } from "node:stream";
import { type Console, type ReadResult, type Result, type ShutdownMode, err, ok } from "@mirage-ts/mirage-types";
import { StreamReader } from "./internal/stream-reader.js";
import { writeBuffers } from "./internal/stream-writer.js";

/**
 * Options of {@link connectConsole}.
 *
 * @public
 */
export interface ConsoleOptions {
  /** Where reads come from; standard input by default. */
  readonly input?: Readable;
  /** Where writes and `log` go; standard output by default. */
  readonly output?: Writable;
}

const closed = err({ kind: "closed" } as const);

class UnixConsole implements Console {
  readonly #reader: StreamReader<never>;
  readonly #output: Writable;
  #writeClosed = false;

  constructor(input: Readable, output: Writable) {
    // Read on demand only: an idle console must not keep the process alive through stdin.
    this.#reader = new StreamReader<never>(input, {
      readAhead: 0,
      holdLoopOnlyWhileReading: true,
      drainAfterShutdown: false,
      mapError: () => undefined,
    });
    this.#output = output;
    // A closed terminal or pipe (EPIPE) makes writes fail with `closed` rather than crash the process.
    output.on("error", () => {
      this.#writeClosed = true;
    });
  }

  read(): Promise<Result<ReadResult, never>> {
    return this.#reader.read();
  }

  write(buffer: Uint8Array): Promise<Result<void, { readonly kind: "closed" }>> {
    return this.writev([buffer]);
  }

  async writev(buffers: readonly Uint8Array[]): Promise<Result<void, { readonly kind: "closed" }>> {
    if (this.#writeClosed) return closed;
    const error = await writeBuffers(this.#output, buffers);
    if (error === undefined) return ok();
    this.#writeClosed = true;
    return closed;
  }

  async log(line: string): Promise<void> {
    await this.write(Buffer.from(`${line}\n`));
  }

  async shutdown(mode: ShutdownMode): Promise<void> {
    if (mode !== "write") this.#reader.shutdown();
    if (mode !== "read") this.#closeWrites();
  }

  close(): Promise<void> {
    return this.shutdown("read_write");
  }

  disconnect(): Promise<void> {
    return this.close();
  }

  #closeWrites(): void {
    if (this.#writeClosed) return;
    this.#writeClosed = true;
    // The process's own stdout and stderr cannot be ended; other streams get their end-of-file.
    if (this.#output !== process.stdout && this.#output !== process.stderr) this.#output.end();
  }
}

/**
 * Connects a console: a flow reading standard input and writing standard output (or the streams
 * given), whose `log` writes a line. Input is read only while a read is pending, so an idle console
 * does not keep the process alive. After `shutdown("write")` or `close()` writes fail with
 * `{ kind: "closed" }`; the process's own standard output is not closed, other output streams are
 * ended.
 *
 * @public
 */
export async function connectConsole(options: ConsoleOptions = {}): Promise<Console> {
  return new UnixConsole(options.input ?? process.stdin, options.output ?? process.stdout);
}
