/**
 * The chunked transfer coding of a request body (RFC 9112 §7.1), as a state machine fed with bytes as
 * they come. It never throws: a malformed size line, an oversized size, a missing CRLF or a bare LF
 * is a `bad` step, and the connection is then closed (what follows can no longer be framed).
 *
 * @packageDocumentation
 */

const CR = 0x0d;
const LF = 0x0a;
/** Hex digits of a chunk size: 13 reach 2^52, past any body a server takes; more is refused. */
const MAX_SIZE_DIGITS = 13;
/** Bytes of a size line with its extensions, and of one trailer line. */
const MAX_LINE = 4096;

/** One step of the decoder over the bytes given. */
export type ChunkedStep =
  /** `consumed` bytes read; `data` (possibly empty) is body. */
  | { readonly kind: "data"; readonly consumed: number; readonly data: Uint8Array }
  /** The last chunk and the trailers were read: the body ends after `consumed` bytes. */
  | { readonly kind: "end"; readonly consumed: number }
  /** More bytes are needed (`consumed` of these were read). */
  | { readonly kind: "more"; readonly consumed: number }
  /** The coding is malformed. */
  | { readonly kind: "bad"; readonly reason: string };

type State =
  | { readonly at: "size" }
  | { readonly at: "data"; readonly remaining: number }
  | { readonly at: "dataEnd" }
  | { readonly at: "trailer"; readonly bytes: number };

const HEX = /^[0-9A-Fa-f]+$/;
// chunk-ext after the size: `;name[=value]` parts, with optional whitespace (BWS) around.
// (A quoted value holding `;` is refused: no client sends one.)
const EXTENSIONS = /^[ \t]*(;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+([ \t]*=[ \t]*[^;]*)?[ \t]*)*$/;
// Visible characters, obs-text, spaces and tabs: no other control.
const PRINTABLE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Decodes a chunked body step by step; `maxTrailerBytes` bounds the trailer section. */
export class ChunkedDecoder {
  #state: State = { at: "size" };
  readonly #maxTrailerBytes: number;

  constructor(maxTrailerBytes: number) {
    this.#maxTrailerBytes = maxTrailerBytes;
  }

  /** A decoder in the same state, to look ahead without consuming. */
  clone(): ChunkedDecoder {
    const copy = new ChunkedDecoder(this.#maxTrailerBytes);
    copy.#state = this.#state;
    return copy;
  }

  /** Reads what it can of `bytes`. */
  step(bytes: Uint8Array): ChunkedStep {
    const state = this.#state;
    switch (state.at) {
      case "size":
        return this.#sizeLine(bytes);
      case "data": {
        const n = Math.min(state.remaining, bytes.length);
        const remaining = state.remaining - n;
        this.#state = remaining === 0 ? { at: "dataEnd" } : { at: "data", remaining };
        return { kind: "data", consumed: n, data: bytes.subarray(0, n) };
      }
      case "dataEnd": {
        if (bytes.length < 2) return bytes.length === 1 && bytes[0] !== CR ? badEnd() : { kind: "more", consumed: 0 };
        if (bytes[0] !== CR || bytes[1] !== LF) return badEnd();
        this.#state = { at: "size" };
        return { kind: "data", consumed: 2, data: bytes.subarray(0, 0) };
      }
      case "trailer":
        return this.#trailer(bytes, state.bytes);
    }
  }

  #sizeLine(bytes: Uint8Array): ChunkedStep {
    const line = lineOf(bytes);
    if (line === "bareLf") return { kind: "bad", reason: "a bare LF in a chunk size line" };
    if (line === undefined) {
      return bytes.length > MAX_LINE
        ? { kind: "bad", reason: "chunk size line too long" }
        : { kind: "more", consumed: 0 };
    }
    const text = String.fromCharCode(...bytes.subarray(0, Math.min(line, MAX_LINE)));
    if (line > MAX_LINE) return { kind: "bad", reason: "chunk size line too long" };
    const digits = /^[0-9A-Fa-f]*/.exec(text)?.[0] ?? "";
    if (!HEX.test(digits)) return { kind: "bad", reason: "a chunk size is not hexadecimal" };
    if (digits.length > MAX_SIZE_DIGITS) return { kind: "bad", reason: `chunk size ${digits.slice(0, 20)} too large` };
    const extensions = text.slice(digits.length);
    if (!EXTENSIONS.test(extensions) || !PRINTABLE.test(extensions)) {
      return { kind: "bad", reason: "malformed chunk extension" };
    }
    const size = Number.parseInt(digits, 16);
    this.#state = size === 0 ? { at: "trailer", bytes: 0 } : { at: "data", remaining: size };
    return { kind: "data", consumed: line + 2, data: bytes.subarray(0, 0) };
  }

  #trailer(bytes: Uint8Array, seen: number): ChunkedStep {
    const line = lineOf(bytes);
    if (line === "bareLf") return { kind: "bad", reason: "a bare LF in the trailers" };
    if (line === undefined) {
      return seen + bytes.length > this.#maxTrailerBytes
        ? { kind: "bad", reason: "trailers too large" }
        : { kind: "more", consumed: 0 };
    }
    if (line === 0) {
      this.#state = { at: "size" };
      return { kind: "end", consumed: 2 };
    }
    const total = seen + line + 2;
    if (total > this.#maxTrailerBytes) return { kind: "bad", reason: "trailers too large" };
    // Trailer fields are read and dropped: none changes how the request is framed or routed.
    if (bytes[0] === 0x20 || bytes[0] === 0x09) return { kind: "bad", reason: "obs-fold in the trailers" };
    this.#state = { at: "trailer", bytes: total };
    return { kind: "data", consumed: line + 2, data: bytes.subarray(0, 0) };
  }
}

function badEnd(): ChunkedStep {
  return { kind: "bad", reason: "chunk data not followed by CRLF" };
}

/** The length of the first CRLF-ended line of `bytes`, `undefined` if none yet, or a bare LF. */
function lineOf(bytes: Uint8Array): number | undefined | "bareLf" {
  const lf = bytes.indexOf(LF);
  if (lf < 0) return undefined;
  if (lf === 0 || bytes[lf - 1] !== CR) return "bareLf";
  // A CR inside the line is as ambiguous as a bare LF.
  const cr = bytes.indexOf(CR);
  return cr < lf - 1 ? "bareLf" : lf - 1;
}
