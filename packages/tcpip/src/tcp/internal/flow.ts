/**
 * The `TcpFlow` adapter: promise-based reads and writes over a {@link Connection}. A read gives the
 * bytes available, end-of-file, or the error that ended the connection; a write resolves once all
 * its bytes are in the send buffer (backpressure), and fails with `closed` after a shutdown or with
 * the connection's error after a reset or timeout. The connection wakes the flow; the flow does its
 * work in a microtask, so application code never runs inside segment processing.
 *
 * @packageDocumentation
 */

import {
  type Endpoint,
  type ReadResult,
  type Result,
  type ShutdownMode,
  type TcpError,
  type TcpFlow,
  type TcpWriteError,
  data,
  eof,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { DONE } from "../../internal/settled.js";
import type { Connection } from "./connection.js";
import type { ConnectionObserver } from "./tcb.js";

type ReadOutcome = Result<ReadResult, TcpError>;
type WriteOutcome = Result<void, TcpWriteError>;

interface PendingWrite {
  readonly buffers: readonly Uint8Array[];
  index: number;
  offset: number;
  readonly resolve: (outcome: WriteOutcome) => void;
}

const CLOSED: TcpWriteError = Object.freeze({ kind: "closed" });
const WRITE_OK: Promise<WriteOutcome> = Promise.resolve(ok());
const EOF_RESULT: ReadOutcome = ok(eof);

/** A TCP flow over one connection. */
export class TcpFlowImpl<A> implements TcpFlow<A>, ConnectionObserver {
  readonly #conn: Connection<A>;
  readonly #src: Endpoint<A>;
  readonly #dst: Endpoint<A>;
  readonly #readers: ((outcome: ReadOutcome) => void)[] = [];
  readonly #writes: PendingWrite[] = [];
  readonly #drained: (() => void)[] = [];
  #readShut = false;
  #writeShut = false;
  #closed = false;
  #scheduled = false;
  readonly #run = (): void => this.#process();

  constructor(conn: Connection<A>) {
    this.#conn = conn;
    this.#src = Object.freeze({ addr: conn.local, port: conn.localPort });
    this.#dst = Object.freeze({ addr: conn.remote, port: conn.remotePort });
    conn.observer = this;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#TcpFlow.dst} */
  dst(): Endpoint<A> {
    return this.#dst;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#TcpFlow.src} */
  src(): Endpoint<A> {
    return this.#src;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#TcpFlow.setNoDelay} */
  setNoDelay(noDelay: boolean): void {
    this.#conn.noDelay = noDelay;
    if (noDelay) this.#conn.flush();
  }

  read(): Promise<ReadOutcome> {
    if (this.#readers.length === 0) {
      const outcome = this.#tryRead();
      if (outcome !== undefined) return Promise.resolve(outcome);
    }
    return new Promise((resolve) => this.#readers.push(resolve));
  }

  write(buffer: Uint8Array): Promise<WriteOutcome> {
    return this.writev([buffer]);
  }

  writev(buffers: readonly Uint8Array[]): Promise<WriteOutcome> {
    const error = this.#writeError();
    if (error !== undefined) return Promise.resolve(err(error));
    const request = { buffers, index: 0, offset: 0 };
    if (this.#writes.length === 0 && this.#copy(request)) {
      this.#conn.flush();
      return WRITE_OK;
    }
    this.#conn.flush();
    return new Promise((resolve) => this.#writes.push({ ...request, resolve }));
  }

  async shutdown(mode: ShutdownMode): Promise<void> {
    if (mode !== "write") {
      this.#readShut = true;
      this.#conn.shutdownRead();
      this.wake();
    }
    if (mode !== "read" && !this.#writeShut) {
      this.#writeShut = true;
      await this.#afterWrites();
      this.#conn.shutdownWrite();
    }
  }

  close(): Promise<void> {
    if (this.#closed) return DONE;
    this.#closed = true;
    this.#readShut = true;
    this.#writeShut = true;
    this.wake();
    // Writes issued before close still go out, then the connection closes (FIN, or RST if received
    // data was never read). Close itself does not wait for that: it can take as long as the peer's
    // window stays shut.
    if (this.#writes.length === 0) this.#conn.close();
    else this.#drained.push(() => this.#conn.close());
    return DONE;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#TcpFlow.abort} */
  abort(): Promise<void> {
    this.#closed = true;
    this.#readShut = true;
    this.#writeShut = true;
    this.#conn.userAbort();
    this.wake();
    return DONE;
  }

  /** Called by the connection when something may have changed; the work runs in a microtask. */
  wake(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    void Promise.resolve().then(this.#run);
  }

  #process(): void {
    this.#scheduled = false;
    while (this.#readers.length > 0) {
      const outcome = this.#tryRead();
      if (outcome === undefined) break;
      this.#readers.shift()!(outcome);
    }
    this.#pumpWrites();
  }

  #tryRead(): ReadOutcome | undefined {
    const conn = this.#conn;
    if (this.#readShut) return EOF_RESULT;
    if (conn.readable > 0) return ok(data(conn.read()));
    if (conn.readDone) return EOF_RESULT;
    if (conn.error !== undefined) return err(conn.error);
    if (!conn.isOpen) return EOF_RESULT;
    return undefined;
  }

  #writeError(): TcpWriteError | undefined {
    if (this.#writeShut) return CLOSED;
    return this.#connWriteError();
  }

  #connWriteError(): TcpWriteError | undefined {
    const conn = this.#conn;
    if (conn.error !== undefined) return conn.error;
    return conn.writable ? undefined : CLOSED;
  }

  #pumpWrites(): void {
    const writes = this.#writes;
    if (writes.length > 0) {
      const error = this.#connWriteError();
      if (error !== undefined) {
        for (const w of writes.splice(0)) w.resolve(err(error));
      } else {
        while (writes.length > 0 && this.#copy(writes[0]!)) writes.shift()!.resolve(ok());
        this.#conn.flush();
      }
    }
    if (writes.length === 0) for (const done of this.#drained.splice(0)) done();
  }

  // Copies what fits of a request into the send buffer; returns whether all of it went in.
  #copy(request: { buffers: readonly Uint8Array[]; index: number; offset: number }): boolean {
    const conn = this.#conn;
    while (request.index < request.buffers.length) {
      const buffer = request.buffers[request.index]!;
      const rest = request.offset === 0 ? buffer : buffer.subarray(request.offset);
      const n = rest.length === 0 ? 0 : conn.append(rest);
      if (n < rest.length) {
        request.offset += n;
        return false;
      }
      request.index++;
      request.offset = 0;
    }
    return true;
  }

  #afterWrites(): Promise<void> {
    if (this.#writes.length === 0) return DONE;
    return new Promise((resolve) => this.#drained.push(resolve));
  }
}
