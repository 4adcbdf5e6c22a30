/**
 * The HTTP server device on Node: `node:http` (llhttp) for HTTP/1.1, and on TLS ports `node:tls`
 * (OpenSSL) with `node:http2` (nghttp2) chosen by ALPN, all over the flows of any stack.
 *
 * @packageDocumentation
 */

import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import {
  type Http2SecureServer,
  type Http2Server,
  type Http2Session,
  createServer as createH2cServer,
  createSecureServer,
} from "node:http2";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import {
  type HttpHandler,
  type HttpLimits,
  type HttpServer,
  type HttpServerCounters,
  type HttpServerStats,
  httpLimits,
  httpServerCounters,
  portListening,
} from "@mirage-ts/http";
import { StartupError } from "@mirage-ts/mirage-runtime";
import type { Flow, Tcp } from "@mirage-ts/mirage-types";
import { FlowDuplex, flowDuplex } from "@mirage-ts/mirage-unix";
import type { TlsServerConfig } from "@mirage-ts/tls";
import { sniffCleartext } from "./cleartext-preface.js";
import { sniff } from "./first-bytes.js";
import { type ServerHandshake, serverHandshake } from "./node-tls.js";
import { refusePlainHttp, tlsOrPlain } from "./plain-on-tls-port.js";
import { handleRequest } from "./request-handling.js";
import { contextFor, tlsDefaults } from "./secure-context.js";

/**
 * Options of {@link connectHttpServer}.
 *
 * @beta
 */
export interface NodeHttpServerOptions {
  /** Limits; {@link @mirage-ts/http#defaultHttpLimits} for those not given. */
  readonly limits?: Partial<HttpLimits>;
  /**
   * Serve HTTPS: TLS with these certificates, then HTTP/2 or HTTP/1.1 as ALPN agrees (`h2` and
   * `http/1.1` are offered when `alpnProtocols` is not given).
   */
  readonly tls?: TlsServerConfig;
  /**
   * Milliseconds a response may wait for the peer to take more of it (30 000 when not given): past
   * them the response is abandoned and counted in `idleClosed`, so a client that stops reading does
   * not hold its buffers for ever. An HTTP/2 stream is reset; a connection whose peer took no byte
   * for that long (an HTTP/1.1 response, or HTTP/2 frames queued below the streams) is reset (RST),
   * on every stack, and what it held is released.
   */
  readonly sendTimeoutMs?: number;
}

const DEFAULT_SEND_TIMEOUT_MS = 30_000;

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
};

// How often Node looks for heads that took too long: a fraction of the timeout, so a slow head is
// cut between one and one and a quarter timeouts.
function checkingInterval(limits: HttpLimits): number {
  return Math.max(50, Math.min(1000, Math.floor(limits.headTimeoutMs / 4)));
}

type Http1Server = Server<typeof IncomingMessage, typeof ServerResponse>;

/** Sets the HTTP/1 limits of a Node server (its own, or the HTTP/1 side of an HTTP/2 server). */
function http1Limits(server: Http1Server | Http2SecureServer, limits: HttpLimits): void {
  Object.assign(server, {
    maxHeaderSize: limits.maxHeadBytes,
    // One more than the limit is kept so that a request over it is seen (and refused), not truncated.
    maxHeadersCount: limits.maxHeaders + 1,
    headersTimeout: limits.headTimeoutMs,
    requestTimeout: 0,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: checkingInterval(limits),
    timeout: 0,
    // A client may half-close after its request (HTTP/1.1 allows it): the pending responses are still
    // sent, then the connection ends. Node's default would drop them at the client's FIN.
    httpAllowHalfOpen: true,
  });
}

