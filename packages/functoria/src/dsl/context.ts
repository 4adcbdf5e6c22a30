/**
 * The configure-time context (upstream `Functoria.Context`): the values of the keys given on the
 * command line or restored from the context cache. A key absent from the context takes its
 * default value.
 *
 * @packageDocumentation
 */

import { type Key, keyDefault } from "./key.js";

/**
 * An immutable map from key names to parsed values.
 *
 * @public
 */
export class Context {
  /** The empty context: every key has its default value. */
  static readonly empty: Context = new Context(new Map());

  private constructor(private readonly values: ReadonlyMap<string, unknown>) {}

  /** The context with `key` set to `value`. */
  add<T>(key: Key<T>, value: T): Context {
    const values = new Map(this.values);
    values.set(key.name, value);
    return new Context(values);
  }

  /** Whether `key` was given (on the command line or in the cache). */
  mem(key: { readonly name: string }): boolean {
    return this.values.has(key.name);
  }

  /** The value given for `key`, or `undefined` when it is absent (upstream `Key.find`). */
  find<T>(key: Key<T>): T | undefined {
    return this.values.has(key.name) ? (this.values.get(key.name) as T) : undefined;
  }

  /** The value of `key`: the given one, else its default (upstream `Key.get`). */
  get<T>(key: Key<T>): T {
    return this.values.has(key.name) ? (this.values.get(key.name) as T) : keyDefault(key);
  }

  /** The names of the keys present, sorted. */
  names(): string[] {
    return [...this.values.keys()].sort();
  }

  /**
   * This context over `defaults`: entries of `this` win (upstream
   * `Context.merge ~default`, used so that the command line wins over the cache).
   */
  merge(defaults: Context): Context {
    const values = new Map(defaults.values);
    for (const [name, value] of this.values) values.set(name, value);
    return new Context(values);
  }
}
