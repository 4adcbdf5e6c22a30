import { info, intConv, logSource, opt, registerArg, sections } from "@mirage-ts/mirage-runtime";
import { type Ipaddr, Key, type KvRo, type Stack, type TcpFlow, ppKvError } from "@mirage-ts/mirage-types";
import { type Request, RequestReader, byteRange, keepAlive, responseHead } from "./http.js";

const log = logSource("static-website", "The static website unikernel");

const port = registerArg(
  opt(
    intConv,
    8080,
    info(["port"], { docs: sections.network, docv: "PORT", doc: "The TCP port on which to serve HTTP." }),
  ),
);

// Bodies are read from the store and written a chunk at a time, so a large file is never held whole.
const CHUNK = 64 * 1024;
const encoder = new TextEncoder();

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

/** The store path of a request target, or `undefined` when it names nothing servable. */
function storePath(target: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(target.split(/[?#]/, 1)[0] ?? "");
  } catch {
    return undefined;
  }
  if (!path.startsWith("/") || path.includes("\0")) return undefined;
  const segments = path.split("/").filter((s) => s !== "");
  if (segments.some((s) => s === "." || s === "..")) return undefined;
  if (path.endsWith("/")) segments.push("index.html");
  return segments.join("/");
}

type Sent = { readonly status: number; readonly bytes: number };

async function respond(flow: TcpFlow<Ipaddr>, kv: KvRo, request: Request, close: boolean): Promise<Sent | undefined> {
  const connection = close ? "close" : "keep-alive";
  const simple = async (
    status: number,
    text: string,
    extra: Record<string, string> = {},
  ): Promise<Sent | undefined> => {
    const body = request.method === "HEAD" ? new Uint8Array(0) : encoder.encode(text);
    const head = responseHead(status, {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Length": encoder.encode(text).length,
      Connection: connection,
      ...extra,
    });
    return (await flow.writev([head, body])).ok ? { status, bytes: body.length } : undefined;
  };
  if (request.method !== "GET" && request.method !== "HEAD")
    return simple(405, "Method Not Allowed\n", { Allow: "GET, HEAD" });
  let path = storePath(request.target);
  if (path === undefined) return simple(404, "Not Found\n");
  const kind = await kv.exists(Key.v(path));
  if (kind.ok && kind.value === "dictionary") path = `${path}/index.html`;
  const key = Key.v(path);
  const size = await kv.size(key);
  if (!size.ok) {
    if (size.error.kind === "not_found" || size.error.kind === "value_expected") return simple(404, "Not Found\n");
    log.warn(`${path}: ${ppKvError(size.error)}`);
    return simple(500, "Internal Server Error\n");
  }
  const range = byteRange(request.headers.get("range"), size.value);
  if (range.kind === "unsatisfiable")
    return simple(416, "Range Not Satisfiable\n", { "Content-Range": `bytes */${size.value}` });
  const start = range.kind === "range" ? range.start : 0;
  const end = range.kind === "range" ? range.end + 1 : size.value;
  const status = range.kind === "range" ? 206 : 200;
  const fields: Record<string, string | number> = {
    "Content-Type": contentType(key.toString()),
    "Content-Length": end - start,
    "Accept-Ranges": "bytes",
    Connection: connection,
  };
  if (range.kind === "range") fields["Content-Range"] = `bytes ${start}-${end - 1}/${size.value}`;
  const head = responseHead(status, fields);
  if (request.method === "HEAD" || start === end) return (await flow.write(head)).ok ? { status, bytes: 0 } : undefined;
  for (let at = start; at < end; at += CHUNK) {
    const chunk = await kv.getPartial(key, at, Math.min(CHUNK, end - at));
    if (!chunk.ok) {
      log.warn(`${path}: ${ppKvError(chunk.error)}`);
      // Before the head is sent the client still gets a 500; after it, all that is left is to cut
      // the connection short.
      return at === start ? simple(500, "Internal Server Error\n") : undefined;
    }
    // The head goes out with the first chunk: a small file is one segment, and no write waits for
    // the ACK of a lone head (Nagle's algorithm against the client's delayed ACK).
    const written = at === start ? await flow.writev([head, chunk.value]) : await flow.write(chunk.value);
    if (!written.ok) return undefined;
  }
  return { status, bytes: end - start };
}

/** Serves the requests of one connection until the peer closes it or asks to. */
async function serve(flow: TcpFlow<Ipaddr>, kv: KvRo): Promise<void> {
  const peer = `${flow.dst().addr.toString()}:${flow.dst().port}`;
  const reader = new RequestReader(flow);
  for (;;) {
    const next = await reader.next();
    if (next.kind === "eof") break;
    if (next.kind === "bad") {
      await flow.write(responseHead(next.status, { "Content-Length": 0, Connection: "close" }));
      log.info(`${peer} bad request: ${next.status}`);
      break;
    }
    const { request } = next;
    const close = !keepAlive(request);
    const sent = await respond(flow, kv, request, close);
    if (sent === undefined) break;
    log.info(`${peer} "${request.method} ${request.target} ${request.version}" ${sent.status} ${sent.bytes}`);
    if (close) break;
  }
  await flow.close();
}

export const Website = {
  async start(stack: Stack, kv: KvRo): Promise<void> {
    stack.tcp().listen(port(), (flow) => serve(flow, kv));
    log.info(`serving on port ${port()}`);
    await stack.listen();
  },
};
