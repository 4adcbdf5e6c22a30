/**
 * The web service device: HTTPS with a redirecting HTTP port, or plain HTTP, chosen at boot by
 * `--tls` (Mirage's keys), over the TCP of any stack.
 *
 * @packageDocumentation
 */

import {
  type HttpHandler,
  type HttpServer,
  type HttpServerStats,
  type HttpService,
  redirectToHttps,
} from "@mirage-ts/http";
import { StartupError, argumentError } from "@mirage-ts/mirage-runtime";
import type { KvRo, Tcp } from "@mirage-ts/mirage-types";
import { connectHttpServer } from "./http-server.js";
import { type NodeHttpsServerOptions, connectHttpsServer } from "./https-server.js";

/**
 * Options of {@link connectHttpService}.
 *
 * @beta
 */
export interface NodeHttpServiceOptions extends NodeHttpsServerOptions {
  /** Serve HTTPS on `httpsPort`, `httpPort` redirecting to it; else plain HTTP on `httpPort`. */
  readonly tls: boolean;
  /** The plain HTTP port; 80 by default. */
  readonly httpPort?: number;
  /** The HTTPS port; 443 by default. */
  readonly httpsPort?: number;
}

function sum(a: HttpServerStats, b: HttpServerStats): HttpServerStats {
  const total = { ...a };
  for (const name of Object.keys(b) as (keyof HttpServerStats)[]) total[name] += b[name];
  return total;
}

class NodeHttpService implements HttpService {
  readonly tls: boolean;
  readonly port: number;
  readonly redirectPort: number | undefined;
  readonly #main: HttpServer;
  readonly #redirect: HttpServer | undefined;

  constructor(main: HttpServer, redirect: HttpServer | undefined, port: number, redirectPort: number | undefined) {
    this.#main = main;
    this.#redirect = redirect;
    this.tls = redirect !== undefined;
    this.port = port;
    this.redirectPort = redirectPort;
  }

  serve(handler: HttpHandler): void {
    this.#main.listen(this.port, handler);
    if (this.#redirect !== undefined && this.redirectPort !== undefined) {
      this.#redirect.listen(this.redirectPort, redirectToHttps(this.port));
    }
  }

  async listening(): Promise<void> {
    const waits = [this.#main.listening?.(this.port)];
    if (this.redirectPort !== undefined) waits.push(this.#redirect?.listening?.(this.redirectPort));
    await Promise.all(waits);
  }

  stats(): HttpServerStats {
    const main = this.#main.stats();
    return this.#redirect === undefined ? main : sum(main, this.#redirect.stats());
  }

  async disconnect(): Promise<void> {
    await this.#main.disconnect();
    await this.#redirect?.disconnect();
  }
}

/**
 * A web service over `tcp`: with `tls`, HTTPS (HTTP/2 and HTTP/1.1 by ALPN) on `httpsPort` with the
 * certificate chain and key read from `certs` (a bad or missing file fails here, named), and plain
 * HTTP on `httpPort` redirecting every request to it; without, plain HTTP (HTTP/1.1 and h2c) on
 * `httpPort`, `certs` left unread.
 *
 * @beta
 */
export async function connectHttpService(
  tcp: Tcp<unknown>,
  certs: KvRo,
  options: NodeHttpServiceOptions,
): Promise<HttpService> {
  const { tls, httpPort = 80, httpsPort = 443, ...rest } = options;
  if (!tls) return new NodeHttpService(connectHttpServer(tcp, rest), undefined, httpPort, undefined);
  if (httpPort === httpsPort)
    throw new StartupError(`httpPort and httpsPort (--http-port, --https-port) are both ${httpPort}: give two ports`, {
      exitCode: argumentError,
    });
  const secure = await connectHttpsServer(tcp, certs, rest);
  const { keys: _keys, ...limits } = rest;
  return new NodeHttpService(secure, connectHttpServer(tcp, limits), httpsPort, httpPort);
}
