/**
 * A web `Response` written as HTTP/1.1: the status line, the fields, and the body with
 * Content-Length when the response gives it, else chunked (close-delimited for an HTTP/1.0 client).
 * Each write is awaited before the next chunk is read from the body (the flow's backpressure).
 *
 * @packageDocumentation
 */

import type { Flow } from "@mirage-ts/mirage-types";
import { reasonPhrase } from "./reason-phrases.js";

const encoder = new TextEncoder();
const CRLF = encoder.encode("\r\n");
const LAST_CHUNK = encoder.encode("0\r\n\r\n");

// Fields the server writes itself from how it frames the body and the connection.
const FRAMING = new Set(["connection", "content-length", "transfer-encoding", "keep-alive"]);
const DIGITS = /^[0-9]{1,15}$/;

/** How a response is to be written. */
export interface ResponseContext {
  /** The request's version: an HTTP/1.0 client gets no chunked coding. */
  readonly version: "1.0" | "1.1";
  /** A HEAD request: fields only. */
  readonly head: boolean;
  /** Whether the connection may stay open after this response. */
  readonly keepAlive: boolean;
}

/** What writing a response gave. */
export interface WriteOutcome {
  /** Every byte went out. */
  readonly sent: boolean;
  /** The connection must close now (asked, or the body's end is the connection's end). */
  readonly close: boolean;
}

/** A field name as HTTP/1 servers conventionally write it (`content-length` as `Content-Length`). */
function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_all, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** Statuses whose responses have no body (RFC 9110 §6.4.1). */
function bodiless(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/** The head of `response`, with the framing fields chosen here. */
function headOf(response: Response, framing: string[], close: boolean, context: ResponseContext): Uint8Array {
  const reason = response.statusText !== "" ? response.statusText : reasonPhrase(response.status);
  let head = `HTTP/1.1 ${response.status} ${reason}\r\n`;
  for (const [name, value] of response.headers) {
    if (name === "set-cookie" || FRAMING.has(name)) continue;
    head += `${titleCase(name)}: ${value}\r\n`;
  }
  for (const cookie of response.headers.getSetCookie()) head += `Set-Cookie: ${cookie}\r\n`;
  for (const field of framing) head += `${field}\r\n`;
  if (close) head += "Connection: close\r\n";
  else if (context.version === "1.0") head += "Connection: keep-alive\r\n";
  return encoder.encode(`${head}\r\n`);
}

/** Whether the response's own `Connection` field asks to close. */
function asksClose(response: Response): boolean {
  return (response.headers.get("connection") ?? "")
    .toLowerCase()
    .split(",")
    .some((token) => token.trim() === "close");
}

async function send(flow: Flow<unknown, unknown>, buffers: readonly Uint8Array[]): Promise<boolean> {
  try {
    const written = buffers.length === 1 ? await flow.write(buffers[0] as Uint8Array) : await flow.writev(buffers);
    return written.ok;
  } catch {
    return false;
  }
}

/** Writes `response` on `flow`; the body is read a chunk at a time, each written before the next read. */
export async function writeResponse(
  flow: Flow<unknown, unknown>,
  response: Response,
  context: ResponseContext,
): Promise<WriteOutcome> {
  const declared = response.headers.get("content-length");
  const length = declared !== null && DIGITS.test(declared) ? Number(declared) : undefined;
  const noBody = bodiless(response.status);
  const body = context.head || noBody ? null : response.body;
  if (body === null) await response.body?.cancel().catch(() => {});
  const chunked = body !== null && length === undefined && context.version === "1.1";
  // Without a length an HTTP/1.0 client reads to the connection's end.
  let close = !context.keepAlive || asksClose(response) || (body !== null && length === undefined && !chunked);
  const framing: string[] = [];
  if (length !== undefined && !noBody) framing.push(`Content-Length: ${length}`);
  else if (chunked) framing.push("Transfer-Encoding: chunked");
  else if (response.body === null && !noBody) framing.push("Content-Length: 0");
  const head = headOf(response, framing, close, context);
  if (body === null) return { sent: await send(flow, [head]), close };
  const reader = body.getReader();
  let pending: Uint8Array[] = [head];
  let left = length;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      let chunk = next.value;
      if (chunk.length === 0) continue;
      if (left !== undefined) {
        // More than the declared length would be read as the next response: cut, and close.
        if (chunk.length > left) {
          chunk = chunk.subarray(0, left);
          close = true;
        }
        left -= chunk.length;
      }
      const framed = chunked ? [encoder.encode(`${chunk.length.toString(16)}\r\n`), chunk, CRLF] : [chunk];
      if (!(await send(flow, [...pending, ...framed]))) {
        await reader.cancel().catch(() => {});
        return { sent: false, close: true };
      }
      pending = [];
      if (left === 0 && close) break;
    }
  } catch {
    // The body failed mid-way: the message cannot be completed, only cut.
    return { sent: false, close: true };
  }
  if (left !== undefined && left > 0) return { sent: false, close: true };
  await reader.cancel().catch(() => {});
  const ending = chunked ? [...pending, LAST_CHUNK] : pending;
  const sent = ending.length === 0 || (await send(flow, ending));
  return { sent, close: close || !sent };
}
