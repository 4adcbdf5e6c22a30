/**
 * `connectDirectoryKvRo`: a read-only key-value store over a directory (`Mirage_kv_unix`, read side).
 *
 * @packageDocumentation
 */

import { createHash } from "node:crypto";
import { type Stats, constants } from "node:fs";
import { type FileHandle, open, readdir, realpath, stat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { StartupError } from "@mirage-ts/mirage-runtime";
import {
  type Key,
  type KvError,
  type KvKind,
  type KvRo,
  type Result,
  checkCount,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { readvOf, transferAll } from "../internal/io-loop.js";
import { readFailure, storageError } from "../internal/kv-errors.js";
import { KvRoot, tempPrefix } from "../internal/kv-root.js";
import { systemReason } from "../internal/system-error.js";

const chunkSize = 1 << 16;

function kindOf(key: Key, info: Stats): Result<KvKind, KvError> {
  if (info.isDirectory()) return ok("dictionary");
  if (info.isFile()) return ok("value");
  return err(storageError(key, "not a regular file"));
}

/** The read operations of a directory store; the read-write store extends it. */
export class DirectoryKvReader implements KvRo {
  protected readonly root: KvRoot;

  constructor(root: KvRoot) {
    this.root = root;
  }

  async exists(key: Key): Promise<Result<KvKind | undefined, KvError>> {
    try {
      const real = await this.root.resolve(key);
      if (real === undefined) return ok(undefined);
      return kindOf(key, await stat(real));
    } catch (error) {
      const failure = readFailure(key, error);
      return failure.kind === "not_found" ? ok(undefined) : err(failure);
    }
  }

  get(key: Key): Promise<Result<Uint8Array, KvError>> {
    return this.#withValue(key, async (handle, info) => {
      const value = new Uint8Array(info.size);
      await readFully(handle, value, 0);
      return value;
    });
  }

  getPartial(key: Key, offset: number, length: number): Promise<Result<Uint8Array, KvError>> {
    checkCount("getPartial: offset", offset);
    checkCount("getPartial: length", length);
    return this.#withValue(key, async (handle, info) => {
      const wanted = Math.max(0, Math.min(length, info.size - offset));
      const value = new Uint8Array(wanted);
      return value.subarray(0, await readFully(handle, value, offset));
    });
  }

  async list(key: Key): Promise<Result<Array<readonly [Key, KvKind]>, KvError>> {
    try {
      const real = await this.root.resolve(key);
      if (real === undefined) return err({ kind: "not_found", key });
      if (!(await stat(real)).isDirectory()) return err({ kind: "dictionary_expected", key });
      const entries: Array<readonly [Key, KvKind]> = [];
      for (const name of (await readdir(real)).sort()) {
        if (name.startsWith(tempPrefix)) continue; // an atomic write in progress or interrupted
        const entry = key.add(name);
        const target = await this.#entryTarget(join(real, name));
        if (target === undefined) continue; // a link leading outside the root (or nowhere)
        const kind = kindOf(entry, await stat(target));
        if (!kind.ok) return kind;
        entries.push([entry, kind.value]);
      }
      return ok(entries);
    } catch (error) {
      return err(readFailure(key, error));
    }
  }

  async lastModified(key: Key): Promise<Result<Date, KvError>> {
    try {
      const real = await this.root.resolve(key);
      if (real === undefined) return err({ kind: "not_found", key });
      return ok((await stat(real)).mtime);
    } catch (error) {
      return err(readFailure(key, error));
    }
  }

  digest(key: Key): Promise<Result<Uint8Array, KvError>> {
    return this.#withValue(key, async (handle) => {
      const hash = createHash("sha256");
      const chunk = new Uint8Array(chunkSize);
      for (let position = 0; ; ) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) break;
        hash.update(chunk.subarray(0, bytesRead));
        position += bytesRead;
      }
      return new Uint8Array(hash.digest());
    });
  }

  async size(key: Key): Promise<Result<number, KvError>> {
    try {
      const real = await this.root.resolve(key);
      if (real === undefined) return err({ kind: "not_found", key });
      const info = await stat(real);
      if (info.isDirectory()) return err({ kind: "value_expected", key });
      return info.isFile() ? ok(info.size) : err(storageError(key, "not a regular file"));
    } catch (error) {
      return err(readFailure(key, error));
    }
  }

  async disconnect(): Promise<void> {}

  /** Opens the value at `key` (never through a link swapped in after the check) and runs `use`. */
  async #withValue<T>(key: Key, use: (handle: FileHandle, info: Stats) => Promise<T>): Promise<Result<T, KvError>> {
    let handle: FileHandle | undefined;
    try {
      const real = await this.root.resolve(key);
      if (real === undefined) return err({ kind: "not_found", key });
      handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
      const info = await handle.stat();
      if (info.isDirectory()) return err({ kind: "value_expected", key });
      if (!info.isFile()) return err(storageError(key, "not a regular file"));
      return ok(await use(handle, info));
    } catch (error) {
      return err(readFailure(key, error));
    } finally {
      await handle?.close();
    }
  }

  /** The real path of a directory entry, or `undefined` if it leads outside the root or nowhere. */
  async #entryTarget(path: string): Promise<string | undefined> {
    try {
      const real = await realpath(path);
      return this.root.contains(real) ? real : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Reads into `buffer` from `position` until it is full or the file ends; returns the bytes read. */
function readFully(handle: FileHandle, buffer: Uint8Array, position: number): Promise<number> {
  return transferAll(readvOf(handle), [buffer], position, () => {});
}

/** Opens the store's root directory, failing as upstream if it is missing or not a directory. */
export async function openRoot(path: string): Promise<KvRoot> {
  let info: Stats;
  // Upstream's texts first; then where the path was looked for, since a relative one is resolved from
  // the directory the unikernel was started in, not from the one it was configured in.
  const where = isAbsolute(path)
    ? ""
    : ` (looked for in ${process.cwd()}: start the unikernel from the directory that holds it)`;
  try {
    info = await stat(path);
  } catch (error) {
    throw new StartupError(`Not an entity ${path}: ${systemReason(error)}${where}`, { cause: error });
  }
  if (!info.isDirectory()) throw new StartupError(`Not a directory ${path}${where}`);
  return new KvRoot(await realpath(path));
}

/**
 * Connects a read-only key-value store whose keys are the paths below the directory `root`, with
 * mirage-kv-unix's semantics: a value is a regular file, a dictionary a directory; `list` gives the
 * absolute keys of the entries (sorted); `exists` answers `undefined` for nothing; `get`, `getPartial`,
 * `size` and `digest` on a dictionary fail with `value_expected`, `list` on a value with
 * `dictionary_expected`; other file-system failures are `storage error for <key>: <reason>`.
 * `digest` is the SHA-256 of the value.
 *
 * A key never reaches outside `root`: keys with `.` or `..` segments, and paths that resolve through
 * symbolic links to outside the root, are not found, and nothing outside is read.
 *
 * @throws StartupError `Not an entity <root>` if `root` does not exist, `Not a directory <root>` if it
 * is not a directory (with, for a relative `root`, the directory it was looked for in)
 * @public
 */
export async function connectDirectoryKvRo(root: string): Promise<KvRo> {
  return new DirectoryKvReader(await openRoot(root));
}
