/**
 * Domain names: the presentation form used in the API (`"www.example.com"`, `"."` for the root, `\.`
 * and `\DDD` escapes as in master files) and the wire form with compression (RFC 1035 §3.1, §4.1.4).
 *
 * @packageDocumentation
 */

import { type Result, err, ok } from "@mirage-ts/mirage-types";
import { DecodeFailure } from "./errors.js";

/** RFC 1035 §2.3.4: a name is at most 255 bytes on the wire, a label at most 63. */
export const maxNameLength = 255;
const maxLabelLength = 63;

const escapeTable: string[] = Array.from({ length: 256 }, (_, byte) => {
  if (byte === 0x2e || byte === 0x5c || byte === 0x22 || byte === 0x3b || byte === 0x28 || byte === 0x29) {
    return `\\${String.fromCharCode(byte)}`;
  }
  if (byte > 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  return `\\${byte.toString().padStart(3, "0")}`;
});

/** The presentation form of one label's bytes. */
export function labelText(buffer: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i++) text += escapeTable[buffer[i] as number];
  return text;
}

/**
 * Reads a possibly compressed name at `offset`. Every pointer must point before the start of the
 * labels that led to it, so a loop is impossible and the walk is bounded by the message length.
 * Returns the name and the offset just after it in the original stream.
 */
export function readName(buffer: Uint8Array, offset: number): { readonly name: string; readonly end: number } {
  let position = offset;
  let segmentStart = offset;
  let end = -1;
  let wireLength = 1;
  let name = "";
  for (;;) {
    if (position >= buffer.length) throw new DecodeFailure("truncated", position, "name runs past the data");
    const length = buffer[position] as number;
    if (length === 0) {
      if (end < 0) end = position + 1;
      break;
    }
    const tag = length & 0xc0;
    if (tag === 0xc0) {
      if (position + 1 >= buffer.length) throw new DecodeFailure("truncated", position, "pointer runs past the data");
      const target = ((length & 0x3f) << 8) | (buffer[position + 1] as number);
      if (target >= segmentStart) {
        const kind = target === position ? "pointer_loop" : "pointer_forward";
        throw new DecodeFailure(kind, position, `compression pointer to ${target} does not point backwards`);
      }
      if (end < 0) end = position + 2;
      position = target;
      segmentStart = target;
      continue;
    }
    if (tag !== 0) throw new DecodeFailure("label_type", position, `unsupported label type 0x${length.toString(16)}`);
    wireLength += length + 1;
    if (wireLength > maxNameLength) {
      throw new DecodeFailure("name_too_long", position, `name longer than ${maxNameLength} bytes`);
    }
    if (position + 1 + length > buffer.length) throw new DecodeFailure("truncated", position, "label past the data");
    if (name.length > 0) name += ".";
    name += labelText(buffer, position + 1, position + 1 + length);
    position += 1 + length;
  }
  return { name: name.length === 0 ? "." : name, end };
}

/**
 * Splits a presentation-form name into its labels' bytes (a trailing dot is optional; `"."` and `""`
 * are the root). Errors name the problem: an empty label, a label over 63 bytes, a name over 255.
 *
 * @beta
 */
export function parseName(text: string): Result<readonly Uint8Array[], string> {
  const labels: Uint8Array[] = [];
  if (text === "." || text === "") return ok(labels);
  let current: number[] = [];
  let wireLength = 1;
  const finish = (): string | undefined => {
    if (current.length === 0) return `empty label in name "${text}"`;
    if (current.length > maxLabelLength) return `label of ${current.length} bytes in "${text}" (at most 63)`;
    wireLength += current.length + 1;
    labels.push(Uint8Array.from(current));
    current = [];
    return undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2e) {
      const problem = finish();
      if (problem !== undefined) return err(problem);
      if (i === text.length - 1) break;
      continue;
    }
    if (code === 0x5c) {
      const digits = /^\d{3}/.exec(text.slice(i + 1, i + 4));
      if (digits !== null) {
        const value = Number(digits[0]);
        if (value > 255) return err(`escape \\${digits[0]} in "${text}" is over 255`);
        current.push(value);
        i += 3;
      } else if (i + 1 < text.length) {
        current.push(text.charCodeAt(i + 1) & 0xff);
        i += 1;
      } else {
        return err(`name "${text}" ends with a lone backslash`);
      }
      continue;
    }
    if (code > 0x7f) return err(`non-ASCII character in name "${text}" (use the xn-- form)`);
    current.push(code);
  }
  if (current.length > 0) {
    const problem = finish();
    if (problem !== undefined) return err(problem);
  }
  if (wireLength > maxNameLength) return err(`name "${text}" is ${wireLength} bytes on the wire (at most 255)`);
  return ok(labels);
}

/**
 * The name in canonical form for comparisons: ASCII letters lowered, no trailing dot, `"."` for the root.
 *
 * @beta
 */
export function canonicalName(name: string): string {
  const lowered = name.toLowerCase();
  if (lowered === "" || lowered === ".") return ".";
  return lowered.endsWith(".") && !lowered.endsWith("\\.") ? lowered.slice(0, -1) : lowered;
}

/**
 * Whether `name` equals `zone` or lies below it (both canonical).
 *
 * @beta
 */
export function isSubdomain(name: string, zone: string): boolean {
  if (zone === ".") return true;
  return (
    name === zone ||
    (name.endsWith(zone) &&
      name.charAt(name.length - zone.length - 1) === "." &&
      !isEscapedDot(name, name.length - zone.length - 1))
  );
}

function isEscapedDot(name: string, dot: number): boolean {
  let backslashes = 0;
  for (let i = dot - 1; i >= 0 && name.charAt(i) === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * The labels of a canonical presentation name, split on unescaped dots (`[]` for the root).
 *
 * @beta
 */
export function splitLabels(name: string): string[] {
  if (name === ".") return [];
  const labels: string[] = [];
  let start = 0;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code === 0x5c) i += /^\d{3}/.test(name.slice(i + 1, i + 4)) ? 3 : 1;
    else if (code === 0x2e) {
      labels.push(name.slice(start, i));
      start = i + 1;
    }
  }
  labels.push(name.slice(start));
  return labels;
}
