/**
 * The web `Request` of a parsed head: its URL from the request target and `Host` (RFC 9112 §3.3),
 * its fields, and its body as a stream.
 *
 * @packageDocumentation
 */

import type { RequestHead } from "./head-parser.js";
import type { RequestBody } from "./request-body.js";

/** The URL a request names, or `undefined` when target and host make none. */
function urlOf(head: RequestHead): URL | undefined {
  const host = head.host === "" ? "localhost" : head.host;
  // The authority must be a host and port only: `new URL` would read `a/b` or `a@b` as more.
  if (/[/?#@\\\s]/.test(host)) return undefined;
  try {
    if (head.target === "*") return new URL(`http://${host}/`);
    if (head.target.startsWith("/")) return new URL(`http://${host}${head.target}`);
    // The absolute form, as a proxy-aware client may send it.
    if (/^https?:\/\//i.test(head.target)) return new URL(head.target);
    return undefined;
  } catch {
    return undefined;
  }
}

/** The request for `head`, its body read from `body`; `undefined` when the head names no valid request. */
export function webRequest(head: RequestHead, body: RequestBody): Request | undefined {
  const url = urlOf(head);
  if (url === undefined) return undefined;
  try {
    const headers = new Headers();
    for (const [name, value] of head.fields) headers.append(name, value);
    const hasBody = head.method !== "GET" && head.method !== "HEAD" && head.framing.kind !== "none";
    const init: RequestInit & { duplex?: "half" } = { method: head.method, headers };
    if (hasBody) {
      init.body = body.stream();
      init.duplex = "half";
    }
    return new Request(url, init);
  } catch {
    // A method the fetch standard forbids (CONNECT, TRACE), or a value `Headers` refuses.
    return undefined;
  }
}
