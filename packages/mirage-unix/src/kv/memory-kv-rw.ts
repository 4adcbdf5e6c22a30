/**
 * `connectMemoryKvRw`: a read-write key-value store held in memory (upstream `mirage-kv-mem`, the
 * device behind `kvRwMem`), with the same semantics as the directory-backed store.
 *
 * @packageDocumentation
 */

import { createHash } from "node:crypto";
import {
  Key,
  type KvError,
  type KvKind,
  type KvRw,
  type KvWriteError,
  type Result,
  checkCount,
  err,
  kvSetPartial,
  ok,
} from "@mirage-ts/mirage-types";

interface ValueNode {
  readonly kind: "value";
  data: Uint8Array;
  modified: Date;
}

interface DictionaryNode {
  readonly kind: "dictionary";
  readonly entries: Map<string, Node>;
  modified: Date;
}

type Node = ValueNode | DictionaryNode;

// The node at `key`, or why there is none: a value on the way is `dictionary_expected` for writers.
type Lookup = { readonly node: Node } | { readonly missing: true } | { readonly blockedAt: Key };

class MemoryKvRw implements KvRw {
  #root: DictionaryNode = { kind: "dictionary", entries: new Map(), modified: new Date() };
  #connected = true;

  async disconnect(): Promise<void> {
    this.#connected = false;
  }

  async exists(key: Key): Promise<Result<KvKind | undefined, KvError>> {
    const found = this.#lookup(key);
    return ok("node" in found ? found.node.kind : undefined);
  }

  async get(key: Key): Promise<Result<Uint8Array, KvError>> {
    const value = this.#value(key);
    return value.ok ? ok(value.value.data.slice()) : value;
  }

  async getPartial(key: Key, offset: number, length: number): Promise<Result<Uint8Array, KvError>> {
    checkCount("getPartial: offset", offset);
    checkCount("getPartial: length", length);
    const value = this.#value(key);
    return value.ok ? ok(value.value.data.slice(offset, offset + length)) : value;
  }

  async list(key: Key): Promise<Result<Array<readonly [Key, KvKind]>, KvError>> {
    const found = this.#lookup(key);
    if (!("node" in found)) return err({ kind: "not_found", key });
    const dir = found.node;
    if (dir.kind === "value") return err({ kind: "dictionary_expected", key });
    const names = [...dir.entries.keys()].sort();
    return ok(names.map((name) => [key.add(name), dir.entries.get(name)!.kind] as const));
  }

  async lastModified(key: Key): Promise<Result<Date, KvError>> {
    const found = this.#lookup(key);
    return "node" in found ? ok(new Date(found.node.modified)) : err({ kind: "not_found", key });
  }

  async digest(key: Key): Promise<Result<Uint8Array, KvError>> {
    const value = this.#value(key);
    return value.ok ? ok(new Uint8Array(createHash("sha256").update(value.value.data).digest())) : value;
  }

  async size(key: Key): Promise<Result<number, KvError>> {
    const value = this.#value(key);
    return value.ok ? ok(value.value.data.length) : value;
  }

  async set(key: Key, value: Uint8Array): Promise<Result<void, KvWriteError>> {
    return this.#bind(key, { kind: "value", data: value.slice(), modified: new Date() });
  }

  async setPartial(key: Key, offset: number, value: Uint8Array): Promise<Result<void, KvWriteError>> {
    checkCount("setPartial: offset", offset);
    const found = this.#lookup(key);
    if ("node" in found && found.node.kind === "dictionary") return err({ kind: "value_expected", key });
    const old = "node" in found && found.node.kind === "value" ? found.node.data : new Uint8Array(0);
    const data = kvSetPartial(old, offset, value);
    return this.#bind(key, { kind: "value", data, modified: new Date() });
  }

  async remove(key: Key): Promise<Result<void, KvWriteError>> {
    if (key.segments.length === 0) {
      this.#root = { kind: "dictionary", entries: new Map(), modified: new Date() };
      return ok();
    }
    const parent = this.#lookup(key.parent());
    if (!("node" in parent) || parent.node.kind !== "dictionary") return err({ kind: "not_found", key });
    if (parent.node.entries.delete(key.basename())) this.#touch(key.parent());
    return ok();
  }

