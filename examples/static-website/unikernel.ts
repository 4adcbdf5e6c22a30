import type { ConnectionInfo, HttpServer } from "@mirage-ts/http";
import { info, intConv, logSource, opt, registerArg, sections } from "@mirage-ts/mirage-runtime";
import { Key, type KvRo, type Stack, ppKvError } from "@mirage-ts/mirage-types";
import { byteRange } from "./range.js";

const log = logSource("static-website", "The static website unikernel");

const port = registerArg(
  opt(
    intConv,
    8080,
    info(["port"], { docs: sections.network, docv: "PORT", doc: "The TCP port on which to serve HTTP." }),
  ),
);

// Bodies are read from the store a chunk at a time as the connection takes them, so a large file is
// never held whole.
const CHUNK = 64 * 1024;

const TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  htm: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  txt: "text/plain; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  ico: "image/x-icon",
  wasm: "application/wasm",
  pdf: "application/pdf",
};

function contentType(path: string): string {
  const dot = path.lastIndexOf(".");
  return (
    (dot > path.lastIndexOf("/") ? TYPES[path.slice(dot + 1).toLowerCase()] : undefined) ?? "application/octet-stream"
  );
}

/** The store path of a request path, or `undefined` when it names nothing servable. */
function storePath(pathname: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (!path.startsWith("/") || path.includes("\0")) return undefined;
  const segments = path.split("/").filter((s) => s !== "");
  if (segments.some((s) => s === "." || s === "..")) return undefined;
  if (path.endsWith("/")) segments.push("index.html");
  return segments.join("/");
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

/** The bytes `start` to `end` (exclusive) of `key`, read from the store as the client takes them. */
function storeBody(kv: KvRo, key: Key, start: number, end: number): ReadableStream<Uint8Array> {
  let at = start;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (at >= end) return controller.close();
        const chunk = await kv.getPartial(key, at, Math.min(CHUNK, end - at));
        if (!chunk.ok) {
          // The head is sent: all that is left is to cut the connection short.
          log.warn(`${key.toString()}: ${ppKvError(chunk.error)}`);
          return controller.error(new Error(ppKvError(chunk.error)));
        }
        at += chunk.value.length;
        controller.enqueue(chunk.value);
      },
    },
    { highWaterMark: 0 },
  );
}

async function respond(kv: KvRo, request: Request, url: URL): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD")
    return text(405, "Method Not Allowed\n", { Allow: "GET, HEAD" });
  let path = storePath(url.pathname);
  if (path === undefined) return text(404, "Not Found\n");
  const kind = await kv.exists(Key.v(path));
  if (kind.ok && kind.value === "dictionary") path = `${path}/index.html`;
  const key = Key.v(path);
  const size = await kv.size(key);
  if (!size.ok) {
    if (size.error.kind === "not_found" || size.error.kind === "value_expected") return text(404, "Not Found\n");
    log.warn(`${path}: ${ppKvError(size.error)}`);
    return text(500, "Internal Server Error\n");
  }
  const range = byteRange(request.headers.get("range"), size.value);
  if (range.kind === "unsatisfiable")
    return text(416, "Range Not Satisfiable\n", { "Content-Range": `bytes */${size.value}` });
  const start = range.kind === "range" ? range.start : 0;
  const end = range.kind === "range" ? range.end + 1 : size.value;
  const headers: Record<string, string> = {
    "Content-Type": contentType(key.toString()),
    "Content-Length": String(end - start),
    "Accept-Ranges": "bytes",
  };
  if (range.kind === "range") headers["Content-Range"] = `bytes ${start}-${end - 1}/${size.value}`;
  const body = request.method === "HEAD" || start === end ? null : storeBody(kv, key, start, end);
  return new Response(body, { status: range.kind === "range" ? 206 : 200, headers });
}

/** The access-log line of a response: peer, request line, status and body length. */
function accessLog(request: Request, url: URL, info: ConnectionInfo, response: Response): string {
  const version = info.protocol === "h2" ? "HTTP/2" : info.protocol.toUpperCase();
  const bytes = request.method === "HEAD" ? 0 : Number(response.headers.get("content-length") ?? 0);
  const line = `${request.method} ${url.pathname}${url.search} ${version}`;
  return `${info.remote.address}:${info.remote.port} "${line}" ${response.status} ${bytes}`;
}

export const Website = {
  async start(stack: Stack, kv: KvRo, http: HttpServer): Promise<void> {
    http.listen(port(), async (request, info) => {
      const url = new URL(request.url);
      const response = await respond(kv, request, url);
      // A thunk: the line is only built when info messages are shown (`-l static-website:info`).
      log.info(() => accessLog(request, url, info, response));
      return response;
    });
    await http.listening?.(port()); // said once the port is bound: one in use stops the unikernel first
    log.info(`serving on port ${port()}`);
    await stack.listen();
  },
};
