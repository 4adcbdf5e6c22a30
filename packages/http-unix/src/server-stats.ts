/**
 * The counters of an HTTP server, mutable inside the package.
 *
 * @packageDocumentation
 */

import type { HttpServerStats } from "@mirage-ts/http";

/** Counters, written by the server and read through `stats()`. */
export type ServerCounters = { -readonly [K in keyof HttpServerStats]: HttpServerStats[K] };

/** Counters at zero. */
export function serverCounters(): ServerCounters {
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