/** Answers what llhttp refused, and heads that took too long; counts each. */
function onClientError(counters: HttpServerCounters) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    let status = 400;
    if (error.code === "HPE_HEADER_OVERFLOW") {
      status = 431;
      counters.headTooLarge++;
    } else if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      status = 408;
      counters.headTimeouts++;
    } else if (error.code === "ECONNRESET" || error.code === "EPIPE") {
      socket.destroy();
      return;
    } else {
      counters.badRequests++;
    }
    const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (socket.writable && started !== true) {
      socket.end(`HTTP/1.1 ${status} ${REASONS[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  };
}

/**
 * Gives a secured socket the addresses of the flow under it, as Node's own sockets have them. Node
 * wraps a stream that is not a `net.Socket` in a JSStreamSocket kept as the TLS handle's parent (its
 * `stream`); without it (another Node) the addresses stay unknown, nothing else changes.
 */
function carryAddresses(socket: TLSSocket): void {
  const handle = (socket as TLSSocket & { _handle?: { _parentWrap?: { stream?: unknown } } })._handle;
  defineAddresses(socket, handle?._parentWrap?.stream);
}

function defineAddresses(socket: object, under: unknown): void {
  if (!(under instanceof FlowDuplex)) return;
  for (const name of ["remoteAddress", "remotePort", "remoteFamily", "localAddress", "localPort"] as const) {
    Object.defineProperty(socket, name, { value: under[name], configurable: true });
  }
}

/** The HTTP/2 settings both the TLS and the cleartext (h2c) servers apply. */
function h2Options(limits: HttpLimits) {
  return {
    settings: { maxConcurrentStreams: limits.maxConcurrentStreams, maxHeaderListSize: limits.maxHeadBytes },
    maxHeaderListPairs: limits.maxHeaders + 8,
  };
}

/** Closes an HTTP/2 session idle past the keep-alive timeout, counting it. */
function idleSessions(limits: HttpLimits, counters: HttpServerCounters) {
  return (session: Http2Session): void => {
    session.setTimeout(limits.keepAliveTimeoutMs, () => {
      counters.idleClosed++;
      session.close();
    });
  };
}

/** One Node server serving one handler. */
class HandlerServer {
  readonly #counters: HttpServerCounters;
  readonly #limits: HttpLimits;
  readonly #sendTimeoutMs: number;
  readonly #plain: Http1Server | undefined;
  /** HTTP/2 with prior knowledge on the plain port, chosen by the connection's preface. */
  readonly #h2c: Http2Server | undefined;
  readonly #secure: Http2SecureServer | undefined;

  constructor(
    handler: HttpHandler,
    limits: HttpLimits,
    counters: HttpServerCounters,
    tls: ServerHandshake | undefined,
    sendTimeoutMs: number,
  ) {
    this.#counters = counters;
    this.#limits = limits;
    this.#sendTimeoutMs = sendTimeoutMs;
    const listener = (req: Parameters<typeof handleRequest>[0], res: Parameters<typeof handleRequest>[1]): void => {
      void handleRequest(req, res, handler, limits, counters, sendTimeoutMs);
    };
    const server =
      tls === undefined
        ? createServer({ insecureHTTPParser: false }, listener)
        : createSecureServer(
            {
              allowHTTP1: true,
              // tls.Server runs the handshake (its 'secureConnection' is what HTTP/2 attaches to), with
              // the first certificate by default and the others by SNI.
              cert: Buffer.from(tls.credentials[0].certificate),
              key: Buffer.from(tls.credentials[0].key),
              SNICallback: (name, callback) => callback(null, contextFor(tls.contexts, name)),
              minVersion: tls.minVersion,
              ...tlsDefaults,
              handshakeTimeout: limits.headTimeoutMs,
              ...h2Options(limits),
            },
            listener,
          );
    http1Limits(server, limits);
    server.on("clientError", onClientError(counters));
    // Node's HTTP/1 idle connections: a keep-alive connection past its time is closed and counted.
    server.on("timeout", (socket: Duplex) => {
      counters.idleClosed++;
      socket.destroy();
    });
    if (tls === undefined) {
      this.#plain = server as Http1Server;
      this.#h2c = createH2cServer(h2Options(limits), listener);
      this.#h2c.on("session", idleSessions(limits, counters));
    } else {
      this.#secure = server as Http2SecureServer;
      this.#secure.prependListener("secureConnection", carryAddresses);
      this.#secure.on("tlsClientError", () => {
        counters.tlsFailures++;
      });
      this.#secure.on("session", idleSessions(limits, counters));
    }
    // No socket is listened on (connections are handed over with 'connection'), so Node's periodic
    // check of slow heads is started as `listen()` would start it.
    server.emit("listening");
  }

  /** Serves the connection of `flow` until it closes. */
  async accept(flow: Flow<unknown, unknown>): Promise<void> {
    const counters = this.#counters;
    counters.connections++;
    counters.openConnections++;
    const duplex = flowDuplex(flow);
    // No Nagle, as Node's own HTTP server: TLS flights and HTTP/2 frames are small writes that would
    // otherwise wait for the peer's delayed ACK on the host socket stack.
    duplex.setNoDelay(true);
    // A peer that takes nothing of what is written for the send timeout is dropped with a RST: what
    // waits for it (an HTTP/1.1 response, or the HTTP/2 frames of many streams under their own
    // timeouts) sits below the responses, and a close would wait for the peer to read it.
    duplex.setWriteTimeout(this.#sendTimeoutMs, () => {
      counters.idleClosed++;
      duplex.resetAndDestroy();
    });
    const closed = new Promise<void>((resolve) => duplex.once("close", resolve));
    if (this.#plain !== undefined) {
      await this.#acceptCleartext(duplex, this.#plain);
    } else if (this.#secure !== undefined) {
      await this.#acceptSecure(duplex, this.#secure);
    }
    await closed;
    counters.openConnections--;
  }

  /** Hands a plain connection to HTTP/2 (h2c, prior knowledge) or HTTP/1.1 by its first bytes. */
  async #acceptCleartext(duplex: Duplex, plain: Http1Server): Promise<void> {
    const speaks = await sniffCleartext(duplex, this.#limits.headTimeoutMs);
    if (speaks === "h2") {
      this.#h2c?.emit("connection", duplex);
    } else if (speaks === "http/1.1") {
      plain.emit("connection", duplex);
    } else if (speaks === "timeout") {
      // Not one byte of a head in time: the slow-head answer HTTP/1.1 would give.
      this.#counters.headTimeouts++;
      duplex.end("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      duplex.destroy();
    } else {
      duplex.destroy();
    }
  }

  /**
   * Hands a connection to TLS when its first byte opens a TLS handshake; plain HTTP sent to the TLS
   * port is answered with nginx's 400 (counted in `badRequests`) rather than left to a handshake
   * failure the client cannot read.
   */
  async #acceptSecure(duplex: Duplex, secure: Http2SecureServer): Promise<void> {
    const { headTimeoutMs, maxHeadBytes } = this.#limits;
    const speaks = await sniff(duplex, headTimeoutMs, tlsOrPlain);
    if (speaks === "tls") {
      secure.emit("connection", duplex);
    } else if (speaks === "plain") {
      this.#counters.badRequests++;
      refusePlainHttp(duplex, maxHeadBytes, headTimeoutMs);
    } else {
      // Not one byte of a handshake in time (the handshake timeout's case), or gone before it.
      if (speaks === "timeout") this.#counters.tlsFailures++;
      duplex.destroy();
    }
  }

  close(): void {
    this.#plain?.closeAllConnections();
    this.#plain?.close();
    this.#h2c?.close();
    this.#secure?.close();
  }
}

class NodeHttpServer implements HttpServer {
  readonly #tcp: Tcp<unknown>;
  readonly #limits: HttpLimits;
  readonly #tls: ServerHandshake | undefined;
  readonly #sendTimeoutMs: number;
  readonly #counters = httpServerCounters();
  readonly #ports = new Map<number, HandlerServer>();
  readonly #byHandler = new WeakMap<HttpHandler, HandlerServer>();

  constructor(tcp: Tcp<unknown>, limits: HttpLimits, tls: ServerHandshake | undefined, sendTimeoutMs: number) {
    this.#tcp = tcp;
    this.#limits = limits;
    this.#tls = tls;
    this.#sendTimeoutMs = sendTimeoutMs;
  }

  #serverFor(handler: HttpHandler): HandlerServer {
    let server = this.#byHandler.get(handler);
    if (server === undefined) {
      server = new HandlerServer(handler, this.#limits, this.#counters, this.#tls, this.#sendTimeoutMs);
      this.#byHandler.set(handler, server);
    }
    return server;
  }

  listen(port: number, handler: HttpHandler): void {
    const server = this.#serverFor(handler);
    this.#ports.set(port, server);
    this.#tcp.listen(port, (flow) => server.accept(flow));
  }

  unlisten(port: number): void {
    this.#tcp.unlisten(port);
    this.#ports.delete(port);
  }

  listening(port: number): Promise<void> {
    return portListening(this.#tcp, this.#ports, port);
  }

  serve(flow: Flow<unknown, unknown>, handler: HttpHandler): Promise<void> {
    return this.#serverFor(handler).accept(flow);
  }

  stats(): HttpServerStats {
    return { ...this.#counters };
  }

  async disconnect(): Promise<void> {
    for (const [port, server] of this.#ports) {
      this.#tcp.unlisten(port);
      server.close();
    }
    this.#ports.clear();
  }
}

/**
 * An HTTP server over the TCP of a stack (`stack.tcp()`, the direct stack's or the host socket
 * stack's): HTTP/1.1 on Node's llhttp, or with `tls` HTTPS with HTTP/2 (nghttp2) and HTTP/1.1 by
 * ALPN. Limits are checked, and every certificate and key parsed, before it returns: a bad value
 * throws an error naming the limit or the file.
 *
 * @beta
 */
export function connectHttpServer(tcp: Tcp<unknown>, options: NodeHttpServerOptions = {}): HttpServer {
  const limits = httpLimits(options.limits);
  if (!limits.ok) throw new Error(limits.error.message);
  const sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  if (!Number.isSafeInteger(sendTimeoutMs) || sendTimeoutMs <= 0)
    throw new Error(`sendTimeoutMs: ${String(sendTimeoutMs)} is not a positive integer`);
  let tls: ServerHandshake | undefined;
  if (options.tls !== undefined) {
    const alpnProtocols = options.tls.alpnProtocols ?? ["h2", "http/1.1"];
    const handshake = serverHandshake({ ...options.tls, alpnProtocols }, limits.value.headTimeoutMs);
    if (!handshake.ok) throw new StartupError(handshake.error.message);
    tls = handshake.value;
  }
  return new NodeHttpServer(tcp, limits.value, tls, sendTimeoutMs);
}
