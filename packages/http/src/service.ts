/**
 * A web service served over HTTPS or plain HTTP as the unikernel's run-time arguments say (Mirage's
 * `--tls`, `--http-port`, `--https-port`): one unikernel, either protocol, chosen at boot.
 *
 * @packageDocumentation
 */

import type { Device } from "@mirage-ts/mirage-types";
import type { HttpHandler } from "./handler.js";
import type { HttpServerStats } from "./server.js";

/**
 * A web service. With TLS it serves its handler over HTTPS (HTTP/2 and HTTP/1.1 by ALPN) on the
 * HTTPS port and answers every plain HTTP request on the HTTP port with a redirect to the same path
 * over HTTPS, as mirage-skeleton's static_website_tls; without, it serves the handler over plain
 * HTTP (HTTP/1.1, and HTTP/2 with prior knowledge) on the HTTP port.
 *
 * @beta
 */
export interface HttpService extends Device {
  /** Whether the handler is served over HTTPS. */
  readonly tls: boolean;
  /** The TCP port the handler is served on: the HTTPS port with TLS, else the HTTP port. */
  readonly port: number;
  /** With TLS, the plain HTTP port that redirects to HTTPS; `undefined` without TLS. */
  readonly redirectPort: number | undefined;
  /** Serves `handler`, replacing an earlier one. */
  serve(handler: HttpHandler): void;
  /**
   * Resolves once every port `serve` listens on (the handler's and, with TLS, the redirecting one) is
   * bound and accepting, or rejects with the first error that stopped one: a start-up line saying the
   * service serves belongs after it.
   *
   * @beta
   */
  listening?(): Promise<void>;
  /** The counters of the handler's port and the redirecting port together. */
  stats(): HttpServerStats;
}

/**
 * A handler answering every request with a 301 to the same host, path and query over HTTPS on
 * `httpsPort` (the port is left out of the URL when it is 443).
 *
 * @beta
 */
export function redirectToHttps(httpsPort: number): HttpHandler {
  return (request) => {
    const url = new URL(request.url);
    const port = httpsPort === 443 ? "" : `:${httpsPort}`;
    // An IPv6 host keeps its brackets in `hostname`.
    return Response.redirect(`https://${url.hostname}${port}${url.pathname}${url.search}`, 301);
  };
}
