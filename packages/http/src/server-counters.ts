/**
 * The counters of an HTTP server as its implementations keep them.
 *
 * @packageDocumentation
 */

import type { HttpServerStats } from "./server.js";

/**
 * Counters an implementation writes and `stats()` copies out.
 *
 * @beta
 */
export type HttpServerCounters = { -readonly [K in keyof HttpServerStats]: HttpServerStats[K] };

/**
 * Counters at zero.
 *
 * @beta
 */
export function httpServerCounters(): HttpServerCounters {
  return {
    connections: 0,
    openConnections: 0,
    requests: 0,
    h2Streams: 0,
    handlerErrors: 0,
    badRequests: 0,
    headTooLarge: 0,
    headTimeouts: 0,
    bodyTooLarge: 0,
    idleClosed: 0,
    tlsFailures: 0,
  };
}
