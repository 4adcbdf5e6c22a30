/**
 * Between Node's HTTP objects and the web's `Request`/`Response`: bodies stream both ways, with
 * Node's backpressure, and nothing gathers a whole body.
 *
 * @packageDocumentation
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

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

/** Writes `response` to `res`, streaming its body; resolves when the body is sent. */
export async function sendResponse(res: NodeResponse, response: Response, h2: boolean, head: boolean): Promise<void> {
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
  await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), res);
}

/** A plain-text response with `status`, closing an HTTP/1 connection. */
export function plainResponse(status: number, text: string): Response {
  return new Response(`${text}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}
