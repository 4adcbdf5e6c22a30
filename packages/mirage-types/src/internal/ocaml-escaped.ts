/**
 * OCaml's `String.escaped` for JavaScript strings, so that printers whose upstream text uses it (or
 * `%S`) print the same characters.
 */

/**
 * Escapes `text` as OCaml's `String.escaped` escapes its UTF-8 bytes: `\\`, `\"`, `\n`, `\t`, `\r` and
 * `\b` by name, other bytes outside the printable ASCII range as three decimal digits (`\195\169` for
 * "é"). A lone surrogate counts as U+FFFD, as a UTF-8 encoder writes it.
 */
export function ocamlEscaped(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code >= 0x20 && code <= 0x7e) {
      out += code === 0x22 || code === 0x5c ? `\\${char}` : char;
    } else if (code < 0x80) {
      out += namedEscapes.get(code) ?? decimalEscape(code);
    } else {
      for (const byte of utf8Bytes(code >= 0xd800 && code <= 0xdfff ? 0xfffd : code)) out += decimalEscape(byte);
    }
  }
  return out;
}

const namedEscapes = new Map([
  [0x0a, "\\n"],
  [0x09, "\\t"],
  [0x0d, "\\r"],
  [0x08, "\\b"],
]);

function decimalEscape(byte: number): string {
  return `\\${byte.toString().padStart(3, "0")}`;
}

/** The UTF-8 bytes of a code point from U+0080 up. */
function utf8Bytes(code: number): number[] {
  if (code < 0x800) return [0xc0 | (code >> 6), 0x80 | (code & 0x3f)];
  if (code < 0x10000) return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
  return [0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
}
