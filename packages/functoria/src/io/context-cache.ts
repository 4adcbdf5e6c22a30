/**
 * The context cache (upstream `Context_cache`): `configure` saves its command line, one escaped
 * argument per line, in `<dir>/<tool>/context`; later commands read it back and parse it with the
 * same keys, so `describe` after `configure -t xen` shows `target=xen`. The command line wins
 * over the cache. Escaping follows Astring's `String.Ascii.escape`: `\` becomes `\\` and bytes
 * outside printable US-ASCII become `\xHH`, so every argument round-trips exactly.
 *
 * @packageDocumentation
 */

import { Action } from "./action.js";
import { decodeUtf8, encodeUtf8 } from "./utf8.js";

const HEX = "0123456789ABCDEF";

/**
 * Escapes one argument onto a single printable line.
 *
 * @public
 */
export function escapeArg(arg: string): string {
  let out = "";
  for (const byte of encodeUtf8(arg)) {
    if (byte === 0x5c) out += "\\\\";
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/**
 * Reverses {@link escapeArg}; `undefined` for a malformed line.
 *
 * @public
 */
export function unescapeArg(line: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) return undefined;
    if (c !== 0x5c) {
      bytes.push(c);
      continue;
    }
    const next = line[i + 1];
    if (next === "\\") {
      bytes.push(0x5c);
      i += 1;
    } else if (next === "x" && /^[0-9A-Fa-f]{2}$/u.test(line.slice(i + 2, i + 4))) {
      bytes.push(Number.parseInt(line.slice(i + 2, i + 4), 16));
      i += 3;
    } else return undefined;
  }
  return decodeUtf8(bytes);
}

/**
 * The cache file contents for a command line (without the tool name).
 *
 * @public
 */
export function encodeContextCache(argv: readonly string[]): string {
  return argv.map((a) => `${escapeArg(a)}\n`).join("");
}

/**
 * The command line saved in a cache file.
 *
 * @throws `Error` `<line>: cannot parse` for a corrupted line.
 * @public
 */
export function decodeContextCache(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line) => {
    const arg = unescapeArg(line);
    if (arg === undefined) throw new Error(`${JSON.stringify(line)}: cannot parse`);
    return arg;
  });
}

/**
 * Reads a cache file: its command line, or `undefined` if the file does not exist.
 *
 * @public
 */
export function readContextCache(path: string): Action<string[] | undefined> {
  return Action.gen(function* () {
    if (!(yield* Action.isFile(path))) return undefined;
    const text = yield* Action.readFile(path);
    try {
      return decodeContextCache(text);
    } catch (e) {
      return yield* Action.fail(`invalid context cache ${path}: ${(e as Error).message}; run configure again`);
    }
  });
}

/**
 * Saves a command line in a cache file.
 *
 * @public
 */
export function writeContextCache(path: string, argv: readonly string[]): Action<void> {
  return Action.writeFile(path, encodeContextCache(argv));
}
