// Byte ranges of a `Range` header (RFC 9110 §14): what a static site needs, one range at a time.

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
export function byteRange(header: string | null, size: number): RangeRequest {
  if (header === null) return { kind: "whole" };
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
