/**
 * The `@mirage-ts/http` package: platform-neutral HTTP device signatures. A server serves a
 * fetch-standard handler (`(request, info) => Response`), a client is `fetch`-shaped, and bodies
 * stream as web `ReadableStream`s. Its declarations use the web's `Request` and `Response`: a
 * consumer gets them from the `DOM` lib or from `@types/node`.
 *
 * @packageDocumentation
 */

export type { ConnectionInfo, HttpHandler } from "./handler.js";
export { defaultHttpLimits, type HttpLimits, httpLimits } from "./limits.js";
export type { HttpServer, HttpServerStats } from "./server.js";
export { type HttpService, redirectToHttps } from "./service.js";
export type { HttpClient, HttpClientStats } from "./client.js";
