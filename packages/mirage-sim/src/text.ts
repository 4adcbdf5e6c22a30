/**
 * Text to and from bytes without `TextEncoder` (not in the ES2023 library a neutral package builds
 * against): ASCII for HTTP heads, UTF-8 for console lines.
 *
 * @packageDocumentation
 */

/** The bytes of an ASCII string (HTTP request heads are ASCII by construction). */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** One character per byte (an HTTP head read as Latin-1, as RFC 9110 allows). */
export function latin1Text(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

/** UTF-8 bytes as text; invalid UTF-8 falls back to Latin-1 rather than failing. */
export function utf8Text(bytes: Uint8Array): string {
  let escaped = "";
  for (const byte of bytes) escaped += `%${byte.toString(16).padStart(2, "0")}`;
  try {
    return decodeURIComponent(escaped);
  } catch {
    return latin1Text(bytes);
  }
}

/** The UTF-8 bytes of `text` (lone surrogates become U+FFFD, as `TextEncoder` does). */
export function utf8Bytes(text: string): Uint8Array {
  const out: number[] = [];
  for (const char of text) {
    let code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return Uint8Array.from(out);
}
