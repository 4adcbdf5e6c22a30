/**
 * A `node:stream` Duplex over a mirage `Flow`, so that Node's own protocol machinery (`node:http`,
 * `node:http2`, `node:tls`, undici, ws) runs over any flow, such as a connection of tcpip's direct
 * stack.
 *
 * @packageDocumentation
 */

import { Duplex } from "node:stream";
import type { Endpoint, Flow, Ipaddr } from "@mirage-ts/mirage-types";
import { Countdown } from "./countdown.js";

/**
 * Options of {@link flowDuplex}.
 *
 * @beta
 */
export interface FlowDuplexOptions {
  /**
   * Bytes the stream holds for a reader that is not reading, before it stops reading the flow (and
   * so lets TCP close its receive window). Node's default, 16 KiB on Node 20, when not given.
   */
  readonly readableHighWaterMark?: number;
  /** Bytes of pending writes above which `write()` returns false. Node's default when not given. */
  readonly writableHighWaterMark?: number;
  /**
   * Whether the write side stays open after the peer's end-of-file (half-close, as TCP allows);
   * `true` by default. With `false` the stream ends its write side when the read side ends.
   */
  readonly allowHalfOpen?: boolean;
}

/** The parts of a TCP flow the stream uses when the flow has them. */
interface EndpointFlow {
  src(): Endpoint<Ipaddr>;
  dst(): Endpoint<Ipaddr>;
}

interface NoDelayFlow {
  setNoDelay(noDelay: boolean): void;
}

interface AbortableFlow {
  abort(): Promise<void>;
}

// The most handed to the flow at once while a write timeout is set: a peer taking a large write slowly
// is seen making progress at every piece, and told apart from one taking nothing.
const WRITE_PIECE = 64 * 1024;

