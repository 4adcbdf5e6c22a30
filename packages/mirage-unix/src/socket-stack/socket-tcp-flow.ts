/**
 * A TCP connection of the host socket stack: `TcpFlow` over a `node:net` socket.
 *
 * @packageDocumentation
 */

import type { Socket } from "node:net";
import {
  type Endpoint,
  type Ipaddr,
  type ReadResult,
  type Result,
  type ShutdownMode,
  type TcpError,
  type TcpFlow,
  type TcpWriteError,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { fromSocketAddress } from "../internal/socket-binding.js";
import { StreamReader } from "../internal/stream-reader.js";
import { writeBuffers } from "../internal/stream-writer.js";
import { errorCode, systemReason } from "../internal/system-error.js";

// Bytes received ahead of the application before the kernel's window is left to close.
const readAhead = 1 << 20;

// Failures that mean the peer or the path dropped an established connection.
const RESETS = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

/**
 * The TCP error a failure of an established connection stands for: a timeout, a reset (reset, broken
 * pipe, aborted), or any other system failure as `msg` with the system's text and code
 * (`network is unreachable (ENETUNREACH)`), so it is not mistaken for the peer's doing.
 */
export function tcpErrorOf(error: unknown): TcpError {
  const code = errorCode(error);
  if (code === "ETIMEDOUT") return { kind: "timeout" };
  if (code !== undefined && RESETS.has(code)) return { kind: "reset" };
  return systemMessage(error, code);
}

/**
 * The TCP error a failed connection attempt stands for: refused when the peer said so, a timeout
 * when it did not answer, otherwise (unreachable host or network, no local address) `msg` with the
 * system's text and code.
 */
export function tcpConnectErrorOf(error: unknown): TcpError {
  const code = errorCode(error);
  if (code === "ECONNREFUSED") return { kind: "refused" };
  if (code === "ETIMEDOUT") return { kind: "timeout" };
  return systemMessage(error, code);
}

function systemMessage(error: unknown, code: string | undefined): TcpError {
  const reason = systemReason(error);
  return { kind: "msg", message: code === undefined ? reason : `${reason} (${code})` };
}

/**
 * Whether Node still knows both ends of `socket`: it asks the kernel (getpeername) on first use, which
 * fails once the peer reset the connection, even for a socket just accepted.
 */
export function isConnected(socket: Socket): boolean {
  return (
    socket.localAddress !== undefined &&
    socket.localPort !== undefined &&
    socket.remoteAddress !== undefined &&
    socket.remotePort !== undefined
  );
}

function endpoint(address: string | undefined, port: number | undefined): Endpoint<Ipaddr> {
  if (address === undefined || port === undefined) throw new Error("the socket is not connected");
  return { addr: fromSocketAddress(address), port };
}

/** A connected socket as a flow. */
export class SocketTcpFlow implements TcpFlow<Ipaddr> {
  readonly #socket: Socket;
  readonly #reader: StreamReader<TcpError>;
  readonly #src: Endpoint<Ipaddr>;
  readonly #dst: Endpoint<Ipaddr>;
  #failure: TcpError | undefined;
  #writeClosed = false;
  #aborted = false;

  /** Wraps a connected socket (created with `allowHalfOpen`, so half-closing works). */
  constructor(socket: Socket) {
    this.#socket = socket;
    // Addresses are read now: Node forgets them once the socket is closed.
    this.#src = endpoint(socket.localAddress, socket.localPort);
    this.#dst = endpoint(socket.remoteAddress, socket.remotePort);
    this.#reader = new StreamReader<TcpError>(socket, {
      readAhead,
      holdLoopOnlyWhileReading: false,
      drainAfterShutdown: true,
      mapError: (error) => {
        this.#failure = tcpErrorOf(error);
        return this.#failure;
      },
    });
  }

  read(): Promise<Result<ReadResult, TcpError>> {
    return this.#reader.read();
  }

  write(buffer: Uint8Array): Promise<Result<void, TcpWriteError>> {
    return this.writev([buffer]);
  }

  async writev(buffers: readonly Uint8Array[]): Promise<Result<void, TcpWriteError>> {
    if (this.#failure !== undefined) return err(this.#failure);
    if (this.#writeClosed) return err({ kind: "closed" });
    const error = await writeBuffers(this.#socket, buffers);
    // Node completes a write cut short by the socket's destruction without an error.
    if (this.#aborted) return err({ kind: "closed" });
    if (error === undefined) return ok();
    if (this.#failure !== undefined) return err(this.#failure);
    const code = errorCode(error);
    return err(code === "ECONNRESET" || code === "ETIMEDOUT" ? tcpErrorOf(error) : { kind: "closed" });
  }

  async shutdown(mode: ShutdownMode): Promise<void> {
    if (mode !== "write") this.#reader.shutdown();
    if (mode !== "read" && !this.#writeClosed) {
      this.#writeClosed = true;
      // Resolves once the FIN is queued after the data written before it.
      await new Promise<void>((resolve) => this.#socket.end(() => resolve()));
    }
  }

  close(): Promise<void> {
    this.#reader.shutdown();
    this.#writeClosed = true;
    const socket = this.#socket;
    if (socket.closed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once("close", () => resolve());
      // Sends what is queued and a FIN, then releases the socket.
      socket.destroySoon();
    });
  }

  /** {@inheritDoc @mirage-ts/mirage-types#TcpFlow.abort} */
  abort(): Promise<void> {
    this.#reader.shutdown();
    this.#writeClosed = true;
    this.#aborted = true;
    // SO_LINGER 0, then close: the kernel drops its send queue and sends a RST; Node frees its own.
    if (!this.#socket.destroyed) this.#socket.resetAndDestroy();
    return this.destroy();
  }

  dst(): Endpoint<Ipaddr> {
    return this.#dst;
  }

  src(): Endpoint<Ipaddr> {
    return this.#src;
  }

  setNoDelay(noDelay: boolean): void {
    this.#socket.setNoDelay(noDelay);
  }

  /** Resolves once the socket is released, for the stack's disconnect. */
  destroy(): Promise<void> {
    const socket = this.#socket;
    if (socket.closed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once("close", () => resolve());
      socket.destroy();
    });
  }
}
