/**
 * `KvRo` and `KvRw`: key-value stores (`Mirage_kv.RO` and `Mirage_kv.RW`, version 6).
 *
 * @packageDocumentation
 */

import type { Device, MsgError } from "./device.js";
import { type ErrorTexts, printError } from "./internal/error-text.js";
import type { Key } from "./kv-key.js";
import type { Result } from "./result.js";

/**
 * What a key names: a value or a dictionary (a directory of keys).
 *
 * @public
 */
export type KvKind = "value" | "dictionary";

/**
 * Key-value read errors.
 *
 * @public
 */
export type KvError =
  | { readonly kind: "not_found"; readonly key: Key }
  | { readonly kind: "dictionary_expected"; readonly key: Key }
  | { readonly kind: "value_expected"; readonly key: Key }
  | MsgError;

/**
 * Key-value write errors.
 *
 * @public
 */
export type KvWriteError =
  | KvError
  | { readonly kind: "no_space" }
  | { readonly kind: "rename_source_prefix"; readonly source: Key; readonly dest: Key }
  | { readonly kind: "already_present"; readonly key: Key };

/**
 * A read-only key-value store. Values are bytes; sizes and offsets are byte counts.
 *
 * @public
 */
export interface KvRo extends Device {
  /** What `key` names, or `undefined` if nothing. */
  exists(key: Key): Promise<Result<KvKind | undefined, KvError>>;
  /** The value at `key`. */
  get(key: Key): Promise<Result<Uint8Array, KvError>>;
  /** Up to `length` bytes of the value at `key`, from `offset`. */
  getPartial(key: Key, offset: number, length: number): Promise<Result<Uint8Array, KvError>>;
  /** The entries of the dictionary `key`, as absolute keys. */
  list(key: Key): Promise<Result<Array<readonly [Key, KvKind]>, KvError>>;
  /** When the value or dictionary at `key` last changed. */
  lastModified(key: Key): Promise<Result<Date, KvError>>;
  /** A digest of the value or dictionary at `key`, as raw bytes. */
  digest(key: Key): Promise<Result<Uint8Array, KvError>>;
  /** The size in bytes of the value at `key`. */
  size(key: Key): Promise<Result<number, KvError>>;
}

/**
 * A read-write key-value store.
 *
 * @public
 */
export interface KvRw extends KvRo {
  /** Stores `value` at `key`, creating parent dictionaries, replacing an existing value. */
  set(key: Key, value: Uint8Array): Promise<Result<void, KvWriteError>>;
  /** Writes `value` into the value at `key` from `offset`, extending it if needed. */
  setPartial(key: Key, offset: number, value: Uint8Array): Promise<Result<void, KvWriteError>>;
  /** Removes the value or dictionary (recursively) at `key`. */
  remove(key: Key): Promise<Result<void, KvWriteError>>;
  /** Moves `source` to `dest`, replacing a value at `dest`. */
  rename(source: Key, dest: Key): Promise<Result<void, KvWriteError>>;
  /** Creates a zero-filled value of `size` bytes at `key`; fails if `key` exists. */
  allocate(key: Key, size: number, lastModified?: Date): Promise<Result<void, KvWriteError>>;
}

// The texts of the read errors, which write errors include.
const kvErrorTexts: ErrorTexts<KvError> = {
  not_found: (notFound) => `Cannot find the key ${notFound.key.pp()}`,
  dictionary_expected: (expected) => `Expecting a dictionary for the key ${expected.key.pp()}`,
  value_expected: (expected) => `Expecting a value for the key ${expected.key.pp()}`,
};

/**
 * Prints a key-value read error with upstream's text.
 *
 * @public
 */
export function ppKvError(error: KvError): string {
  return printError(error, kvErrorTexts);
}

/**
 * Prints a key-value write error with upstream's text.
 *
 * @public
 */
export function ppKvWriteError(error: KvWriteError): string {
  return printError(error, {
    ...kvErrorTexts,
    no_space: "No space left on device",
    rename_source_prefix: (rename) =>
      `Rename: source ${rename.source.pp()} is prefix of destination ${rename.dest.pp()}`,
    already_present: (present) => `Key ${present.key.pp()} is already present`,
  });
}
