/**
 * The HTTPS server device with its certificate read from a KV store, as Mirage's
 * `static_website_tls` reads `tls/`.
 *
 * @packageDocumentation
 */

import type { HttpServer } from "@mirage-ts/http";
import { StartupError } from "@mirage-ts/mirage-runtime";
import type { KvRo, Tcp } from "@mirage-ts/mirage-types";
import { type TlsCredentialKeys, readTlsCredentials } from "@mirage-ts/tls";
import { type NodeHttpServerOptions, connectHttpServer } from "./http-server.js";

/**
 * Options of {@link connectHttpsServer}.
 *
 * @beta
 */
export interface NodeHttpsServerOptions extends Omit<NodeHttpServerOptions, "tls"> {
  /** The store keys of the certificate chain and key: `server.pem` and `server.key` by default. */
  readonly keys?: TlsCredentialKeys;
}

/**
 * An HTTPS server (HTTP/2 and HTTP/1.1 by ALPN) over `tcp`, its certificate chain and key read from
 * `certs`. A missing file, a file that is not PEM of the right kind, a certificate or key that does
 * not parse or a key that does not match fails here, with the file named.
 *
 * @beta
 */
export async function connectHttpsServer(
  tcp: Tcp<unknown>,
  certs: KvRo,
  options: NodeHttpsServerOptions = {},
): Promise<HttpServer> {
  const credentials = await readTlsCredentials(certs, options.keys);
  if (!credentials.ok) throw new StartupError(credentials.error.message);
  const { keys: _keys, ...rest } = options;
  return connectHttpServer(tcp, { ...rest, tls: { credentials: [credentials.value] } });
}
