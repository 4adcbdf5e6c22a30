/**
 * The platform-neutral HTTP/1.1 server: the `HttpServer` device over the flows of any stack, on web
 * APIs only, for targets without Node's llhttp (the browser, the simulation).
 *
 * @packageDocumentation
 */

import type { Flow, Tcp } from "@mirage-ts/mirage-types";
import type { ConnectionInfo, HttpHandler } from "../handler.js";
import { type HttpLimits, httpLimits } from "../limits.js";
import { portListening } from "../port-listening.js";
import type { HttpServer, HttpServerStats } from "../server.js";
import { httpServerCounters } from "../server-counters.js";
import { type HttpTimers, globalTimers } from "../timers.js";
import { type ConnectionContext, Http1Connection } from "./connection.js";

/**
 * Options of {@link connectHttp1Server}.
 *
 * @beta
 */
export interface Http1ServerOptions {
  /** Limits; {@link defaultHttpLimits} for those not given. */
  readonly limits?: Partial<HttpLimits>;
  /** The timers of the head and idle timeouts; the global `setTimeout` when not given. */
  readonly timers?: HttpTimers;
  /** Where handler failures are reported; `console.error` when not given. */
  readonly log?: (message: string) => void;
}

/** The addresses of a TCP flow, or none for another flow. */
function endpoints(flow: Flow<unknown, unknown>): Pick<ConnectionInfo, "remote" | "local"> {
  const tcp = flow as Partial<{ dst(): { addr: unknown; port: number }; src(): { addr: unknown; port: number } }>;
  const end = (get: (() => { addr: unknown; port: number }) | undefined) => {
    if (get === undefined) return { address: "", port: 0 };
    const e = get.call(flow);
    return { address: String(e.addr), port: e.port };
  };
  return { remote: end(tcp.dst), local: end(tcp.src) };
}

class Http1Server implements HttpServer {
  readonly #tcp: Tcp<unknown>;
  readonly #context: ConnectionContext;
  readonly #ports = new Set<number>();

  constructor(tcp: Tcp<unknown>, context: ConnectionContext) {
    this.#tcp = tcp;
    this.#context = context;
  }

  listen(port: number, handler: HttpHandler): void {
    this.#ports.add(port);
    this.#tcp.listen(port, (flow) => {
      // Small responses are written whole; Nagle would hold each for the peer's delayed ACK.
      flow.setNoDelay(true);
      return this.serve(flow, handler);
    });
  }

  unlisten(port: number): void {
    this.#tcp.unlisten(port);
    this.#ports.delete(port);
  }

  listening(port: number): Promise<void> {
    return portListening(this.#tcp, this.#ports, port);
  }

  serve(flow: Flow<unknown, unknown>, handler: HttpHandler): Promise<void> {
    const info = { ...endpoints(flow), tls: false };
    return new Http1Connection(flow, handler, info, this.#context).run();
  }

  stats(): HttpServerStats {
    return { ...this.#context.counters };
  }

  async disconnect(): Promise<void> {
    for (const port of this.#ports) this.#tcp.unlisten(port);
    this.#ports.clear();
  }
}

/**
 * An HTTP/1.1 server over the TCP of a stack, written on web APIs only (no Node): keep-alive and
 * pipelining, a strict head parser that answers 400 and closes on every request-smuggling shape, request
 * bodies streamed (Content-Length or chunked), responses with Content-Length when given else chunked,
 * and the limits of {@link HttpLimits}, each answered with its status and counted. A bad limit
 * throws an error naming it.
 *
 * @beta
 */
export function connectHttp1Server(tcp: Tcp<unknown>, options: Http1ServerOptions = {}): HttpServer {
  const limits = httpLimits(options.limits);
  if (!limits.ok) throw new Error(limits.error.message);
  return new Http1Server(tcp, {
    limits: limits.value,
    counters: httpServerCounters(),
    timers: options.timers ?? globalTimers,
    log: options.log ?? ((message) => console.error(message)),
  });
}
