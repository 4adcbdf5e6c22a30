/**
 * The `@mirage-ts/http-unix` package: the Node.js implementation of `@mirage-ts/http` and
 * `@mirage-ts/tls`. Node's own machinery runs over the flows of any stack (tcpip's direct stack or
 * the host socket stack) through mirage-unix's `flowDuplex`: `node:http` (llhttp) and `node:http2`
 * (nghttp2) serve, `node:tls` (OpenSSL) secures, undici fetches. No HTTP parser is written here.
 *
 * @packageDocumentation
 */

export { connectHttpServer, type NodeHttpServerOptions } from "./http-server.js";
export { connectHttpsServer, type NodeHttpsServerOptions } from "./https-server.js";
export { connectHttpService, type NodeHttpServiceOptions } from "./http-service.js";
export { connectHttpClient, type NodeHttpClientOptions } from "./http-client.js";
export { connectNodeTls, type NodeTlsOptions } from "./node-tls.js";