/** `buffers` cut into runs of at most `size` bytes, in order (views, no copies). */
function* pieces(buffers: readonly Buffer[], size: number): Generator<Buffer[]> {
  let piece: Buffer[] = [];
  let length = 0;
  for (const buffer of buffers) {
    for (let offset = 0; offset < buffer.length; ) {
      const n = Math.min(size - length, buffer.length - offset);
      piece.push(n === buffer.length ? buffer : buffer.subarray(offset, offset + n));
      offset += n;
      length += n;
      if (length === size) {
        yield piece;
        piece = [];
        length = 0;
      }
    }
  }
  if (length > 0) yield piece;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Node's error codes for a flow error's `kind` (a code libuv would not know becomes EPIPE). */
const CODES: Readonly<Record<string, string>> = {
  reset: "ECONNRESET",
  timeout: "ETIMEDOUT",
  refused: "ECONNREFUSED",
  closed: "EPIPE",
};

/**
 * The Node error for a flow error: a message, and `code` (`ECONNRESET`, `ETIMEDOUT`,
 * `ECONNREFUSED`, else `EPIPE`) as a socket's errors carry one.
 *
 * @beta
 */
export function flowErrorToNode(error: unknown, syscall: "read" | "write"): NodeJS.ErrnoException {
  const kind = typeof error === "object" && error !== null && "kind" in error ? String(error.kind) : "msg";
  const detail = typeof error === "object" && error !== null && "message" in error ? String(error.message) : undefined;
  const code = CODES[kind] ?? "EPIPE";
  const failure: NodeJS.ErrnoException = new Error(`${syscall} ${code}${detail === undefined ? "" : `: ${detail}`}`);
  failure.code = code;
  failure.syscall = syscall;
  return failure;
}

function hasEndpoints(flow: object): flow is EndpointFlow {
  return "src" in flow && "dst" in flow && typeof flow.src === "function" && typeof flow.dst === "function";
}

/**
 * A Duplex over a flow, with the socket methods Node's HTTP and TLS code call on a connection
 * (`setTimeout`, `setNoDelay`, `setKeepAlive`, `ref`, `unref`, `remoteAddress`...).
 *
 * Backpressure holds both ways: the flow is read only while the stream's reader wants bytes, and a
 * write's callback runs once the flow has taken the bytes. `end()` shuts down the flow's write side
 * (TCP FIN), the flow's end-of-file ends the readable side, and `destroy()` closes the flow. A flow
 * error destroys the stream with a Node error whose `code` says what happened (see
 * {@link flowErrorToNode}). `resetAndDestroy()` drops the connection instead (the flow's `abort`,
 * a TCP RST), and `setWriteTimeout` tells of a peer that stopped taking what is written.
 *
 * @beta
 */
export class FlowDuplex extends Duplex {
  /** The flow under the stream. */
  readonly flow: Flow<unknown, unknown>;
  /** The remote address (a socket's `remoteAddress`), when the flow has endpoints. */
  readonly remoteAddress: string | undefined;
  /** The remote port, when the flow has endpoints. */
  readonly remotePort: number | undefined;
  /** The local address, when the flow has endpoints. */
  readonly localAddress: string | undefined;
  /** The local port, when the flow has endpoints. */
  readonly localPort: number | undefined;
  /** The remote address family (`IPv4`, `IPv6`), when the flow has endpoints. */
  readonly remoteFamily: string | undefined;
  #reading = false;
  readonly #idle = new Countdown(() => this.emit("timeout"));
  readonly #writeStalled = new Countdown(() => this.emit("writeTimeout"));
  #closed = false;
  #reset = false;

  constructor(flow: Flow<unknown, unknown>, options: FlowDuplexOptions = {}) {
    super({
      allowHalfOpen: options.allowHalfOpen ?? true,
      ...(options.readableHighWaterMark === undefined ? {} : { readableHighWaterMark: options.readableHighWaterMark }),
      ...(options.writableHighWaterMark === undefined ? {} : { writableHighWaterMark: options.writableHighWaterMark }),
    });
    this.flow = flow;
    const ends = hasEndpoints(flow) ? { src: flow.src(), dst: flow.dst() } : undefined;
    this.remoteAddress = ends?.dst.addr.toString();
    this.remotePort = ends?.dst.port;
    this.localAddress = ends?.src.addr.toString();
    this.localPort = ends?.src.port;
    this.remoteFamily = ends === undefined ? undefined : ends.dst.addr.toString().includes(":") ? "IPv6" : "IPv4";
  }

  override _read(): void {
    if (this.#reading) return;
    this.#reading = true;
    void this.#readLoop();
  }

  // Reads while the stream asks for more; `push` returning false leaves the flow unread, so its
  // receive buffer fills and TCP closes the window until `_read` is called again.
  async #readLoop(): Promise<void> {
    for (;;) {
      const result = await this.flow.read();
      if (this.destroyed) return;
      if (!result.ok) {
        this.#reading = false;
        this.destroy(flowErrorToNode(result.error, "read"));
        return;
      }
      this.#touch();
      if (result.value.kind === "eof") {
        this.#reading = false;
        this.push(null);
        return;
      }
      const data = result.value.data;
      const more = this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      if (!more) {
        this.#reading = false;
        return;
      }
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#touch();
    if (this.#writeStalled.ms > 0) {
      void this.#writeInPieces([chunk], callback);
      return;
    }
    this.flow.write(chunk).then(
      (result) => callback(result.ok ? null : flowErrorToNode(result.error, "write")),
      (error: unknown) => callback(asError(error)),
    );
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    this.#touch();
    const buffers = chunks.map((c) => c.chunk);
    if (this.#writeStalled.ms > 0) {
      void this.#writeInPieces(buffers, callback);
      return;
    }
    this.flow.writev(buffers).then(
      (result) => callback(result.ok ? null : flowErrorToNode(result.error, "write")),
      (error: unknown) => callback(asError(error)),
    );
  }

  // One piece at a time, the write timer restarted as each is handed over: it runs out only when the
  // flow took nothing for the whole timeout.
  async #writeInPieces(buffers: readonly Buffer[], callback: (error?: Error | null) => void): Promise<void> {
    let failure: Error | null = null;
    for (const piece of pieces(buffers, WRITE_PIECE)) {
      if (!this.destroyed) this.#writeStalled.restart();
      try {
        const result = await this.flow.writev(piece);
        if (!result.ok) failure = flowErrorToNode(result.error, "write");
      } catch (error) {
        failure = asError(error);
      }
      if (failure !== null) break;
    }
    this.#writeStalled.stop();
    callback(failure);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flow.shutdown("write").then(
      () => callback(),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#idle.stop();
    this.#writeStalled.stop();
    if (this.#closed) {
      callback(error);
      return;
    }
    this.#closed = true;
    const flow = this.flow as Flow<unknown, unknown> & Partial<AbortableFlow>;
    const released = this.#reset && typeof flow.abort === "function" ? flow.abort() : flow.close();
    released.then(
      () => callback(error),
      () => callback(error),
    );
  }

  /**
   * As a socket's: drops the connection at once and destroys the stream. The flow is aborted when it
   * can be (`TcpFlow.abort`: a RST, its queues discarded) and closed otherwise: the way to let go of
   * a peer that stopped reading, which `destroy()` (a close, sending what is queued first) would wait
   * for.
   */
  resetAndDestroy(): this {
    this.#reset = true;
    return this.destroy();
  }

  /**
   * After `ms` during which a write waited and the flow took none of it, emits `'writeTimeout'` (the
   * stream stays open: the listener decides, typically with {@link FlowDuplex.resetAndDestroy}); 0
   * turns it off. While it is set, writes reach the flow in pieces of at most 64 KiB, so a peer
   * taking a large write slowly still shows progress. `callback` is added as a `'writeTimeout'`
   * listener.
   */
  setWriteTimeout(ms: number, callback?: () => void): this {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`write timeout: ${String(ms)} is not a number of ms >= 0`);
    this.#writeStalled.ms = ms; // a write waiting now is timed afresh with the new value
    this.#timeoutListener("writeTimeout", ms, callback);
    return this;
  }

  /**
   * As a socket's: after `ms` of no reads or writes emits `'timeout'` (the stream stays open); 0
   * turns it off. `callback` is added as a `'timeout'` listener.
   */
  setTimeout(ms: number, callback?: () => void): this {
    this.#idle.ms = ms;
    this.#timeoutListener("timeout", ms, callback);
    this.#touch();
    return this;
  }

  /** Turns Nagle's algorithm off (the default argument) or on, when the flow has the setting. */
  setNoDelay(noDelay = true): this {
    const flow = this.flow as Partial<NoDelayFlow>;
    if (typeof flow.setNoDelay === "function") flow.setNoDelay(noDelay);
    return this;
  }

  /** Accepted and ignored: keepalive is a setting of the TCP layer when the flow is made. */
  setKeepAlive(_enable?: boolean, _initialDelay?: number): this {
    return this;
  }

  /** Accepted and ignored: the flow does not hold the event loop by itself. */
  ref(): this {
    return this;
  }

  /** Accepted and ignored: the flow does not hold the event loop by itself. */
  unref(): this {
    return this;
  }

  /** The local end as `net.Socket.address()` gives it, or `{}` when the flow has no endpoints. */
  address(): { address: string; family: string; port: number } | Record<string, never> {
    if (this.localAddress === undefined || this.localPort === undefined) return {};
    return { address: this.localAddress, family: this.remoteFamily ?? "IPv4", port: this.localPort };
  }

  /** Ends the write side once pending writes are done (what Node's HTTP server calls on a socket). */
  destroySoon(): void {
    if (this.writable) this.end(() => this.destroy());
    else this.destroy();
  }

  // As a socket's setTimeout: the callback listens once, or is removed when the timeout is turned off.
  #timeoutListener(event: "timeout" | "writeTimeout", ms: number, callback: (() => void) | undefined): void {
    if (callback === undefined) return;
    if (ms === 0) this.removeListener(event, callback);
    else this.once(event, callback);
  }

  #touch(): void {
    if (this.destroyed) this.#idle.stop();
    else this.#idle.restart();
  }
}

/**
 * A `node:stream` Duplex over `flow`: hand it to any Node library that takes a socket-like stream
 * (`http.Server.emit("connection", d)`, `tls.connect({ socket: d })`, undici's `connect`, ws's
 * `handleUpgrade`). See {@link FlowDuplex}.
 *
 * @beta
 */
export function flowDuplex(flow: Flow<unknown, unknown>, options: FlowDuplexOptions = {}): FlowDuplex {
  return new FlowDuplex(flow, options);
}
