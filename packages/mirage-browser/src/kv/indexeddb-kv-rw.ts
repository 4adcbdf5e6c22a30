/**
 * `connectIndexedDbKvRw`: a read-write key-value store kept in the page's IndexedDB, so that what a
 * unikernel writes outlives a reload of the page. Each key is one record under its segments (an
 * array key), dictionaries included; each operation is one transaction.
 *
 * @packageDocumentation
 */

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
import { type KvRecord, below, committed, openDatabase, request } from "./idb-requests.js";

const STORE = "entries";

function keyOf(segments: readonly string[]): Key {
  return segments.reduce((k, segment) => k.add(segment), Key.empty);
}

/** The record at a key, or why there is none: a value on the way (`blockedAt`) or nothing. */
type Lookup = { readonly record: KvRecord } | { readonly missing: true } | { readonly blockedAt: Key };

const ROOT: KvRecord = { kind: "dictionary", modified: 0 };

class IndexedDbKvRw implements KvRw {
  readonly #db: IDBDatabase;
  readonly #name: string;
  // One operation at a time: each reads and then writes in its own transaction.
  #queue: Promise<unknown> = Promise.resolve();
  #connected = true;

  constructor(db: IDBDatabase, name: string) {
    this.#db = db;
    this.#name = name;
  }

  async disconnect(): Promise<void> {
    this.#connected = false;
    await this.#queue.catch(() => undefined);
    this.#db.close();
  }

