/**
 * The lexical layer of master files (RFC 1035 §5.1): comments, quoted strings, escapes and
 * parentheses that join lines. Each logical entry keeps its first line number for error messages.
 *
 * @packageDocumentation
 */

/** A token: its text (quotes removed), whether it was quoted, and its line. */
export interface Token {
  readonly text: string;
  readonly quoted: boolean;
  readonly line: number;
}

/** One logical entry: whether it starts with blank space (the previous owner is reused) and its tokens. */
export interface Entry {
  readonly line: number;
  readonly indented: boolean;
  readonly tokens: readonly Token[];
}

/** A problem in the text, with its line. */
export class MasterFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Splits master-file text into entries; throws {@link MasterFileError} on an unclosed quote or parenthesis. */
export function lexMasterFile(text: string): Entry[] {
  const entries: Entry[] = [];
  let tokens: Token[] = [];
  let depth = 0;
  let line = 1;
  let entryLine = 1;
  let indented = false;
  let atLineStart = true;
  let i = 0;
  const flush = (): void => {
    if (tokens.length > 0) entries.push({ line: entryLine, indented, tokens });
    tokens = [];
  };
  while (i < text.length) {
    const char = text.charAt(i);
    if (char === "\n") {
      line++;
      i++;
      if (depth === 0) {
        flush();
        atLineStart = true;
      }
      continue;
    }
    if (atLineStart && depth === 0) {
      entryLine = line;
      indented = char === " " || char === "\t";
      atLineStart = false;
    }
    if (char === " " || char === "\t" || char === "\r") {
      i++;
    } else if (char === ";") {
      while (i < text.length && text.charAt(i) !== "\n") i++;
    } else if (char === "(") {
      depth++;
      i++;
    } else if (char === ")") {
      if (depth === 0) throw new MasterFileError(line, "')' without a matching '('");
      depth--;
      i++;
    } else if (char === '"') {
      const start = line;
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new MasterFileError(start, "unclosed quoted string");
        const c = text.charAt(i);
        if (c === '"') break;
        if (c === "\n") line++;
        if (c === "\\" && i + 1 < text.length) {
          value += c + text.charAt(i + 1);
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      tokens.push({ text: value, quoted: true, line: start });
    } else {
      let value = "";
      while (i < text.length && !' \t\r\n;()"'.includes(text.charAt(i))) {
        if (text.charAt(i) === "\\" && i + 1 < text.length) {
          value += text.slice(i, i + 2);
          i += 2;
          continue;
        }
        value += text.charAt(i);
        i++;
      }
      tokens.push({ text: value, quoted: false, line });
    }
  }
  if (depth !== 0) throw new MasterFileError(entryLine, "'(' without a matching ')'");
  flush();
  return entries;
}

/**
 * Bytes of a character-string with master-file escapes (`\"`, `\\`, `\DDD`), as in TXT and CAA.
 */
export function characterString(text: string, line: number): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c && i + 1 < text.length) {
      const digits = /^\d{3}/.exec(text.slice(i + 1, i + 4));
      if (digits !== null) {
        const value = Number(digits[0]);
        if (value > 255) throw new MasterFileError(line, `escape \\${digits[0]} is over 255`);
        bytes.push(value);
        i += 3;
      } else {
        bytes.push(text.charCodeAt(i + 1));
        i++;
      }
    } else if (code > 0x7f) {
      const point = text.codePointAt(i) as number;
      if (point > 0xffff) i++;
      bytes.push(...utf8(point));
    } else {
      bytes.push(code);
    }
  }
  return Uint8Array.from(bytes);
}

/** The UTF-8 bytes of one code point above U+007F. */
function utf8(point: number): number[] {
  if (point < 0x800) return [0xc0 | (point >> 6), 0x80 | (point & 0x3f)];
  if (point < 0x10000) return [0xe0 | (point >> 12), 0x80 | ((point >> 6) & 0x3f), 0x80 | (point & 0x3f)];
  return [0xf0 | (point >> 18), 0x80 | ((point >> 12) & 0x3f), 0x80 | ((point >> 6) & 0x3f), 0x80 | (point & 0x3f)];
}
