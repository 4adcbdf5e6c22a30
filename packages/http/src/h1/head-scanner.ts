/**
 * Finds where a request head ends in the bytes received so far, resuming where the last look stopped
 * (a head dripped a byte at a time is scanned once, not once per byte).
 *
 * @packageDocumentation
 */

const CR = 0x0d;
const LF = 0x0a;

/** What a look at the buffered bytes found. */
export type HeadScan =
  /** The head ends before `bodyStart` (the head's own octets end at `headEnd`, before the blank line). */
  | { readonly kind: "complete"; readonly headEnd: number; readonly bodyStart: number }
  /** No end yet: look again from `resumeAt` once more bytes came. */
  | { readonly kind: "partial"; readonly resumeAt: number }
  /** A LF without its CR (RFC 9112 §2.2: refused, as parsers differ on it). */
  | { readonly kind: "bareLf" };

/**
 * Scans `bytes` from `from` for the blank line ending a head. Leading empty lines (CRLFs before the
 * request line) are not taken for the end.
 */
export function scanHead(bytes: Uint8Array, from: number): HeadScan {
  for (let i = bytes.indexOf(LF, from); i >= 0; i = bytes.indexOf(LF, i + 1)) {
    if (i === 0 || bytes[i - 1] !== CR) return { kind: "bareLf" };
    // The blank line: CRLF right after the previous line's CRLF, past any leading empty lines.
    if (i >= 3 && bytes[i - 2] === LF && bytes[i - 3] === CR && !onlyEmptyLines(bytes, i - 3)) {
      return { kind: "complete", headEnd: i - 3, bodyStart: i + 1 };
    }
  }
  // A CR at the end may be the start of a CRLF: look at it again.
  return { kind: "partial", resumeAt: Math.max(from, bytes.length - 1) };
}

function onlyEmptyLines(bytes: Uint8Array, end: number): boolean {
  for (let i = 0; i < end; i++) if (bytes[i] !== CR && bytes[i] !== LF) return false;
  return true;
}