  exists(key: Key): Promise<Result<KvKind | undefined, KvError>> {
    return this.#read(key, async (store) => {
      const found = await lookup(store, key);
      return ok("record" in found ? found.record.kind : undefined);
    });
  }

  get(key: Key): Promise<Result<Uint8Array, KvError>> {
    return this.#read(key, async (store) => {
      const value = await valueAt(store, key);
      return value.ok ? ok(value.value.data.slice()) : value;
    });
  }

  getPartial(key: Key, offset: number, length: number): Promise<Result<Uint8Array, KvError>> {
    checkCount("getPartial: offset", offset);
    checkCount("getPartial: length", length);
    return this.#read(key, async (store) => {
      const value = await valueAt(store, key);
      return value.ok ? ok(value.value.data.slice(offset, offset + length)) : value;
    });
  }

  list(key: Key): Promise<Result<Array<readonly [Key, KvKind]>, KvError>> {
    return this.#read(key, async (store) => {
      const found = await lookup(store, key);
      if (!("record" in found)) return err({ kind: "not_found", key });
      if (found.record.kind === "value") return err({ kind: "dictionary_expected", key });
      const depth = key.segments.length + 1;
      const keys = (await request(store.getAllKeys(below(key.segments)))) as string[][];
      const records = (await request(store.getAll(below(key.segments)))) as KvRecord[];
      const entries: Array<readonly [Key, KvKind]> = [];
      keys.forEach((segments, i) => {
        if (segments.length === depth) entries.push([keyOf(segments), records[i]!.kind] as const);
      });
      return ok(entries);
    });
  }

  lastModified(key: Key): Promise<Result<Date, KvError>> {
    return this.#read(key, async (store) => {
      const found = await lookup(store, key);
      return "record" in found ? ok(new Date(found.record.modified)) : err({ kind: "not_found", key });
    });
  }

  async digest(key: Key): Promise<Result<Uint8Array, KvError>> {
    const value = await this.get(key);
    if (!value.ok) return value;
    return ok(new Uint8Array(await crypto.subtle.digest("SHA-256", value.value as Uint8Array<ArrayBuffer>)));
  }

  size(key: Key): Promise<Result<number, KvError>> {
    return this.#read(key, async (store) => {
      const value = await valueAt(store, key);
      return value.ok ? ok(value.value.data.length) : value;
    });
  }

  set(key: Key, value: Uint8Array): Promise<Result<void, KvWriteError>> {
    const data = value.slice();
    return this.#write(key, (store) => bind(store, key, { kind: "value", data, modified: Date.now() }));
  }

  setPartial(key: Key, offset: number, value: Uint8Array): Promise<Result<void, KvWriteError>> {
    checkCount("setPartial: offset", offset);
    return this.#write(key, async (store) => {
      const found = await lookup(store, key);
      if ("record" in found && found.record.kind === "dictionary") return err({ kind: "value_expected", key });
      const old = "record" in found && found.record.kind === "value" ? found.record.data : new Uint8Array(0);
      const data = kvSetPartial(old, offset, value);
      return bind(store, key, { kind: "value", data, modified: Date.now() });
    });
  }

  remove(key: Key): Promise<Result<void, KvWriteError>> {
    return this.#write(key, async (store) => {
      if (key.segments.length === 0) {
        await request(store.clear());
        return ok();
      }
      const parent = await lookup(store, key.parent());
      if (!("record" in parent) || parent.record.kind !== "dictionary") return err({ kind: "not_found", key });
      if ((await request(store.get([...key.segments]))) !== undefined) {
        await request(store.delete([...key.segments]));
        await request(store.delete(below(key.segments)));
        await touch(store, key.parent(), Date.now());
      }
      return ok();
    });
  }

  rename(source: Key, dest: Key): Promise<Result<void, KvWriteError>> {
    return this.#write(source, async (store) => {
      const from = await lookup(store, source);
      if (!("record" in from) || source.segments.length === 0) return err({ kind: "not_found", key: source });
      if (source.isPrefixOf(dest)) {
        if (from.record.kind === "dictionary") return err({ kind: "rename_source_prefix", source, dest });
        if (source.equals(dest)) return ok();
      }
      const to = await lookup(store, dest);
      if ("record" in to && to.record.kind === "value" && from.record.kind === "dictionary")
        return err({ kind: "value_expected", key: source });
      // Mirage_kv: into a dictionary, the source moves inside it under its own name.
      const target = "record" in to && to.record.kind === "dictionary" ? dest.add(source.basename()) : dest;
      const keys = (await request(store.getAllKeys(below(source.segments)))) as string[][];
      const records = (await request(store.getAll(below(source.segments)))) as KvRecord[];
      const bound = await bind(store, target, from.record);
      if (!bound.ok) return bound;
      const depth = source.segments.length;
      for (const [i, segments] of keys.entries())
        await request(store.put(records[i]!, [...target.segments, ...segments.slice(depth)]));
      await request(store.delete([...source.segments]));
      await request(store.delete(below(source.segments)));
      await touch(store, source.parent(), Date.now());
      return ok();
    });
  }

  allocate(key: Key, size: number, lastModified?: Date): Promise<Result<void, KvWriteError>> {
    checkCount("allocate: size", size);
    return this.#write(key, async (store) => {
      if ("record" in (await lookup(store, key))) return err({ kind: "already_present", key });
      const modified = lastModified?.getTime() ?? Date.now();
      return bind(store, key, { kind: "value", data: new Uint8Array(size), modified });
    });
  }

  #read<T>(key: Key, work: (store: IDBObjectStore) => Promise<Result<T, KvError>>): Promise<Result<T, KvError>> {
    return this.#run(key, "readonly", work);
  }

  #write(key: Key, work: (store: IDBObjectStore) => Promise<Result<void, KvWriteError>>) {
    if (!this.#connected)
      return Promise.resolve(err({ kind: "msg", message: `the store is disconnected (writing ${key.pp()})` } as const));
    return this.#run(key, "readwrite", work);
  }

  // Runs one operation in a transaction after the previous ones; a failure of IndexedDB itself is
  // mirage-kv's storage error (or no_space when the origin's quota is reached).
  #run<T, E>(key: Key, mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<Result<T, E>>) {
    const next = this.#queue.then(async (): Promise<Result<T, E | KvWriteError>> => {
      try {
        const tx = this.#db.transaction(STORE, mode);
        const done = committed(tx);
        const result = await work(tx.objectStore(STORE));
        if (!result.ok && mode === "readwrite") tx.abort();
        await done.catch((error: unknown) => {
          if (result.ok) throw error;
        });
        return result;
      } catch (error) {
        if (error instanceof DOMException && error.name === "QuotaExceededError") return err({ kind: "no_space" });
        const reason = error instanceof Error ? error.message : String(error);
        return err({ kind: "msg", message: `storage error for ${key.pp()}: ${reason} (IndexedDB ${this.#name})` });
      }
    });
    this.#queue = next;
    return next as Promise<Result<T, E>>;
  }
}

