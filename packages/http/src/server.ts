/**
 * The HTTP server device (`Cohttp_mirage.Server`, `Paf_mirage` in Mirage).
 *
 * @packageDocumentation
 */

import type { Device, Flow } from "@mirage-ts/mirage-types";
import type { HttpHandler } from "./handler.js";

/**
 * Counters of an HTTP server. Each refusal is counted by its cause.
 *
 * @beta
 */
export interface HttpServerStats {
  /** Connections taken (TCP, or TLS once its handshake is done). */
  readonly connections: number;
  /** Connections open now. */
  readonly openConnections: number;
  /** Requests handed to the handler. */
  readonly requests: number;
  /** HTTP/2 streams opened (each also a request). */
  readonly h2Streams: number;
  /** Handler failures (a throw or rejected promise), answered with 500. */
  readonly handlerErrors: number;
  /** Malformed requests answered with 400 (smuggling shapes included). */
  readonly badRequests: number;
  /** Heads over the size or field-count limit, answered with 431. */
  readonly headTooLarge: number;
  /** Heads not complete in time, answered with 408 (slowloris). */
  readonly headTimeouts: number;
  /** Bodies over the limit, answered with 413. */
  readonly bodyTooLarge: number;
  /** Idle keep-alive connections closed. */
  readonly idleClosed: number;
  /** TLS handshakes that failed. */
  readonly tlsFailures: number;
}

/**
 * An HTTP server: it serves a handler on the TCP ports it listens on, over HTTP/1.1 and, on TLS
 * ports, HTTP/2 chosen by ALPN.
 *
 * @beta
 */
export interface HttpServer extends Device {
  /** Serves `handler` on TCP `port` of the server's stack; replaces an earlier handler of the port. */
  listen(port: number, handler: HttpHandler): void;
  /** Stops accepting connections on `port`. */
  unlisten(port: number): void;
  /**
   * Resolves once `port` is bound and accepting (the stack's `Tcp.listening`, at once on stacks
   * that bind in `listen`), or rejects with the error that stopped it; rejects for a port not listened
   * on. Say "serving" after it, not after `listen`.
   *
   * @beta
   */
  listening?(port: number): Promise<void>;
  /** Serves the requests of one established flow until it closes. */
  serve(flow: Flow<unknown, unknown>, handler: HttpHandler): Promise<void>;
  /** The counters. */
  stats(): HttpServerStats;
}