  async rename(source: Key, dest: Key): Promise<Result<void, KvWriteError>> {
    const from = this.#lookup(source);
    if (!("node" in from) || source.segments.length === 0) return err({ kind: "not_found", key: source });
    if (source.isPrefixOf(dest)) {
      if (from.node.kind === "dictionary") return err({ kind: "rename_source_prefix", source, dest });
      if (source.equals(dest)) return ok();
    }
    const to = this.#lookup(dest);
    if ("node" in to && to.node.kind === "value" && from.node.kind === "dictionary")
      return err({ kind: "value_expected", key: source });
    // Mirage_kv: into a dictionary, the source moves inside it under its own name.
    const target = "node" in to && to.node.kind === "dictionary" ? dest.add(source.basename()) : dest;
    const bound = this.#bind(target, from.node);
    if (!bound.ok) return bound;
    const parent = this.#lookup(source.parent());
    if ("node" in parent && parent.node.kind === "dictionary") parent.node.entries.delete(source.basename());
    this.#touch(source.parent());
    return ok();
  }

  async allocate(key: Key, size: number, lastModified?: Date): Promise<Result<void, KvWriteError>> {
    checkCount("allocate: size", size);
    if ("node" in this.#lookup(key)) return err({ kind: "already_present", key });
    return this.#bind(key, { kind: "value", data: new Uint8Array(size), modified: lastModified ?? new Date() });
  }

  #lookup(key: Key): Lookup {
    let node: Node = this.#root;
    let walked = 0;
    for (const segment of key.segments) {
      if (node.kind === "value") return { blockedAt: keyOf(key, walked) };
      const next = node.entries.get(segment);
      if (next === undefined) return { missing: true };
      node = next;
      walked++;
    }
    return { node };
  }

  #value(key: Key): Result<ValueNode, KvError> {
    const found = this.#lookup(key);
    if (!("node" in found)) return err({ kind: "not_found", key });
    return found.node.kind === "value" ? ok(found.node) : err({ kind: "value_expected", key });
  }

  // Binds `node` at `key`, creating missing dictionaries, replacing a value or a whole dictionary.
  #bind(key: Key, node: Node): Result<void, KvWriteError> {
    if (!this.#connected) return err({ kind: "msg", message: `the store is disconnected (writing ${key.pp()})` });
    if (key.segments.length === 0) return err({ kind: "value_expected", key });
    let dir: DictionaryNode = this.#root;
    const path = key.segments;
    for (let i = 0; i < path.length - 1; i++) {
      let next = dir.entries.get(path[i]!);
      if (next === undefined) {
        next = { kind: "dictionary", entries: new Map(), modified: node.modified };
        dir.entries.set(path[i]!, next);
      }
      if (next.kind === "value") return err({ kind: "dictionary_expected", key: keyOf(key, i + 1) });
      dir = next;
    }
    dir.entries.set(key.basename(), node);
    this.#touch(key.parent(), node.modified);
    return ok();
  }

  // A dictionary's last modification is that of its latest change below it.
  #touch(key: Key, when: Date = new Date()): void {
    let node: Node = this.#root;
    node.modified = when;
    for (const segment of key.segments) {
      if (node.kind !== "dictionary") return;
      const next: Node | undefined = node.entries.get(segment);
      if (next === undefined) return;
      next.modified = when;
      node = next;
    }
  }
}

/** The ancestor of `key` made of its first `length` segments. */
function keyOf(key: Key, length: number): Key {
  return key.segments.slice(0, length).reduce((k, segment) => k.add(segment), Key.empty);
}

/**
 * Connects an empty read-write key-value store held in memory (upstream `mirage-kv-mem`): values are
 * bytes in a tree of dictionaries, with the semantics of {@link connectDirectoryKvRw} (`set` creates
 * dictionaries and replaces values or whole dictionaries, `setPartial` appends past the end, `remove`
 * is recursive, `rename` moves into a dictionary or over a value, `allocate` zero-fills unless the key
 * exists, `digest` is SHA-256). Its content lives as long as the store.
 *
 * @public
 */
export async function connectMemoryKvRw(): Promise<KvRw> {
  return new MemoryKvRw();
}