async function lookup(store: IDBObjectStore, key: Key): Promise<Lookup> {
  const { segments } = key;
  if (segments.length === 0) return { record: ROOT };
  for (let i = 1; i < segments.length; i++) {
    const up = (await request(store.get(segments.slice(0, i)))) as KvRecord | undefined;
    if (up === undefined) return { missing: true };
    if (up.kind === "value") return { blockedAt: keyOf(segments.slice(0, i)) };
  }
  const record = (await request(store.get([...segments]))) as KvRecord | undefined;
  return record === undefined ? { missing: true } : { record };
}

async function valueAt(store: IDBObjectStore, key: Key): Promise<Result<KvRecord & { kind: "value" }, KvError>> {
  const found = await lookup(store, key);
  if (!("record" in found)) return err({ kind: "not_found", key });
  return found.record.kind === "value" ? ok(found.record) : err({ kind: "value_expected", key });
}

// Binds `record` at `key`, creating missing dictionaries, replacing a value or a whole dictionary.
async function bind(store: IDBObjectStore, key: Key, record: KvRecord): Promise<Result<void, KvWriteError>> {
  const { segments } = key;
  if (segments.length === 0) return err({ kind: "value_expected", key });
  for (let i = 1; i < segments.length; i++) {
    const path = segments.slice(0, i);
    const up = (await request(store.get(path))) as KvRecord | undefined;
    if (up === undefined) await request(store.put({ kind: "dictionary", modified: record.modified }, path));
    else if (up.kind === "value") return err({ kind: "dictionary_expected", key: keyOf(path) });
  }
  await request(store.delete(below(segments)));
  await request(store.put(record, [...segments]));
  await touch(store, key.parent(), record.modified);
  return ok();
}

// A dictionary's last modification is that of its latest change below it.
async function touch(store: IDBObjectStore, key: Key, when: number): Promise<void> {
  for (let i = 1; i <= key.segments.length; i++) {
    const path = key.segments.slice(0, i);
    const record = (await request(store.get(path))) as KvRecord | undefined;
    if (record?.kind === "dictionary") await request(store.put({ ...record, modified: when }, path));
  }
}

/**
 * Options of {@link connectIndexedDbKvRw}.
 *
 * @beta
 */
export interface IndexedDbKvRwOptions {
  /** The IndexedDB to use; the page's `indexedDB` by default. */
  readonly factory?: IDBFactory;
}

/**
 * Connects the read-write key-value store kept in the IndexedDB database `mirage-kv:<name>` of the
 * page's origin, creating it if needed: what was written before (by an earlier load of the page) is
 * there. It has the semantics of mirage-unix's stores (`set` creates dictionaries and replaces values
 * or whole dictionaries, `setPartial` appends past the end, `remove` is recursive, `rename` moves
 * into a dictionary or over a value, `allocate` zero-fills unless the key exists, `digest` is
 * SHA-256); the origin's quota reached is `no_space`.
 *
 * @throws Error naming the database when IndexedDB cannot open it (a private window may forbid it).
 * @beta
 */
export async function connectIndexedDbKvRw(name: string, options: IndexedDbKvRwOptions = {}): Promise<KvRw> {
  const database = `mirage-kv:${name}`;
  const factory = options.factory ?? globalThis.indexedDB;
  try {
    return new IndexedDbKvRw(await openDatabase(factory, database, STORE), database);
  } catch (error) {
    throw new Error(
      `cannot open the IndexedDB database ${database}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
