/**
 * What every request goes through, on either protocol: the limits the parser does not enforce
 * (field count, declared body size), the handler, and the response.
 *
 * @packageDocumentation
 */

import type { ConnectionInfo, HttpHandler, HttpLimits, HttpServerCounters } from "@mirage-ts/http";
import {
  type NodeRequest,
  type NodeResponse,
  type SendStall,
  plainResponse,
  sendResponse,
  toRequest,
} from "./request-bridge.js";

interface SocketLike {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  readonly encrypted?: boolean;
  readonly servername?: string | false | null;
  /** Under an h2c session: the stream nghttp2's JSStreamSocket wraps (the flow's duplex, with addresses). */
  readonly stream?: SocketLike;
}

function connectionInfo(req: NodeRequest, h2: boolean): ConnectionInfo {
  const outer = req.socket as SocketLike;
  const socket = outer.remoteAddress === undefined && outer.stream !== undefined ? outer.stream : outer;
  const servername = typeof socket.servername === "string" ? socket.servername : undefined;
  return {
    remote: { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 },
    local: { address: socket.localAddress ?? "", port: socket.localPort ?? 0 },
    protocol: h2 ? "h2" : req.httpVersion === "1.0" ? "http/1.0" : "http/1.1",
    tls: socket.encrypted === true,
    ...(servername === undefined ? {} : { servername }),
  };
}

/**
 * The size of a head as HTTP/2 counts it (RFC 9113 §6.5.2: each field's name and value plus 32 octets),
 * the measure of the `SETTINGS_MAX_HEADER_LIST_SIZE` the server advertises. nghttp2 only enforces its
 * own 64 KiB ceiling, so the server checks the advertised one itself.
 */
function h2HeadBytes(rawHeaders: readonly string[]): number {
  let total = 0;
  for (const field of rawHeaders) total += Buffer.byteLength(field);
  return total + 16 * rawHeaders.length; // 32 per name-value pair
}

/** Answers a request the handler never sees, closing an HTTP/1 connection after it. */
async function refuse(
  res: NodeResponse,
  status: number,
  text: string,
  h2: boolean,
  stall: SendStall | undefined,
): Promise<void> {
  const response = plainResponse(status, text);
  if (!h2) response.headers.set("connection", "close");
  await sendResponse(res, response, h2, false, stall);
}

/**
 * Serves one request with `handler`, within `limits`, counting in `counters`; an HTTP/2 response the
 * peer takes nothing of for `sendTimeoutMs` is abandoned (its stream reset, counted in `idleClosed`).
 * An HTTP/1.1 response has the connection to itself: the connection's write timeout drops both.
 */
export async function handleRequest(
  req: NodeRequest,
  res: NodeResponse,
  handler: HttpHandler,
  limits: HttpLimits,
  counters: HttpServerCounters,
  sendTimeoutMs: number,
): Promise<void> {
  const h2 = req.httpVersionMajor === 2;
  const stall: SendStall | undefined = h2
    ? {
        ms: sendTimeoutMs,
        onStall: () => {
          counters.idleClosed++;
        },
      }
    : undefined;
  counters.requests++;
  if (h2) counters.h2Streams++;
  const scheme = (req.socket as SocketLike).encrypted === true ? "https" : "http";
  try {
    if (req.rawHeaders.length / 2 > limits.maxHeaders || (h2 && h2HeadBytes(req.rawHeaders) > limits.maxHeadBytes)) {
      counters.headTooLarge++;
      return await refuse(res, 431, "Request Header Fields Too Large", h2, stall);
    }
    const declared = req.headers["content-length"];
    if (limits.maxBodyBytes !== undefined && declared !== undefined && Number(declared) > limits.maxBodyBytes) {
      counters.bodyTooLarge++;
      return await refuse(res, 413, "Content Too Large", h2, stall);
    }
    let tooLarge = false;
    const request = toRequest(req, scheme, limits.maxBodyBytes, () => {
      tooLarge = true;
      counters.bodyTooLarge++;
    });
    if (request === undefined) {
      counters.badRequests++;
      return await refuse(res, 400, "Bad Request", h2, stall);
    }
    let response: Response;
    try {
      response = await handler(request, connectionInfo(req, h2));
    } catch {
      if (tooLarge) return await refuse(res, 413, "Content Too Large", h2, stall);
      counters.handlerErrors++;
      response = plainResponse(500, "Internal Server Error");
    }
    if (tooLarge && !res.headersSent) return await refuse(res, 413, "Content Too Large", h2, stall);
    await sendResponse(res, response, h2, req.method === "HEAD", stall);
  } catch {
    // The peer went away mid-response, or the body stream failed: nothing can be said any more.
    res.destroy();
  }
}
