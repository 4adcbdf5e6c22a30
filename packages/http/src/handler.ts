/**
 * The fetch-standard handler a server serves, and what it learns of the connection.
 *
 * @packageDocumentation
 */

/**
 * What the server knows of the connection a request came on.
 *
 * @beta
 */
export interface ConnectionInfo {
  /** The peer's address and port, as text (`10.0.0.2`, `fe80::1`). */
  readonly remote: { readonly address: string; readonly port: number };
  /** Our address and port. */
  readonly local: { readonly address: string; readonly port: number };
  /** The protocol the request came by. */
  readonly protocol: "http/1.1" | "http/1.0" | "h2";
  /** Whether the connection is TLS. */
  readonly tls: boolean;
  /** The server name the client asked for by SNI, on TLS connections that sent one. */
  readonly servername?: string;
}

/**
 * A request handler in the convention of Hono, `Deno.serve`, `Bun.serve` and Workers: it gets a web
 * `Request` (its body a `ReadableStream`, read only as the handler pulls it) and returns a web
 * `Response` (a streamed body is sent as it is produced, never gathered first).
 *
 * @beta
 */
export type HttpHandler = (request: Request, info: ConnectionInfo) => Response | Promise<Response>;
