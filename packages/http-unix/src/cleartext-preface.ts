/**
 * h2c with prior knowledge (RFC 9113 §3.3): on a plain port, a connection whose first bytes are the
 * HTTP/2 client preface is HTTP/2, any other is HTTP/1.1. The preface cannot be an HTTP/1.1 request
 * (`PRI * HTTP/2.0` is reserved for it), so both share the port without ambiguity.
 *
 * @packageDocumentation
 */

import type { Duplex } from "node:stream";
import { sniff } from "./first-bytes.js";

/** The client connection preface of HTTP/2. */
const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** What a connection's first bytes say it speaks, or how it ended before saying. */
export type Cleartext = "h2" | "http/1.1" | "timeout" | "closed";

/** Whether `seen` is the preface, departs from it, or is too short to tell. */
function preface(seen: Buffer): "h2" | "http/1.1" | undefined {
  const compared = Math.min(seen.length, PREFACE.length);
  if (!seen.subarray(0, compared).equals(PREFACE.subarray(0, compared))) return "http/1.1";
  return seen.length >= PREFACE.length ? "h2" : undefined;
}

/**
 * Reads the first bytes of `stream` until they either are the HTTP/2 preface or depart from it, then
 * puts them back for the server that takes the connection (see {@link sniff}).
 */
export function sniffCleartext(stream: Duplex, timeoutMs: number): Promise<Cleartext> {
  return sniff(stream, timeoutMs, preface);
}
