/**
 * `KvState`: the contents of a {@link connectBlockKv} store in memory, rebuilt from its log at boot.
 * Values are kept in one flat map from the key's path to the bytes; dictionaries are implicit (a
 * key is a dictionary when a value lies below it), so there is no tree to keep consistent. Every
 * mutation is an {@link KvOp}: the store checks it ({@link KvState.check}), logs it, and applies
 * it ({@link KvState.apply}); replaying the log applies the same operations in the same order.
 *
 * @packageDocumentation
 */

import { Key, type KvError, type KvKind, type KvWriteError, type Result, err, ok } from "@mirage-ts/mirage-types";

/**
 * A mutation of the store, as logged: times are wall-clock milliseconds.
 *
 * @internal
 */
export type KvOp =
  | { readonly kind: "set"; readonly key: Key; readonly value: Uint8Array; readonly modified: number }
  | { readonly kind: "remove"; readonly key: Key; readonly modified: number }
  | { readonly kind: "rename"; readonly source: Key; readonly dest: Key; readonly modified: number };

interface Entry {
  readonly data: Uint8Array;
  readonly modified: number;
}

// A prefix-free path of a key: every segment followed by "/" (segments never contain "/"), so the
// keys below `k` are exactly the paths that start with path(k) and are longer.
const path = (key: Key): string => key.segments.map((s) => `${s}/`).join("");

/**
 * The store's contents.
 *
 * @internal
 */
export class KvState {
  readonly #values = new Map<string, Entry>();
  readonly #keys = new Map<string, Key>();
  #modified = 0;

  /** What `key` names. */
  kind(key: Key): KvKind | undefined {
    if (key.segments.length === 0) return "dictionary";
    const at = path(key);
    if (this.#values.has(at)) return "value";
    for (const other of this.#values.keys()) if (other.length > at.length && other.startsWith(at)) return "dictionary";
    return undefined;
  }

  /** The value at `key`. */
  value(key: Key): Result<Uint8Array, KvError> {
    const entry = this.#values.get(path(key));
    if (entry !== undefined) return ok(entry.data);
    return err(this.kind(key) === "dictionary" ? { kind: "value_expected", key } : { kind: "not_found", key });
  }

  /** The entries of the dictionary `key`, sorted by name. */
  list(key: Key): Result<Array<readonly [Key, KvKind]>, KvError> {
    const kind = this.kind(key);
    if (kind === undefined) return err({ kind: "not_found", key });
    if (kind === "value") return err({ kind: "dictionary_expected", key });
    const depth = key.segments.length;
    // A value blocks keys below it, so a child is either one value or a dictionary of several.
    const children = new Map<string, KvKind>();
    for (const [at] of this.#below(key)) {
      const below = this.#keys.get(at)!.segments;
      children.set(below[depth]!, below.length === depth + 1 ? "value" : "dictionary");
    }
    return ok([...children.keys()].sort().map((name) => [key.add(name), children.get(name)!] as const));
  }

  /** When `key` last changed: a value's time, a dictionary's latest value below it (the root: any change). */
  modified(key: Key): Result<number, KvError> {
    if (key.segments.length === 0) return ok(this.#modified);
    const entry = this.#values.get(path(key));
    if (entry !== undefined) return ok(entry.modified);
    let latest: number | undefined;
    for (const [at, below] of this.#below(key)) if (at !== path(key)) latest = Math.max(latest ?? 0, below.modified);
    return latest === undefined ? err({ kind: "not_found", key }) : ok(latest);
  }

  /** Whether `op` would succeed, and the error it gives when not. */
  check(op: KvOp): Result<void, KvWriteError> {
    switch (op.kind) {
      case "set": {
        if (op.key.segments.length === 0) return err({ kind: "value_expected", key: op.key });
        const above = this.#valueAbove(op.key);
        return above === undefined ? ok() : err({ kind: "dictionary_expected", key: above });
      }
      case "remove":
        return this.#valueAbove(op.key) === undefined ? ok() : err({ kind: "not_found", key: op.key });
      case "rename":
        return this.#checkRename(op.source, op.dest);
    }
  }

  /** Applies `op`, which {@link KvState.check} accepted. */
  apply(op: KvOp): void {
    this.#modified = Math.max(this.#modified, op.modified);
    switch (op.kind) {
      case "set":
        this.#drop(op.key);
        this.#put(op.key, { data: op.value, modified: op.modified });
        return;
      case "remove":
        if (op.key.segments.length === 0) {
          this.#values.clear();
          this.#keys.clear();
        } else this.#drop(op.key);
        return;
      case "rename": {
        const target = this.kind(op.dest) === "dictionary" ? op.dest.add(op.source.basename()) : op.dest;
        const moved = [...this.#below(op.source)].map(([at, entry]) => [this.#keys.get(at)!, entry] as const);
        this.#drop(op.source);
        this.#drop(target);
        const from = op.source.segments.length;
        for (const [key, entry] of moved) this.#put(target.append(keyTail(key, from)), entry);
        return;
      }
    }
  }

  // The ancestor of `key` holding a value, which makes `key` unreachable.
  #valueAbove(key: Key): Key | undefined {
    let ancestor = Key.empty;
    for (const segment of key.segments.slice(0, -1)) {
      ancestor = ancestor.add(segment);
      if (this.#values.has(path(ancestor))) return ancestor;
    }
    return undefined;
  }

  #checkRename(source: Key, dest: Key): Result<void, KvWriteError> {
    const from = this.kind(source);
    if (from === undefined || source.segments.length === 0) return err({ kind: "not_found", key: source });
    if (path(dest).startsWith(path(source))) {
      if (from === "dictionary") return err({ kind: "rename_source_prefix", source, dest });
      if (source.equals(dest)) return ok();
    }
    const to = this.kind(dest);
    if (to === "value" && from === "dictionary") return err({ kind: "value_expected", key: source });
    if (dest.segments.length === 0 && to !== "dictionary") return err({ kind: "value_expected", key: dest });
    const above = this.#valueAbove(to === "dictionary" ? dest.add(source.basename()) : dest);
    return above === undefined ? ok() : err({ kind: "dictionary_expected", key: above });
  }

  *#below(key: Key): Iterable<readonly [string, Entry]> {
    const at = path(key);
    for (const entry of this.#values) if (entry[0].startsWith(at)) yield entry;
  }

  #drop(key: Key): void {
    for (const [at] of [...this.#below(key)]) {
      this.#values.delete(at);
      this.#keys.delete(at);
    }
  }

  #put(key: Key, entry: Entry): void {
    this.#values.set(path(key), entry);
    this.#keys.set(path(key), key);
  }
}

// The segments of `key` after its first `from`, as a key.
function keyTail(key: Key, from: number): Key {
  return key.segments.slice(from).reduce((k, segment) => k.add(segment), Key.empty);
}
