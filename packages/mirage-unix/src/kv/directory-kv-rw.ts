/**
 * `connectDirectoryKvRw`: a read-write key-value store over a directory (`Mirage_kv_unix`).
 *
 * @packageDocumentation
 */

import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { type FileHandle, lstat, open, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { type Key, type KvRw, type KvWriteError, type Result, checkCount, err, ok } from "@mirage-ts/mirage-types";
import { noProgress, transferAll, writevOf } from "../internal/io-loop.js";
import { storageError, systemError } from "../internal/kv-errors.js";
import { type ParentDir, syncDir, tempPrefix } from "../internal/kv-root.js";
import { errorCode } from "../internal/system-error.js";
import { DirectoryKvReader, openRoot } from "./directory-kv-ro.js";

type WriteResult = Result<void, KvWriteError>;

function writeFailure(key: Key, error: unknown): KvWriteError {
  const code = errorCode(error);
  if (code === "ENOSPC") return { kind: "no_space" };
  if (code === "ENOENT" || code === "ENOTDIR") return { kind: "not_found", key };
  return systemError(key, error);
}

function parentFailure(key: Key, parent: Exclude<ParentDir, { kind: "ok" }>): KvWriteError {
  switch (parent.kind) {
    case "missing":
      return { kind: "not_found", key };
    case "not_a_dictionary":
      return { kind: "dictionary_expected", key: parent.key };
    case "outside":
      return storageError(key, `${parent.key.pp()} leads outside the store's root directory`);
  }
}

/** Writes all of `value` at `position` of an open file. */
async function writeAll(handle: FileHandle, value: Uint8Array, position: number): Promise<void> {
  await transferAll(writevOf(handle), [value], position, noProgress);
}

class DirectoryKvWriter extends DirectoryKvReader implements KvRw {
  set(key: Key, value: Uint8Array): Promise<WriteResult> {
    return this.#replace(key, value, undefined);
  }

  async setPartial(key: Key, offset: number, value: Uint8Array): Promise<WriteResult> {
    checkCount("setPartial: offset", offset);
    if (!this.root.valid(key)) return err({ kind: "not_found", key });
    const kind = await this.exists(key);
    if (!kind.ok) return kind;
    if (kind.value === "dictionary" || key.segments.length === 0) return err({ kind: "value_expected", key });
    try {
      const parent = await this.root.parentDir(key, true);
      if (parent.kind !== "ok") return err(parentFailure(key, parent));
      // An existing value may be a link inside the root: write to what it resolves to.
      const path = kind.value === "value" ? await this.root.resolve(key) : join(parent.dir, key.basename());
      if (path === undefined) return err({ kind: "not_found", key });
      const handle = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
      try {
        // Mirage_kv: past the end of the value, the bytes are appended.
        await writeAll(handle, value, Math.min(offset, (await handle.stat()).size));
        await handle.datasync();
      } finally {
        await handle.close();
      }
      if (kind.value === undefined) await syncDir(parent.dir);
      return ok();
    } catch (error) {
      return err(writeFailure(key, error));
    }
  }

  async remove(key: Key): Promise<WriteResult> {
    if (!this.root.valid(key)) return err({ kind: "not_found", key });
    try {
      if (key.segments.length === 0) {
        // As upstream, removing the top-level dictionary empties it but keeps the root directory.
        for (const name of await readdir(this.root.real))
          await rm(join(this.root.real, name), { recursive: true, force: true });
        await syncDir(this.root.real);
        return ok();
      }
      const parent = await this.root.parentDir(key, false);
      if (parent.kind !== "ok") return err({ kind: "not_found", key });
      const path = join(parent.dir, key.basename());
      const info = await lstat(path);
      // A link that leads outside the root (or nowhere) is not a key of the store.
      if (info.isSymbolicLink() && (await this.root.resolve(key)) === undefined) return err({ kind: "not_found", key });
      // rm does not follow links: a link is removed, never what it points to.
      await rm(path, { recursive: true, force: true });
      await syncDir(parent.dir);
      return ok();
    } catch (error) {
      return err(writeFailure(key, error));
    }
  }

  async rename(source: Key, dest: Key): Promise<WriteResult> {
    if (!this.root.valid(dest)) return err({ kind: "not_found", key: dest });
    const sourceKind = await this.exists(source);
    if (!sourceKind.ok) return sourceKind;
    if (sourceKind.value === undefined) return err({ kind: "not_found", key: source });
    if (source.isPrefixOf(dest)) {
      if (sourceKind.value === "dictionary") return err({ kind: "rename_source_prefix", source, dest });
      if (source.equals(dest)) return ok();
    }
    const destKind = await this.exists(dest);
    if (!destKind.ok) return destKind;
    if (destKind.value === "value" && sourceKind.value === "dictionary")
      return err({ kind: "value_expected", key: source });
    // Mirage_kv: into a dictionary, the source moves inside it under its own name.
    const target = destKind.value === "dictionary" ? dest.add(source.basename()) : dest;
    try {
      const sourceParent = await this.root.parentDir(source, false);
      if (sourceParent.kind !== "ok") return err(parentFailure(source, sourceParent));
      const targetParent = await this.root.parentDir(target, true);
      if (targetParent.kind !== "ok") return err(parentFailure(target, targetParent));
      const targetPath = join(targetParent.dir, target.basename());
      const targetKind = await this.exists(target);
      // rename(2) replaces a value atomically but not a dictionary, nor a value by a dictionary.
      if (
        targetKind.ok &&
        targetKind.value !== undefined &&
        (targetKind.value === "dictionary" || sourceKind.value === "dictionary")
      ) {
        await rm(targetPath, { recursive: true, force: true });
      }
      await rename(join(sourceParent.dir, source.basename()), targetPath);
      await syncDir(targetParent.dir);
      if (sourceParent.dir !== targetParent.dir) await syncDir(sourceParent.dir);
      return ok();
    } catch (error) {
      return err(writeFailure(source, error));
    }
  }

  async allocate(key: Key, size: number, lastModified?: Date): Promise<WriteResult> {
    checkCount("allocate: size", size);
    const kind = await this.exists(key);
    if (!kind.ok) return kind;
    if (kind.value !== undefined) return err({ kind: "already_present", key });
    return this.#replace(key, new Uint8Array(size), lastModified);
  }

  /**
   * Atomically binds `key` to `value`: the bytes go to a temporary file in the same directory, which is
   * synced and then renamed over the key, so a crash leaves the old value or the new one, never a mix.
   */
  async #replace(key: Key, value: Uint8Array, lastModified: Date | undefined): Promise<WriteResult> {
    if (key.segments.length === 0) return err({ kind: "value_expected", key });
    if (!this.root.valid(key)) return err({ kind: "not_found", key });
    let temp: string | undefined;
    try {
      const parent = await this.root.parentDir(key, true);
      if (parent.kind !== "ok") return err(parentFailure(key, parent));
      const path = join(parent.dir, key.basename());
      temp = join(parent.dir, `${tempPrefix}${randomBytes(8).toString("hex")}`);
      const handle = await open(temp, "wx", 0o644);
      try {
        await writeAll(handle, value, 0);
        if (lastModified !== undefined) await handle.utimes(lastModified, lastModified);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // As mirage-kv-unix, `set` on a dictionary replaces the whole dictionary.
      if ((await lstat(path).catch(() => undefined))?.isDirectory()) await rm(path, { recursive: true, force: true });
      await rename(temp, path);
      temp = undefined;
      await syncDir(parent.dir);
      return ok();
    } catch (error) {
      return err(writeFailure(key, error));
    } finally {
      if (temp !== undefined) await rm(temp, { force: true });
    }
  }
}

/**
 * Connects a read-write key-value store over the directory `root`, with the reads of
 * {@link connectDirectoryKvRo} and mirage-kv-unix's writes:
 *
 * - `set` creates missing dictionaries and replaces the value, or a whole dictionary, at the key. It
 *   is atomic: the bytes are written and synced to a temporary file beside the key, which is renamed
 *   over it, so a crash leaves the old value or the new one (temporary files are named
 *   `.mirage-kv-tmp-*`, never listed and never valid keys).
 * - `setPartial` writes in place from `offset`, appending when `offset` is past the end.
 * - `remove` removes a value or a dictionary recursively (links are removed, never followed); on the
 *   top-level key it empties the store.
 * - `rename` moves a value or dictionary: into `dest` if it is a dictionary, over it if it is a value;
 *   `rename_source_prefix` if the source dictionary contains the destination.
 * - `allocate` binds a zero-filled value unless the key exists (`already_present`).
 *
 * Writes, removals and renames sync the files and directories they change before resolving. A key
 * never reaches outside `root`: keys with `.` or `..` segments are not found, and a write whose path
 * goes through a symbolic link leading out of the root fails with a storage error naming that link,
 * without touching anything outside.
 *
 * @throws Error `Not an entity <root>` or `Not a directory <root>`, as {@link connectDirectoryKvRo}
 * @public
 */
export async function connectDirectoryKvRw(root: string): Promise<KvRw> {
  return new DirectoryKvWriter(await openRoot(root));
}
