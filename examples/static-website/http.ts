// A small HTTP/1.1 server side over a mirage-types Flow: requests are read one after the other from
// the connection (keep-alive), responses written with a Content-Length. Only what a static site
// needs: request line and headers (bodies are skipped), single byte ranges (RFC 9110 §14).
import type { Flow } from "@mirage-ts/mirage-types";

/** A parsed request. */
export interface Request {
  readonly method: string;
  readonly target: string;
  readonly version: "HTTP/1.0" | "HTTP/1.1";
  /** Header fields by lower-case name (repeated fields joined with `, `). */
  readonly headers: ReadonlyMap<string, string>;
}

/** What reading a request gave: a request, the end of the connection, or a request to refuse. */
export type NextRequest =
  | { readonly kind: "request"; readonly request: Request }
  | { readonly kind: "eof" }
  | { readonly kind: "bad"; readonly status: 400 | 431 | 505 };

const MAX_HEAD = 16 * 1024;
const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** Reads requests from one connection, keeping the bytes read past each request's head. */
export class RequestReader {
  readonly #flow: Flow<unknown, unknown>;
  #buffered: Uint8Array = new Uint8Array(0);

  constructor(flow: Flow<unknown, unknown>) {
    this.#flow = flow;
  }

  /** The next request, once its head (and body, skipped) has arrived. */
  async next(): Promise<NextRequest> {
    let end = headEnd(this.#buffered);
    while (end < 0) {
      if (this.#buffered.length > MAX_HEAD) return { kind: "bad", status: 431 };
      const read = await this.#flow.read();
      if (!read.ok || read.value.kind === "eof") return { kind: "eof" };
      this.#buffered = concat(this.#buffered, read.value.data);
      end = headEnd(this.#buffered);
    }
    if (end > MAX_HEAD) return { kind: "bad", status: 431 };
    const head = latin1.decode(this.#buffered.subarray(0, end));
    this.#buffered = this.#buffered.subarray(end + 4);
    const parsed = parseHead(head);
    if (parsed.kind !== "request") return parsed;
    const length = parsed.request.headers.get("content-length");
    if (length !== undefined) {
      if (!/^\d{1,15}$/.test(length)) return { kind: "bad", status: 400 };
      if (!(await this.#skip(Number(length)))) return { kind: "eof" };
    } else if (parsed.request.headers.has("transfer-encoding")) {
      return { kind: "bad", status: 400 };
    }
    return parsed;
  }

  async #skip(length: number): Promise<boolean> {
    while (this.#buffered.length < length) {
      length -= this.#buffered.length;
      this.#buffered = new Uint8Array(0);
      const read = await this.#flow.read();
      if (!read.ok || read.value.kind === "eof") return false;
      this.#buffered = read.value.data;
    }
    this.#buffered = this.#buffered.subarray(length);
    return true;
  }
}

function headEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function parseHead(head: string): NextRequest {
  const [line = "", ...fields] = head.split("\r\n");
  const match = /^([A-Z]+) (\S+) (HTTP\/\d\.\d)$/.exec(line);
  if (match === null) return { kind: "bad", status: 400 };
  const [, method = "", target = "", version = ""] = match;
  if (version !== "HTTP/1.1" && version !== "HTTP/1.0") return { kind: "bad", status: 505 };
  const headers = new Map<string, string>();
  for (const field of fields) {
    const colon = field.indexOf(":");
    if (colon <= 0 || /\s/.test(field.slice(0, colon))) return { kind: "bad", status: 400 };
    const name = field.slice(0, colon).toLowerCase();
    const value = field.slice(colon + 1).trim();
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  return { kind: "request", request: { method, target, version, headers } };
}

/** Whether the connection stays open after the response to `request` (HTTP/1.1 by default). */
export function keepAlive(request: Request): boolean {
  const connection = (request.headers.get("connection") ?? "").toLowerCase();
  return request.version === "HTTP/1.1" ? !connection.includes("close") : connection.includes("keep-alive");
}

/** The byte range a `Range` header asks of a resource of `size` bytes. */
export type RangeRequest =
  | { readonly kind: "whole" }
  | { readonly kind: "range"; readonly start: number; readonly end: number }
  | { readonly kind: "unsatisfiable" };

/**
 * Interprets `Range: bytes=...` for a resource of `size` bytes. Only one range is honoured; a
 * header that is not a single valid byte range is ignored (the whole resource is sent), as RFC 9110
 * allows.
 */
export function byteRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: "whole" };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return { kind: "whole" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "whole" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "range", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return { kind: "whole" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "range", start, end };
}

const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  206: "Partial Content",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  416: "Range Not Satisfiable",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  505: "HTTP Version Not Supported",
};

/** The head of a response: status line and fields. */
export function responseHead(status: number, fields: Readonly<Record<string, string | number>>): Uint8Array {
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? ""}\r\n`;
  for (const [name, value] of Object.entries(fields)) head += `${name}: ${value}\r\n`;
  return encoder.encode(`${head}\r\n`);
}
