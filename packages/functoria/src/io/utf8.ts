/**
 * UTF-8 helpers. Traces report byte counts like upstream (`Write to f (6 bytes)`), and the
 * context cache escapes bytes; `TextEncoder` is not part of the ES2023 library this package
 * compiles against, so the (small) encoding is done here.
 */

/** The UTF-8 encoding of a string (lone surrogates become U+FFFD, as with `TextEncoder`). */
export function encodeUtf8(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    let code = char.codePointAt(0) ?? 0xfffd;
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) {
      bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    } else {
      bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
  }
  return bytes;
}

/** Decodes UTF-8 bytes; returns `undefined` on a malformed sequence. */
export function decodeUtf8(bytes: readonly number[]): string | undefined {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] ?? 0;
    const length = b0 < 0x80 ? 1 : b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc0 ? 2 : 0;
    if (length === 0 || i + length > bytes.length) return undefined;
    let code = length === 1 ? b0 : b0 & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const b = bytes[i + k] ?? 0;
      if ((b & 0xc0) !== 0x80) return undefined;
      code = (code << 6) | (b & 0x3f);
    }
    out += String.fromCodePoint(code);
    i += length;
  }
  return out;
}

/** The number of bytes of the UTF-8 encoding of `text`. */
export function utf8Length(text: string): number {
  return encodeUtf8(text).length;
}
