/**
 * Values that depend on configure-time keys (upstream `Key.value`): an applicative carrying the
 * set of keys it reads, so the engine knows which keys a configuration depends on.
 *
 * @packageDocumentation
 */

import { Context } from "./context.js";
import { type AnyKey, type Key, keySet } from "./key.js";

/**
 * A value computed from the context, with the keys it depends on.
 *
 * @public
 */
export interface Value<out T> {
  /** The keys read by this value, sorted and without duplicates. */
  readonly deps: readonly AnyKey[];
  /** Evaluates the value in a context (missing keys take their defaults). */
  eval(context: Context): T;
}

function make<T>(deps: readonly AnyKey[], evaluate: (context: Context) => T): Value<T> {
  return { deps, eval: evaluate };
}

/**
 * A constant value, without dependencies.
 *
 * @public
 */
export function pure<T>(x: T): Value<T> {
  return make([], () => x);
}

/**
 * The value of a key (upstream `Key.value`).
 *
 * @public
 */
export function value<T>(k: Key<T>): Value<T> {
  return make([k], (context) => context.get(k));
}

/**
 * Applies a function to a value.
 *
 * @public
 */
export function map<A, B>(v: Value<A>, f: (a: A) => B): Value<B> {
  return make(v.deps, (context) => f(v.eval(context)));
}

/**
 * Applicative application (upstream `Key.( $ )`): the dependencies are unioned.
 *
 * @public
 */
export function ap<A, B>(f: Value<(a: A) => B>, x: Value<A>): Value<B> {
  return make(keySet([...f.deps, ...x.deps]), (context) => f.eval(context)(x.eval(context)));
}

/**
 * Combines several values into a tuple value.
 *
 * @public
 */
export function all<const T extends readonly unknown[]>(values: { readonly [K in keyof T]: Value<T[K]> }): Value<T> {
  const list = values as readonly Value<unknown>[];
  return make(keySet(list.flatMap((v) => v.deps)), (context) => list.map((v) => v.eval(context)) as unknown as T);
}

/**
 * `ifValue(c, a, b)` is `a` when `c` holds, else `b` (upstream `Key.if_`).
 *
 * @public
 */
export function ifValue<T>(cond: Value<boolean>, then: T, otherwise: T): Value<T> {
  return map(cond, (b) => (b ? then : otherwise));
}

/**
 * Case analysis on a value (upstream `Key.match_`).
 *
 * @public
 */
export function matchValue<A, B>(v: Value<A>, f: (a: A) => B): Value<B> {
  return map(v, f);
}

/**
 * A unit value depending on the given keys (upstream `Key.of_deps`).
 *
 * @public
 */
export function ofDeps(keys: readonly AnyKey[]): Value<void> {
  return make(keySet(keys), () => undefined);
}

/**
 * The value with every key at its default (upstream `Key.default`).
 *
 * @public
 */
export function defaultValue<T>(v: Value<T>): T {
  return v.eval(Context.empty);
}

/**
 * Whether every key the value depends on is present in the context (upstream `Key.mem`).
 *
 * @public
 */
export function isDetermined(context: Context, v: Value<unknown>): boolean {
  return v.deps.every((k) => context.mem(k));
}
