/**
 * The root directory of a key-value store and the confinement of keys to it.
 *
 * A key is a path below the root. Keys with a `.`, `..` or empty segment, a NUL byte, or the reserved
 * temporary-file prefix name nothing (upstream answers `..` with not-found too). Every existing path is
 * resolved with `realpath` and must stay below the root's real path, so a symbolic link pointing out
 * of the root leads nowhere: reads see nothing there and writes refuse to go through it. The check and
 * the use are separate system calls: a process that swaps directories for links inside the root while
 * the store uses them can race it; the store assumes its root is not modified concurrently by others.
 *
 * @packageDocumentation
 */

import type { Stats } from "node:fs";
import { lstat, mkdir, open, realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { Key } from "@mirage-ts/mirage-types";
import { errorCode } from "./system-error.js";

/** Names of the temporary files of atomic writes; never listed, and not valid key segments. */
export const tempPrefix = ".mirage-kv-tmp-";

/** Whether `segment` can be part of a key of a directory store. */
export function validSegment(segment: string): boolean {
  return (
    segment !== "" && segment !== "." && segment !== ".." && !segment.includes("\0") && !segment.startsWith(tempPrefix)
  );
}

/** Where a key's entry lives, or why it cannot. */
export type ParentDir =
  | { readonly kind: "ok"; readonly dir: string }
  | { readonly kind: "missing" }
  | { readonly kind: "not_a_dictionary"; readonly key: Key }
  | { readonly kind: "outside"; readonly key: Key };

/** The confined root of one store. */
export class KvRoot {
  /** The root's real path. */
  readonly real: string;
  readonly #prefix: string;

  constructor(real: string) {
    this.real = real;
    this.#prefix = real.endsWith(sep) ? real : real + sep;
  }

  /** Whether the real path `path` is the root or below it. */
  contains(path: string): boolean {
    return path === this.real || path.startsWith(this.#prefix);
  }

  /** Whether every segment of `key` is valid. */
  valid(key: Key): boolean {
    return key.segments.every(validSegment);
  }

  /**
   * The real path of `key`'s existing entry (following links), or `undefined` when the key is invalid,
   * has no entry, or its entry resolves outside the root.
   *
   * @throws the file-system error for anything else (permissions, loops)
   */
  async resolve(key: Key): Promise<string | undefined> {
    if (!this.valid(key)) return undefined;
    let real: string;
    try {
      real = await realpath(join(this.real, ...key.segments));
    } catch (error) {
      const code = errorCode(error);
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw error;
    }
    return this.contains(real) ? real : undefined;
  }

  /**
   * The real directory holding `key`'s entry (the key must be valid and not empty). With `create`,
   * missing dictionaries are created, as `mkdir -p`.
   */
  async parentDir(key: Key, create: boolean): Promise<ParentDir> {
    let dir = this.real;
    let prefix = Key.empty;
    for (const segment of key.parent().segments) {
      prefix = prefix.add(segment);
      const next = join(dir, segment);
      let info: Stats;
      try {
        info = await lstat(next);
      } catch (error) {
        if (errorCode(error) !== "ENOENT") throw error;
        if (!create) return { kind: "missing" };
        await mkdir(next, { recursive: true });
        dir = next;
        continue;
      }
      if (info.isSymbolicLink()) {
        const target = await this.resolve(prefix);
        if (target === undefined) return { kind: "outside", key: prefix };
        if (!(await stat(target)).isDirectory()) return { kind: "not_a_dictionary", key: prefix };
        dir = target;
      } else if (info.isDirectory()) {
        dir = next;
      } else {
        return { kind: "not_a_dictionary", key: prefix };
      }
    }
    return { kind: "ok", dir };
  }
}

/** Makes a rename or an unlink in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
