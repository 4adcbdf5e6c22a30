/**
 * The strict reading of an HTTP/1.1 request head (RFC 9112 §2–§7): every shape that two parsers could
 * read differently — the material of request smuggling — is refused rather than guessed at.
 *
 * @packageDocumentation
 */

import { type Result, err, ok } from "@mirage-ts/mirage-types";

/** How the body of a request is delimited (RFC 9112 §6.3). */
export type BodyFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" };

/** A parsed request head. */
export interface RequestHead {
  readonly method: string;
  readonly target: string;
  readonly version: "1.0" | "1.1";
  /** The fields in order, names as sent. */
  readonly fields: readonly (readonly [string, string])[];
  readonly framing: BodyFraming;
  /** Whether the client asked to keep the connection (the version's default and `Connection`). */
  readonly keepAlive: boolean;
  /** `Expect: 100-continue` was sent. */
  readonly expectContinue: boolean;
  /** The `Host` field's value ("" for an HTTP/1.0 request without one). */
  readonly host: string;
}

/** Why a head is refused: the status to answer (400 or 431) and what was wrong. */
export interface HeadError {
  readonly status: 400 | 431;
  readonly reason: string;
}

const bad = (reason: string): Result<never, HeadError> => err({ status: 400, reason });

// tchar of RFC 9110 §5.6.2.
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A field value: visible characters, obs-text, spaces and tabs inside; no other control.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// A request target: visible ASCII only (origin-, absolute-, authority- or asterisk-form).
const TARGET = /^[\x21-\x7e]+$/;
const DIGITS = /^[0-9]{1,15}$/;

/** Text of bytes, one character per byte (the head's octets as RFC 9112 reads them). */
export function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  }
  return text;
}

/** The comma-separated elements of the values of `name` (RFC 9110 §5.6.1), lower-cased, empty ones left out. */
function listOf(fields: readonly (readonly [string, string])[], name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of fields) {
    if (n.toLowerCase() !== name) continue;
    for (const element of v.split(",")) {
      const trimmed = element.trim().toLowerCase();
      if (trimmed !== "") out.push(trimmed);
    }
  }
  return out;
}

/** The body framing of a head's fields, refusing every ambiguous combination. */
function framingOf(
  fields: readonly (readonly [string, string])[],
  version: "1.0" | "1.1",
): Result<BodyFraming, HeadError> {
  const lengths = fields.filter(([n]) => n.toLowerCase() === "content-length").map(([, v]) => v);
  const codings = fields.filter(([n]) => n.toLowerCase() === "transfer-encoding");
  if (codings.length > 0) {
    if (lengths.length > 0) return bad("both Content-Length and Transfer-Encoding");
    if (version === "1.0") return bad("Transfer-Encoding in an HTTP/1.0 request");
    const list = listOf(fields, "transfer-encoding");
    // Only `chunked`, once: another coding (or a non-final chunked) leaves the body's end to a guess.
    if (list.length !== 1 || list[0] !== "chunked") return bad(`Transfer-Encoding ${list.join(", ")}`);
    return ok({ kind: "chunked" });
  }
  if (lengths.length > 1) return bad("more than one Content-Length");
  const [length] = lengths;
  if (length === undefined) return ok({ kind: "none" });
  if (!DIGITS.test(length)) return bad(`Content-Length ${JSON.stringify(length)}`);
  const n = Number(length);
  return ok(n === 0 ? { kind: "none" } : { kind: "length", length: n });
}

/** The request line's three parts. */
function requestLine(line: string): Result<{ method: string; target: string; version: "1.0" | "1.1" }, HeadError> {
  const parts = line.split(" ");
  if (parts.length !== 3) return bad("request line is not METHOD SP TARGET SP VERSION");
  const [method = "", target = "", version = ""] = parts;
  if (!TCHAR.test(method)) return bad("bad method");
  if (!TARGET.test(target)) return bad("bad request target");
  if (version !== "HTTP/1.1" && version !== "HTTP/1.0") return bad(`unsupported version ${version.slice(0, 16)}`);
  return ok({ method, target, version: version === "HTTP/1.1" ? "1.1" : "1.0" });
}

/** One field line `name: OWS value OWS`. */
function fieldLine(line: string): Result<readonly [string, string], HeadError> {
  if (line.startsWith(" ") || line.startsWith("\t")) return bad("obs-fold (a field line continued)");
  const colon = line.indexOf(":");
  if (colon <= 0) return bad("a field line without a name");
  const name = line.slice(0, colon);
  // No whitespace between the name and the colon (RFC 9112 §5.1): a classic smuggling shape.
  if (!TCHAR.test(name)) return bad(`bad field name ${JSON.stringify(name.slice(0, 32))}`);
  const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
  if (!FIELD_VALUE.test(value)) return bad(`a control character in field ${name}`);
  return ok([name, value] as const);
}

/**
 * Parses a complete head: `head` is its octets up to and excluding the blank line's CRLF (lines
 * separated by CRLF, bare LFs already refused by the scanner). Leading empty lines are skipped
 * (RFC 9112 §2.2). More than `maxHeaders` fields is a 431.
 */
export function parseHead(head: Uint8Array, maxHeaders: number): Result<RequestHead, HeadError> {
  const text = latin1(head);
  const lines = text.split("\r\n");
  let first = 0;
  while (first < lines.length && lines[first] === "") first++;
  if (first === lines.length) return bad("empty head");
  if (lines.length - 1 - first > maxHeaders) return err({ status: 431, reason: `over ${maxHeaders} fields` });
  const line = requestLine(lines[first] ?? "");
  if (!line.ok) return line;
  const fields: (readonly [string, string])[] = [];
  for (let i = first + 1; i < lines.length; i++) {
    const field = fieldLine(lines[i] ?? "");
    if (!field.ok) return field;
    fields.push(field.value);
  }
  const framing = framingOf(fields, line.value.version);
  if (!framing.ok) return framing;
  const hosts = fields.filter(([n]) => n.toLowerCase() === "host");
  // HTTP/1.1 requires exactly one Host (RFC 9112 §3.2).
  if (hosts.length > 1 || (hosts.length === 0 && line.value.version === "1.1")) return bad("not exactly one Host");
  const connection = listOf(fields, "connection");
  const keepAlive = line.value.version === "1.1" ? !connection.includes("close") : connection.includes("keep-alive");
  const expect = listOf(fields, "expect");
  return ok({
    ...line.value,
    fields,
    framing: framing.value,
    keepAlive,
    expectContinue: expect.includes("100-continue"),
    host: hosts[0]?.[1] ?? "",
  });
}
