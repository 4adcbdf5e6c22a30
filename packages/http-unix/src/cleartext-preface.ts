/**
 * h2c with prior knowledge (RFC 9113 §3.3): on a plain port, a connection whose first bytes are the
 * HTTP/2 client preface is HTTP/2, any other is HTTP/1.1. The preface cannot be an HTTP/1.1 request
 * (`PRI * HTTP/2.0` is reserved for it), so both share the port without ambiguity.
 *
 * @packageDocumentation
 */

import type { Duplex } from "node:stream";

/** The client connection preface of HTTP/2. */
const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** What a connection's first bytes say it speaks, or how it ended before saying. */
export type Cleartext = "h2" | "http/1.1" | "timeout" | "closed";

/**
 * Reads the first bytes of `stream` until they either are the HTTP/2 preface or depart from it, then
 * puts them back (`unshift`) for the server that takes the connection. A connection that sends
 * nothing decisive within `timeoutMs` is reported as `timeout` (a slow head); one that ends first, as
 * `closed`. The stream is left paused-free: the next `data` listener gets everything from byte 0.
 */
export function sniffCleartext(stream: Duplex, timeoutMs: number): Promise<Cleartext> {
  return new Promise((resolve) => {
    let seen: Buffer = Buffer.alloc(0);
    const finish = (how: Cleartext): void => {
      clearTimeout(timer);
      stream.removeListener("readable", onReadable);
      stream.removeListener("end", onGone);
      stream.removeListener("close", onGone);
      if (seen.length > 0 && (how === "h2" || how === "http/1.1")) stream.unshift(seen);
      resolve(how);
    };
    const onGone = (): void => finish("closed");
    const onReadable = (): void => {
      for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) {
        seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
        const compared = Math.min(seen.length, PREFACE.length);
        if (!seen.subarray(0, compared).equals(PREFACE.subarray(0, compared))) {
          finish("http/1.1");
          return;
        }
        if (seen.length >= PREFACE.length) {
          finish("h2");
          return;
        }
      }
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    stream.on("readable", onReadable);
    stream.once("end", onGone);
    stream.once("close", onGone);
  });
}
