/**
 * `Tcp`: reliable streams over an IP layer (`Tcpip.Tcp.S`).
 *
 * @packageDocumentation
 */

import type { Device, MsgError } from "./device.js";
import { type Flow, type FlowWriteError, ppFlowWriteError } from "./flow.js";
import { printError } from "./internal/error-text.js";
import type { Result } from "./result.js";

/**
 * TCP errors: a connection attempt that timed out or was refused, an established connection the
 * peer reset (or that timed out) under our feet, or another failure of the implementation (for
 * example a host socket error), described by its message.
 *
 * @public
 */
export type TcpError =
  | { readonly kind: "timeout" }
  | { readonly kind: "refused" }
  | { readonly kind: "reset" }
  | MsgError;

/**
 * TCP write errors: TCP errors, and writing after the write side was closed.
 *
 * @public
 */
export type TcpWriteError = TcpError | FlowWriteError;

/**
 * Keepalive settings (`Tcpip.Tcp.Keepalive.t`): probe after `afterNs` of silence, then every
 * `intervalNs`, and give up after `probes` unanswered probes.
 *
 * @public
 */
export interface Keepalive {
  readonly afterNs: bigint;
  readonly intervalNs: bigint;
  readonly probes: number;
}

/**
 * An address and a port.
 *
 * @public
 */
export interface Endpoint<A> {
  readonly addr: A;
  readonly port: number;
}

/**
 * An established TCP connection.
 *
 * @public
 */
export interface TcpFlow<A> extends Flow<TcpError, TcpWriteError> {
  /** The remote end. */
  dst(): Endpoint<A>;
  /** The local end. */
  src(): Endpoint<A>;
  /**
   * Turns Nagle's algorithm off (`true`) or on (`false`, the default): with no-delay, each write is
   * sent at once instead of coalescing small writes while data is unacknowledged.
   */
  setNoDelay(noDelay: boolean): void;
  /**
   * Drops the connection at once (`SO_LINGER` 0, or tcpip's abort): what is queued to send is
   * discarded, the peer gets a RST, pending reads end and pending writes fail. For a peer that stopped
   * taking data, where `close()` would wait for its window to open. Optional: a flow without it can
   * only be closed.
   *
   * @beta
   */
  abort?(): Promise<void>;
}

/**
 * Options of {@link Tcp.listen}.
 *
 * @public
 */
export interface TcpListenOptions {
  readonly keepalive?: Keepalive;
}

/**
 * Options of {@link Tcp.createConnection}.
 *
 * @public
 */
export interface TcpConnectOptions {
  readonly keepalive?: Keepalive;
}

/**
 * A TCP layer for addresses `A`.
 *
 * @public
 */
export interface Tcp<A> extends Device {
  /** Accepts connections on `port`, handing each to `handler`; replaces an earlier listener. */
  listen(port: number, handler: (flow: TcpFlow<A>) => void | Promise<void>, options?: TcpListenOptions): void;
  /** Stops accepting connections on `port`; established ones are not affected. */
  unlisten(port: number): void;
  /**
   * Resolves once the listener of `port` is bound and accepting, or rejects with the error that
   * stopped it (a port in use: the same error the stack reports its own way), so that a unikernel
   * says it serves only once it does. Rejects at once for a port not listened on. Absent on stacks
   * whose `listen` binds before it returns (tcpip's).
   *
   * @beta
   */
  listening?(port: number): Promise<void>;
  /** Opens a connection to `dst`:`port`. */
  createConnection(dst: A, port: number, options?: TcpConnectOptions): Promise<Result<TcpFlow<A>, TcpError>>;
  /** Handles a received TCP segment (the IP payload). */
  input(src: A, dst: A, segment: Uint8Array): Promise<void>;
}

/**
 * Prints a TCP error with upstream's text.
 *
 * @public
 */
export function ppTcpError(error: TcpError): string {
  return printError(error, {
    timeout: "connection attempt timed out",
    refused: "connection attempt was refused",
    reset: "connection was reset by the peer",
  });
}

/**
 * Prints a TCP write error with upstream's text.
 *
 * @public
 */
export function ppTcpWriteError(error: TcpWriteError): string {
  return error.kind === "closed" ? ppFlowWriteError(error) : ppTcpError(error);
}
