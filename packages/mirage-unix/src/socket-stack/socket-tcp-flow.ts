/**
 * A TCP connection of the host socket stack: `TcpFlow` over a `node:net` socket.
 *
 * @packageDocumentation
 */

import type { Socket } from "node:net";
import type { Endpoint, Ipaddr, ShutdownMode, TcpError, TcpFlow, TcpWriteError } from "@mirage-ts/mirage-types";
import { fromSocketAddress } from "../internal/socket-binding.js";
import { StreamFlow } from "../internal/stream-flow.js";
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
export class SocketTcpFlow extends StreamFlow<Socket, TcpError> implements TcpFlow<Ipaddr> {
  readonly #src: Endpoint<Ipaddr>;
  readonly #dst: Endpoint<Ipaddr>;

  /** Wraps a connected socket (created with `allowHalfOpen`, so half-closing works). */
  constructor(socket: Socket) {
    super(socket, readAhead, tcpErrorOf);
    // Addresses are read now: Node forgets them once the socket is closed.
    this.#src = endpoint(socket.localAddress, socket.localPort);
    this.#dst = endpoint(socket.remoteAddress, socket.remotePort);
  }

  protected writeErrorOf(error: Error): TcpWriteError {
    const code = errorCode(error);
    return code === "ECONNRESET" || code === "ETIMEDOUT" ? tcpErrorOf(error) : { kind: "closed" };
  }

  async shutdown(mode: ShutdownMode): Promise<void> {
    if (mode !== "write") this.reader.shutdown();
    if (mode !== "read" && !this.writeClosed) {
      this.writeClosed = true;
      // Resolves once the FIN is queued after the data written before it.
      await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    }
  }

  close(): Promise<void> {
    this.reader.shutdown();
    this.writeClosed = true;
    const socket = this.stream;
    if (socket.closed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once("close", () => resolve());
      // Sends what is queued and a FIN, then releases the socket.
      socket.destroySoon();
    });
  }

  /** {@inheritDoc @mirage-ts/mirage-types#TcpFlow.abort} */
  abort(): Promise<void> {
    this.reader.shutdown();
    this.writeClosed = true;
    this.aborted = true;
    // SO_LINGER 0, then close: the kernel drops its send queue and sends a RST; Node frees its own.
    if (!this.stream.destroyed) this.stream.resetAndDestroy();
    return this.destroy();
  }

  dst(): Endpoint<Ipaddr> {
    return this.#dst;
  }

  src(): Endpoint<Ipaddr> {
    return this.#src;
  }

  setNoDelay(noDelay: boolean): void {
    this.stream.setNoDelay(noDelay);
  }

  /** Resolves once the socket is released, for the stack's disconnect. */
  destroy(): Promise<void> {
    const socket = this.stream;
    if (socket.closed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once("close", () => resolve());
      socket.destroy();
    });
  }
}
