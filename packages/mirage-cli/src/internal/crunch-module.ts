/**
 * The module `crunch` generates (upstream ocaml-crunch): a directory's files embedded as base64
 * with their SHA-256 and modification time, and a read-only key-value store over them. The module
 * only imports mirage-types, so it runs on every platform.
 */

/** One file of the crunched directory. */
export interface CrunchedFile {
  /** Its path below the directory, `/`-separated (`css/site.css`). */
  readonly path: string;
  readonly contents: Uint8Array;
  /** SHA-256 of the contents, in hex. */
  readonly sha256: string;
  /** Modification time, in milliseconds since the epoch. */
  readonly mtimeMs: number;
}

// The generated store, in pieces joined with `+` where a generated line is longer than a line of this file may be.
const STORE =
  `const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function decodeBase64(text: string): Uint8Array {
  const digits = text.replace(/=+$/u, "");
  const bytes = new Uint8Array(Math.floor((digits.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let length = 0;
  for (const digit of digits) {
    buffer = ((buffer << 6) | ALPHABET.indexOf(digit)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[length++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes;
}

function decodeHex(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

interface Value {
  readonly data: Uint8Array;
  readonly digest: Uint8Array;
  readonly mtime: Date;
}

class CrunchedStore implements KvRo {
  readonly #values = new Map<string, Value>();
  readonly #dictionaries = new Map<string, { readonly children: Map<string, KvKind>; newest: number }>(` +
  `[["/", { children: new Map(), newest: 0 }]]);

  constructor(entries: readonly Entry[]) {
    for (const [path, base64, sha256, mtimeMs] of entries) {
      const segments = path.split("/");
      this.#values.set(\`/\${path}\`, ` +
  `{ data: decodeBase64(base64), digest: decodeHex(sha256), mtime: new Date(mtimeMs) });
      for (let depth = 0; depth < segments.length; depth++) {
        const parent = \`/\${segments.slice(0, depth).join("/")}\`;
        const dictionary = this.#dictionaries.get(parent) ?? { children: new Map<string, KvKind>(), newest: 0 };
        dictionary.children.set(segments[depth] ?? "", depth === segments.length - 1 ? "value" : "dictionary");
        dictionary.newest = Math.max(dictionary.newest, mtimeMs);
        this.#dictionaries.set(parent, dictionary);
      }
    }
  }

  async exists(key: Key): Promise<Result<KvKind | undefined, KvError>> {
    if (this.#values.has(key.toString())) return ok("value");
    return ok(this.#dictionaries.has(key.toString()) ? "dictionary" : undefined);
  }

  async get(key: Key): Promise<Result<Uint8Array, KvError>> {
    const value = this.#value(key);
    return value.ok ? ok(value.value.data.slice()) : value;
  }

  async getPartial(key: Key, offset: number, length: number): Promise<Result<Uint8Array, KvError>> {
    if (!Number.isSafeInteger(offset) || offset < 0) ` +
  `throw new RangeError(\`getPartial: offset must be a non-negative integer, got \${offset}\`);
    if (!Number.isSafeInteger(length) || length < 0) ` +
  `throw new RangeError(\`getPartial: length must be a non-negative integer, got \${length}\`);
    const value = this.#value(key);
    return value.ok ? ok(value.value.data.slice(offset, offset + length)) : value;
  }

  async list(key: Key): Promise<Result<Array<readonly [Key, KvKind]>, KvError>> {
    const dictionary = this.#dictionaries.get(key.toString());
    if (dictionary === undefined) return err(` +
  `this.#values.has(key.toString()) ? { kind: "dictionary_expected", key } : { kind: "not_found", key });
    return ok([...dictionary.children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))` +
  `.map(([name, kind]) => [key.add(name), kind] as const));
  }

  async lastModified(key: Key): Promise<Result<Date, KvError>> {
    const value = this.#values.get(key.toString());
    if (value !== undefined) return ok(value.mtime);
    const dictionary = this.#dictionaries.get(key.toString());
    return dictionary === undefined ? err({ kind: "not_found", key }) : ok(new Date(dictionary.newest));
  }

  async digest(key: Key): Promise<Result<Uint8Array, KvError>> {
    const value = this.#value(key);
    return value.ok ? ok(value.value.digest.slice()) : value;
  }

  async size(key: Key): Promise<Result<number, KvError>> {
    const value = this.#value(key);
    return value.ok ? ok(value.value.data.length) : value;
  }

  async disconnect(): Promise<void> {}

  #value(key: Key): Result<Value, KvError> {
    const value = this.#values.get(key.toString());
    if (value !== undefined) return ok(value);
    return err(this.#dictionaries.has(key.toString()) ? { kind: "value_expected", key } : { kind: "not_found", key });
  }
}
`;

/**
 * The generated module: it exports `exportName` with a `connect()` giving the store.
 *
 * @param exportName - the export (`Static_t`)
 * @param dir - the directory, as written in `config.ts`, for the module's comment
 * @param files - the files, sorted by path
 */
export function crunchModule(exportName: string, dir: string, files: readonly CrunchedFile[]): string {
  const entries = files
    .map(
      (f) =>
        `  [${JSON.stringify(f.path)}, ${JSON.stringify(Buffer.from(f.contents).toString("base64"))}, ` +
        `${JSON.stringify(f.sha256)}, ${f.mtimeMs}],\n`,
    )
    .join("");
  return (
    `// The directory ${JSON.stringify(dir)} embedded by \`mirage configure\` (crunch): ` +
    `run it again after changing the files.

import { type Key, type KvError, type KvKind, type KvRo, type Result, err, ok } from "@mirage-ts/mirage-types";

/** A file: its path below the directory, its contents in base64, their SHA-256 and its modification time in ms. */
type Entry = readonly [path: string, base64: string, sha256: string, mtimeMs: number];

const ENTRIES: readonly Entry[] = [
${entries}];

${STORE}
export const ${exportName}: { connect(): Promise<KvRo> } = {
  connect: async () => new CrunchedStore(ENTRIES),
};
`
  );
}
