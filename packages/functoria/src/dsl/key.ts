/**
 * Configure-time keys (upstream `Functoria.Key`): named command-line arguments of the tool,
 * used to choose implementations (`ifImpl`/`matchImpl`) and to parameterise devices. They are
 * distinct from run-time arguments, which are parsed by the unikernel itself.
 *
 * @packageDocumentation
 */

import type { Arg } from "@mirage-ts/cmdliner";

/**
 * A configure-time key: a name (its identity in the context and in describe) and an argument.
 *
 * @public
 */
export interface Key<in out T> {
  /** The key name, unique per context. */
  readonly name: string;
  /**
   * How the key is read from the command line. A key of a `required` argument holds `undefined`
   * until the command line gives it: `configure` refuses to run without it, the other commands see
   * `undefined` (upstream `Key.Arg.required` gives an option).
   */
  readonly arg: Arg<T> | Arg<Exclude<T, undefined>>;
}

/**
 * A key of any value type, as found in device `keys` lists and in graph collections.
 *
 * @public
 */
// biome-ignore lint/suspicious/noExplicitAny: the existential type: an invariant `Key<unknown>` would accept no key.
export type AnyKey = Key<any>;

/**
 * Creates a key (upstream `Key.create`). The key of a `required` argument reads `undefined` until
 * the command line gives it (see {@link Key.arg}).
 *
 * @throws `TypeError` `Key.create: key name cannot be the empty string`.
 * @public
 */
export function key<T>(name: string, arg: Arg<T> & { readonly kind: "required" }): Key<T | undefined>;
/**
 * Creates a key of an argument that has a value when absent (`opt`, `flag`, `optAll`, `optional`).
 *
 * @public
 */
export function key<T>(name: string, arg: Arg<T>): Key<T>;
export function key<T>(name: string, arg: Arg<T>): Key<T> {
  if (name === "") throw new TypeError("Key.create: key name cannot be the empty string");
  return { name, arg };
}

/**
 * The value of `k` when the command line does not give it: the argument's default, or `undefined`
 * for a required argument.
 */
export function keyDefault<T>(k: Key<T>): T {
  const absent = k.arg.evaluate([], undefined);
  return (absent.ok ? absent.value : undefined) as T;
}

/**
 * Prints a value of `k` as its command line writes it; `undefined` for an absent required value.
 */
export function printKeyValue<T>(k: Key<T>, value: T): string | undefined {
  if (value === undefined && k.arg.kind === "required") return undefined;
  return (k.arg as Arg<T>).print(value);
}

function defaultText(k: AnyKey): string {
  return printKeyValue(k, keyDefault(k)) ?? "";
}

/**
 * Key equality (upstream `Key.equal`): same name, same argument kind and same printed default.
 * Two keys named `foo` with different defaults are different keys.
 *
 * @public
 */
export function keyEquals(a: AnyKey, b: AnyKey): boolean {
  return compareKeys(a, b) === 0;
}

/**
 * The total order of keys: by name, then kind, then printed default (upstream `Key.compare`).
 *
 * @public
 */
export function compareKeys(a: AnyKey, b: AnyKey): number {
  if (a === b) return 0;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.arg.kind !== b.arg.kind) return a.arg.kind < b.arg.kind ? -1 : 1;
  const da = a.arg.kind === "opt" ? defaultText(a) : "";
  const db = b.arg.kind === "opt" ? defaultText(b) : "";
  return da === db ? 0 : da < db ? -1 : 1;
}

/**
 * Sorts keys and removes duplicates (by {@link keyEquals}), like upstream `Key.Set`.
 *
 * @public
 */
export function keySet(keys: Iterable<AnyKey>): AnyKey[] {
  const sorted = [...keys].sort(compareKeys);
  return sorted.filter((k, i) => i === 0 || compareKeys(sorted[i - 1] as AnyKey, k) !== 0);
}
