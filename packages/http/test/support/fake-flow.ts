// An in-memory flow for the HTTP/1.1 server: the test pushes the client's bytes and its end, reads
// what the server wrote, and can hold the server's writes to check backpressure. Timers fire only
// when the test advances them, so timeouts are deterministic.
import { type Flow, type FlowWriteError, type ReadResult, type Result, data, eof, ok } from "@mirage-ts/mirage-types";

export class FakeFlow implements Flow<never, FlowWriteError> {
  readonly #incoming: Uint8Array[] = [];
  #ended = false;
  #waiting: ((r: Result<ReadResult, never>) => void) | undefined;
  readonly written: Uint8Array[] = [];
  closed = false;
  /** While set, writes wait for it to resolve (a slow client). */
  gate: Promise<void> | undefined;
  /** Writes resolved so far. */
  writes = 0;
  readonly #closedWaiters: (() => void)[] = [];

  push(text: string | Uint8Array): void {
    const bytes = typeof text === "string" ? latin1Bytes(text) : text;
    if (this.#waiting !== undefined) {
      const w = this.#waiting;
      this.#waiting = undefined;
      w(ok(data(bytes)));
    } else this.#incoming.push(bytes);
  }

  end(): void {
    this.#ended = true;
    if (this.#waiting !== undefined) {
      const w = this.#waiting;
      this.#waiting = undefined;
      w(ok(eof));
    }
  }

  read(): Promise<Result<ReadResult, never>> {
    const next = this.#incoming.shift();
    if (next !== undefined) return Promise.resolve(ok(data(next)));
    if (this.#ended || this.closed) return Promise.resolve(ok(eof));
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  async write(buffer: Uint8Array): Promise<Result<void, FlowWriteError>> {
    return this.writev([buffer]);
  }

  async writev(buffers: readonly Uint8Array[]): Promise<Result<void, FlowWriteError>> {
    if (this.closed) return { ok: false, error: { kind: "closed" } };
    if (this.gate !== undefined) await this.gate;
    for (const b of buffers) this.written.push(b.slice());
    this.writes++;
    return ok(undefined);
  }

  async shutdown(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    this.end();
    for (const w of this.#closedWaiters.splice(0)) w();
  }

  /** Everything written so far, as text. */
  text(): string {
    return this.written.map((b) => String.fromCharCode(...b)).join("");
  }

  /** Resolves once the server closed the flow. */
  whenClosed(): Promise<void> {
    return this.closed ? Promise.resolve() : new Promise((resolve) => this.#closedWaiters.push(resolve));
  }
}

export function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Timers that fire when the test says so. */
export class ManualTimers {
  #now = 0;
  readonly #timers = new Set<{ at: number; callback: () => void }>();

  setTimer(delayMs: number, callback: () => void): { cancel(): void } {
    const timer = { at: this.#now + delayMs, callback };
    this.#timers.add(timer);
    return { cancel: () => this.#timers.delete(timer) };
  }

  /** Timers pending. */
  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    this.#now += ms;
    for (const timer of [...this.#timers]) {
      if (timer.at <= this.#now) {
        this.#timers.delete(timer);
        timer.callback();
      }
    }
  }
}
