/**
 * `httpGet`: a small HTTP/1.1 client over any {@link @mirage-ts/mirage-types#TcpFlow}, so a test's
 * simulated client fetches from a simulated server. One request per connection
 * (`Connection: close`); the body is delimited by `Content-Length`, or by the end of the stream.
 * Chunked bodies are refused with a clear error.
 *
 * @packageDocumentation
 */

import { type Ipaddr, type TcpFlow, concatBytes, ppTcpError, ppTcpWriteError } from "@mirage-ts/mirage-types";
import { asciiBytes, latin1Text } from "./text.js";

/**
 * Options of {@link httpGet}.
 *
 * @beta
 */
export interface HttpGetOptions {
  /** The `Host` header (default `"sim"`). */
  readonly host?: string;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Receives each piece of the body as it arrives (to hash a large body without holding it). */
  readonly onBody?: (chunk: Uint8Array) => void;
  /** Keep the body in {@link HttpResponse.body} (default `true`). */
  readonly collect?: boolean;
}

/**
 * A response read by {@link httpGet}.
 *
 * @beta
 */
export interface HttpResponse {
  /** The status code. */
  readonly status: number;
  /** The header fields, names in lower case. */
  readonly headers: ReadonlyMap<string, string>;
  /** The body (empty when `collect` is `false`). */
  readonly body: Uint8Array;
  /** The body's length in bytes. */
  readonly bodyLength: number;
}

const HEAD_LIMIT = 64 * 1024;

/**
 * Sends `GET path` on `flow` and reads the response; closes the flow.
 *
 * @throws Error on a connection error, a malformed or chunked response, or a body cut short.
 * @beta
 */
export async function httpGet(
  flow: TcpFlow<Ipaddr>,
  path: string,
  options: HttpGetOptions = {},
): Promise<HttpResponse> {
  const fields = { Host: options.host ?? "sim", Connection: "close", ...options.headers };
  const head = `GET ${path} HTTP/1.1\r\n${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;
  const written = await flow.write(asciiBytes(head));
  if (!written.ok) throw new Error(`GET ${path}: ${ppTcpWriteError(written.error)}`);
  try {
    return await readResponse(flow, path, options);
  } finally {
    await flow.close();
  }
}

async function readResponse(flow: TcpFlow<Ipaddr>, path: string, options: HttpGetOptions): Promise<HttpResponse> {
  let pending: Uint8Array = new Uint8Array(0);
  let headEnd = -1;
  while (headEnd < 0) {
    const chunk = await readChunk(flow, path);
    if (chunk === undefined) throw new Error(`GET ${path}: connection closed before the response head`);
    pending = join(pending, chunk);
    headEnd = indexOfBlankLine(pending);
    if (headEnd < 0 && pending.length > HEAD_LIMIT)
      throw new Error(`GET ${path}: response head over ${HEAD_LIMIT} bytes`);
  }
  const lines = latin1Text(pending.subarray(0, headEnd)).split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
  if (status === null) throw new Error(`GET ${path}: bad status line ${JSON.stringify(lines[0])}`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  if (headers.get("transfer-encoding") !== undefined) throw new Error(`GET ${path}: chunked bodies are not supported`);
  const declared = headers.get("content-length");
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && !(Number.isSafeInteger(length) && length >= 0)) {
    throw new Error(`GET ${path}: bad Content-Length ${JSON.stringify(declared)}`);
  }
  const collected: Uint8Array[] = [];
  let received = 0;
  const take = (piece: Uint8Array): void => {
    if (piece.length === 0) return;
    received += piece.length;
    options.onBody?.(piece);
    if (options.collect !== false) collected.push(piece);
  };
  take(pending.subarray(headEnd + 4));
  while (length === undefined || received < length) {
    const chunk = await readChunk(flow, path);
    if (chunk === undefined) break;
    take(chunk);
  }
  if (length !== undefined && received !== length) {
    throw new Error(`GET ${path}: body of ${received} bytes, Content-Length said ${length}`);
  }
  return { status: Number(status[1]), headers, body: concatBytes(collected), bodyLength: received };
}

async function readChunk(flow: TcpFlow<Ipaddr>, path: string): Promise<Uint8Array | undefined> {
  const read = await flow.read();
  if (!read.ok) throw new Error(`GET ${path}: ${ppTcpError(read.error)}`);
  return read.value.kind === "eof" ? undefined : read.value.data;
}

function indexOfBlankLine(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBufferLike> {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
