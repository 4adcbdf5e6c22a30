/**
 * What an HTTP server accepts, and the check of a configuration.
 *
 * @packageDocumentation
 */

import { type MsgError, type Result, err, ok } from "@mirage-ts/mirage-types";

/**
 * Limits of an HTTP server. A request over a limit is answered with its status and the connection
 * closed: a head over `maxHeadBytes` or with more than `maxHeaders` fields gets 431, a head not
 * complete within `headTimeoutMs` gets 408, a body over `maxBodyBytes` gets 413.
 *
 * @beta
 */
export interface HttpLimits {
  /** Bytes of a request head (request line and fields). */
  readonly maxHeadBytes: number;
  /** Header fields of one request. */
  readonly maxHeaders: number;
  /** Milliseconds from the first byte of a request to the end of its head (slowloris cut). */
  readonly headTimeoutMs: number;
  /** Milliseconds an idle keep-alive connection is kept. */
  readonly keepAliveTimeoutMs: number;
  /** Concurrent streams of one HTTP/2 connection. */
  readonly maxConcurrentStreams: number;
  /** Bytes of one request body; `undefined` for no limit (the handler reads bodies as streams). */
  readonly maxBodyBytes: number | undefined;
}

/**
 * The limits used where none are given: 16 KiB heads, 100 fields, 10 s for a head, 5 s of keep-alive
 * idleness, 100 HTTP/2 streams, no body limit.
 *
 * @beta
 */
export const defaultHttpLimits: HttpLimits = Object.freeze({
  maxHeadBytes: 16 * 1024,
  maxHeaders: 100,
  headTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConcurrentStreams: 100,
  maxBodyBytes: undefined,
});

const POSITIVE: readonly (keyof HttpLimits)[] = [
  "maxHeadBytes",
  "maxHeaders",
  "headTimeoutMs",
  "keepAliveTimeoutMs",
  "maxConcurrentStreams",
];

/**
 * Completes `limits` with the defaults and checks every value is a positive integer, naming the
 * first one that is not.
 *
 * @beta
 */
export function httpLimits(limits: Partial<HttpLimits> = {}): Result<HttpLimits, MsgError> {
  const complete: HttpLimits = { ...defaultHttpLimits, ...limits };
  const names: (keyof HttpLimits)[] = [...POSITIVE];
  if (complete.maxBodyBytes !== undefined) names.push("maxBodyBytes");
  for (const name of names) {
    const value = complete[name];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0)
      return err({ kind: "msg", message: `HTTP limit ${name}: ${String(value)} is not a positive integer` });
  }
  return ok(complete);
}
