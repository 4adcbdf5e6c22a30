/**
 * Module types as values (upstream `Functoria.Type`): `typ("network")` names a device signature,
 * `fn(a, b)` is the functor arrow `a @-> b`. The type parameter is a phantom that lets TypeScript
 * reject, in `config.ts`, an application of a device of the wrong type.
 *
 * @packageDocumentation
 */

/**
 * The phantom type of a functor from `A` to `B` (upstream `'a -> 'b` in `('a -> 'b) typ`).
 * It only exists at the type level.
 *
 * @public
 */
export interface Fn<in out A, in out B> {
  /** Type-level marker; never present at run time. */
  readonly __functor?: [A, B];
}

/**
 * A module type, for example `typ("console")`, or a functor type built with {@link fn}.
 * `T` is invariant, so `Typ<"console">` and `Typ<"network">` never mix.
 *
 * @public
 */
export interface Typ<in out T> {
  /** Type-level marker; never present at run time. */
  readonly __typ?: T;
  /** The module type name, or `undefined` for a functor type. */
  readonly name: string | undefined;
  /** The argument type of a functor type. */
  readonly arg: Typ<unknown> | undefined;
  /** The result type of a functor type. */
  readonly result: Typ<unknown> | undefined;
  /** Whether this is a functor type (upstream `Type.is_functor`). */
  readonly isFunctor: boolean;
  /** Prints the type as `console -> job`. */
  toString(): string;
}

class TypValue implements Typ<never> {
  constructor(
    readonly name: string | undefined,
    readonly arg: Typ<unknown> | undefined,
    readonly result: Typ<unknown> | undefined,
  ) {}

  get isFunctor(): boolean {
    return this.arg !== undefined;
  }

  toString(): string {
    if (this.arg === undefined || this.result === undefined) return this.name ?? "?";
    const arg = this.arg.isFunctor ? `(${this.arg.toString()})` : this.arg.toString();
    return `${arg} -> ${this.result.toString()}`;
  }
}

/**
 * A module type named `name`. The name is also its phantom type, so two distinct names are two
 * distinct TypeScript types.
 *
 * @example
 * ```ts
 * const console = typ("console"); // Typ<"console">
 * ```
 * @public
 */
export function typ<const N extends string>(name: N): Typ<N> {
  if (name === "") throw new TypeError("typ: the module type name cannot be the empty string");
  return new TypValue(name, undefined, undefined) as unknown as Typ<N>;
}

/**
 * The functor type `arg -> result` (upstream `@->`). Nest it for several arguments:
 * `fn(network, fn(console, job))`.
 *
 * @public
 */
export function fn<A, B>(arg: Typ<A>, result: Typ<B>): Typ<Fn<A, B>> {
  return new TypValue(undefined, arg as Typ<unknown>, result as Typ<unknown>) as unknown as Typ<Fn<A, B>>;
}

/**
 * The phantom type of application entry points (upstream `job`).
 *
 * @public
 */
export type Job = "job";

/**
 * The module type of jobs: modules with a `start` function, registered as the application.
 *
 * @public
 */
export const job: Typ<Job> = typ("job");
