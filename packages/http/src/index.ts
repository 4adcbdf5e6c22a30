/**
 * The `@mirage-ts/http` package: platform-neutral HTTP device signatures. A server serves a
 * fetch-standard handler (`(request, info) => Response`), a client is `fetch`-shaped, and bodies
 * stream as web `ReadableStream`s. Its declarations use the web's `Request` and `Response`: a
 * consumer gets them from the `DOM` lib or from `@types/node`. It also holds the HTTP/1.1 server of
 * targets without Node (`connectHttp1Server`), on web APIs only.
 *
 * @packageDocumentation
 */

export type { ConnectionInfo, HttpHandler } from "./handler.js";
export { defaultHttpLimits, type HttpLimits, httpLimits } from "./limits.js";
export type { HttpServer, HttpServerStats } from "./server.js";
export { portListening } from "./port-listening.js";
export { type HttpServerCounters, httpServerCounters } from "./server-counters.js";
export { type HttpService, redirectToHttps } from "./service.js";
export type { HttpClient, HttpClientStats } from "./client.js";
export { type HttpTimers, globalTimers } from "./timers.js";
export { connectHttp1Server, type Http1ServerOptions } from "./h1/http1-server.js";
