/**
 * Between Node's HTTP objects and the web's `Request`/`Response`: bodies stream both ways, with
 * Node's backpressure, and nothing gathers a whole body.
 *
 * @packageDocumentation
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Readable, Writable } from "node:stream";

/** A request of either protocol. */
export type NodeRequest = IncomingMessage | Http2ServerRequest;
/** A response of either protocol. */
export type NodeResponse = ServerResponse | Http2ServerResponse;

/** A body over its limit: the request is answered with 413. */
export class BodyTooLarge extends Error {
  constructor(limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/** A byte stream over the request body, failing with {@link BodyTooLarge} past `limit` bytes. */
function bodyOf(req: NodeRequest, limit: number | undefined, onTooLarge: () => void): ReadableStream<Uint8Array> {
  const iterator = (req as Readable)[Symbol.asyncIterator]();
  let received = 0;
  return new ReadableStream<Uint8Array>(
    {
      // Pulled only as the handler reads: Node pauses the connection (and TCP its window) meanwhile.
      async pull(controller) {
        const next = await iterator.next();
        if (next.done === true) {
          controller.close();
          return;
        }
        const chunk = next.value as Buffer;
        received += chunk.length;
        if (limit !== undefined && received > limit) {
          onTooLarge();
          controller.error(new BodyTooLarge(limit));
          return;
        }
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** The web request for a Node request; `undefined` when its target or host is not a URL. */
export function toRequest(
  req: NodeRequest,
  scheme: "http" | "https",
  limit: number | undefined,
  onTooLarge: () => void,
): Request | undefined {
  const authority = req.headers[":authority"] ?? req.headers.host;
  let url: URL;
  try {
    url = new URL(req.url ?? "/", `${scheme}://${typeof authority === "string" ? authority : "localhost"}`);
  } catch {
    return undefined;
  }
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (!name.startsWith(":")) headers.append(name, raw[i + 1] as string);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  if (hasBody) {
    init.body = bodyOf(req, limit, onTooLarge);
    init.duplex = "half";
  }
  try {
    return new Request(url, init);
  } catch {
    return undefined;
  }
}

// Fields that belong to an HTTP/1 connection, refused by HTTP/2 (RFC 9113 §8.2.2).
const CONNECTION_FIELDS = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

/** A field name as HTTP/1 servers conventionally write it (`content-length` as `Content-Length`). */
function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_all, dash: string, letter: string) => dash + letter.toUpperCase());
}

/**
 * How long a response may wait for the peer to take more of it, and what to call when it waited that
 * long (before it is abandoned).
 */
export interface SendStall {
  readonly ms: number;
  readonly onStall: () => void;
}

/**
 * Writes `response` to `res`, streaming its body; resolves when the body is sent. With `stall`, a body
 * the peer takes nothing of for `stall.ms` rejects (the caller destroys `res`): a client that stops
 * reading must not hold its response's buffers for ever. Without, only the response's closing ends
 * the wait (the connection's own write timeout closes it).
 */
export async function sendResponse(
  res: NodeResponse,
  response: Response,
  h2: boolean,
  head: boolean,
  stall: SendStall | undefined,
): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name === "set-cookie" || (h2 && CONNECTION_FIELDS.has(name))) continue;
    // Web headers are lower-case; HTTP/2 requires it, HTTP/1 clients and tools expect the usual case.
    res.setHeader(h2 ? name : titleCase(name), value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader(h2 ? "set-cookie" : "Set-Cookie", cookies);
  if (response.body === null || head) {
    await response.body?.cancel();
    res.end();
    return;
  }
  await writeBody(res, response.body.getReader(), stall);
}

/**
 * Resolves when `res` can take more (`'drain'`), or to `false` once it closed first or `stall.ms`
 * passed (then after `stall.onStall()`).
 */
function drained(res: Writable, stall: SendStall | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (more: boolean) => () => {
      clearTimeout(timer);
      res.off("drain", onDrain);
      res.off("close", onClose);
      if (timedOut) stall?.onStall();
      resolve(more);
    };
    let timedOut = false;
    const onDrain = done(true);
    const onClose = done(false);
    const timer =
      stall === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            onClose();
          }, stall.ms);
    res.once("drain", onDrain);
    res.once("close", onClose);
  });
}

/**
 * Copies a body to `res` chunk by chunk, reading the next chunk only when `res` takes more (Node's
 * backpressure), then ends `res`. A body that fails, or a response closed before the end (the peer
 * went away), rejects after the other side is released. The reader is used directly: Node's
 * `Readable.fromWeb` and `pipeline` build an AbortController, a DOMException and several streams per
 * response, which cost more than the rest of a small response.
 */
async function writeBody(
  res: Writable,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  stall: SendStall | undefined,
): Promise<void> {
  for (;;) {
    let next: Awaited<ReturnType<typeof reader.read>>;
    try {
      next = await reader.read();
    } catch (error) {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    if (next.done) break;
    if (res.destroyed || res.writableEnded) {
      await reader.cancel();
      throw new Error("the response closed before its body was sent");
    }
    if (!res.write(next.value) && !(await drained(res, stall))) {
      await reader.cancel();
      throw new Error("the response closed before its body was sent");
    }
  }
  // 'finish' once the last bytes went to the connection; 'close' when it went away before.
  await new Promise<void>((resolve) => {
    res.once("close", resolve);
    res.end(() => resolve());
  });
}

/** A plain-text response with `status`, closing an HTTP/1 connection. */
export function plainResponse(status: number, text: string): Response {
  return new Response(`${text}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}
