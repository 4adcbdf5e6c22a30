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
