/**
 * Plain HTTP sent to the TLS port (`curl http://host:443/`): answered as nginx answers it, with a 400
 * that says what went wrong, instead of a TLS alert the client cannot read or a silent close.
 *
 * @packageDocumentation
 */

import type { Duplex } from "node:stream";

/** The first byte of a TLS handshake record (RFC 8446 §5.1: ContentType handshake), what a client sends first. */
const TLS_HANDSHAKE = 0x16;

/** Whether a connection's first bytes open a TLS handshake or are something else. */
export function tlsOrPlain(seen: Buffer): "tls" | "plain" | undefined {
  if (seen.length === 0) return undefined;
  return seen[0] === TLS_HANDSHAKE ? "tls" : "plain";
}

// A host (name, IPv4, bracketed IPv6) and port as a Host field carries them; anything else is not echoed.
const HOST_FIELD = /^host:[ \t]*([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?[ \t]*\r?$/im;

/** The 400 answer to the plain request whose head (or its start) is `head`. */
export function plainHttpAnswer(head: string): string {
  const host = HOST_FIELD.exec(head);
  const url = host === null ? "https://<host>/" : `https://${host[1]}${host[2] ?? ""}/`;
  const body = `400 Bad Request: a plain HTTP request was sent to the HTTPS port. Use ${url} instead.\n`;
  return (
    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * Answers the plain HTTP request on `stream` with {@link plainHttpAnswer} once its head is in (or
 * `maxHeadBytes` of it, or after `timeoutMs`), then closes. What the client sends is read to its end
 * and dropped: closing with unread bytes would be a reset, which can destroy the answer before the
 * client reads it. The connection lives at most `timeoutMs`.
 */
export function refusePlainHttp(stream: Duplex, maxHeadBytes: number, timeoutMs: number): void {
  let head = "";
  let answered = false;
  const answer = (): void => {
    if (answered) return;
    answered = true;
    stream.end(plainHttpAnswer(head));
  };
  const close = (): void => {
    answer();
    clearTimeout(timer);
    stream.destroy();
  };
  const timer = setTimeout(close, timeoutMs);
  stream.on("data", (chunk: Buffer) => {
    if (answered) return;
    head += chunk.toString("latin1");
    if (head.includes("\r\n\r\n") || head.length >= maxHeadBytes) answer();
  });
  stream.once("end", close);
  stream.once("error", close);
  stream.once("close", () => clearTimeout(timer));
}
