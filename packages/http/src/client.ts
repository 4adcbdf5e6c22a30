/**
 * The HTTP client device (`Cohttp_mirage.Client`, http-mirage-client in Mirage).
 *
 * @packageDocumentation
 */

import type { Device } from "@mirage-ts/mirage-types";

/**
 * Counters of an HTTP client.
 *
 * @beta
 */
export interface HttpClientStats {
  /** Connections opened (TCP, then TLS for https). */
  readonly connections: number;
  /** Connections that could not be opened. */
  readonly connectFailures: number;
  /** Requests sent. */
  readonly requests: number;
}

/**
 * An HTTP client with `fetch`'s shape, whose connections go through the unikernel's stack. Response
 * bodies stream (`Response.body`); nothing reads a whole body unless asked to.
 *
 * @beta
 */
export interface HttpClient extends Device {
  /** As the standard `fetch`. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** The counters. */
  stats(): HttpClientStats;
}
