/**
 * Devices chosen at configure time by a key's value (`--block=file|ramdisk`, `--kv_ro=crunch|direct`).
 *
 * @packageDocumentation
 */

import { type Impl, type Key, matchImpl, value } from "@mirage-ts/functoria";

/**
 * Options of a device chosen by a key ({@link genericBlock}, {@link genericKvRo}).
 *
 * @public
 */
export interface KeyChoiceOptions<K extends string> {
  /** Names the default key after the group: `--<group>-block` instead of `--block`. */
  readonly group?: string;
  /** The key that chooses, instead of the default one. */
  readonly key?: Key<K>;
}

/** The implementation in `impls` that the value of `choice` names; `impls[fallback]` for any other value. */
export function chosenByKey<K extends string, T>(
  choice: Key<K>,
  impls: Readonly<Record<K, Impl<T>>>,
  fallback: K,
): Impl<T> {
  const cases = Object.entries(impls) as Array<[K, Impl<T>]>;
  return matchImpl(value(choice), cases, impls[fallback]);
}
