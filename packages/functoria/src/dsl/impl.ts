/**
 * Implementations (upstream `Functoria.Impl` and the DSL combinators): device constructors,
 * application of functors, `main`, `noop`, `dep`, `ifImpl` and `matchImpl`. Applications are
 * typed, so applying a device of the wrong type, or too many devices, is a TypeScript error in
 * `config.ts`.
 *
 * @packageDocumentation
 */

import { DevNode, IfNode, asNode, mkApp, sameTyp } from "../graph/node.js";
import { type DeviceOptions, makeDevice } from "./device.js";
import { notice } from "./notices.js";
import { type Fn, type Job, type Typ, job } from "./typ.js";
import type { Value } from "./value.js";

/**
 * An implementation of the module type `T`: a device, possibly applied to other
 * implementations, or a choice among implementations. `T` is invariant.
 *
 * @public
 */
export interface Impl<in out T> {
  /** The module type this implements. */
  readonly typ: Typ<T>;
  /**
   * Applies this functor to one argument (upstream `$`): `f.$(a).$(b)`. It only typechecks when
   * `arg` implements the functor's argument type.
   */
  $<A, B>(this: Impl<Fn<A, B>>, arg: Impl<A>): Impl<B>;
}

/**
 * An implementation of any type, as in `extraDeps` (upstream `abstract_impl`).
 *
 * @public
 */
/* biome-ignore lint/suspicious/noExplicitAny: the existential type: an invariant `Impl<unknown>` would accept no
   implementation. */
export type AbstractImpl = Impl<any>;

/**
 * The implementations a functor of type `F` accepts as its first arguments: any prefix of its
 * parameter list.
 *
 * @public
 */
export type ImplArgs<F> =
  F extends Fn<infer A, infer B> ? readonly [] | readonly [Impl<A>, ...ImplArgs<B>] : readonly [];

/**
 * The type of a functor `F` applied to the arguments `Args`.
 *
 * @public
 */
export type Applied<F, Args extends readonly unknown[]> = Args extends readonly [unknown, ...infer Rest]
  ? // biome-ignore lint/suspicious/noExplicitAny: `Fn` is invariant in its parameter: only `any` matches every functor.
    F extends Fn<any, infer B>
    ? Applied<B, Rest>
    : never
  : F;

/**
 * Declares a device and returns its implementation (upstream `impl`/`Impl.v`).
 *
 * @example
 * ```ts
 * const stack = typ("stack");
 * const console = impl({ module: "@mirage-ts/mirage-unix", name: "Console", type: typ("console") });
 * ```
 * @public
 */
export function impl<T>(options: DeviceOptions<T>): Impl<T> {
  const device = makeDevice(options);
  return new DevNode(device, [], device.extraDeps.map(asNode), device.type) as unknown as Impl<T>;
}

/**
 * Applies a functor to arguments (upstream `$`, n times): `apply(f, a, b)` is `f.$(a).$(b)`.
 * Partial application is allowed; a wrong argument type or too many arguments do not typecheck.
 *
 * @public
 */
export function apply<F, const Args extends ImplArgs<F>>(f: Impl<F>, ...args: Args): Impl<Applied<F, Args>> {
  return mkApp(asNode(f), (args as readonly unknown[]).map(asNode)) as unknown as Impl<Applied<F, Args>>;
}

/**
 * Erases the type of an implementation, for `extraDeps` (upstream `dep`).
 *
 * @public
 */
export function dep<T>(i: Impl<T>): AbstractImpl {
  return i;
}

/**
 * The job that does nothing (upstream `noop`, module `Unit`). It is exempt from the "job without
 * arguments" check and is what `main` injects as the unit argument.
 *
 * @public
 */
export const noop: Impl<Job> = impl({ name: "Unit", type: job, connect: () => "undefined" });

/**
 * Options of {@link main}: the {@link DeviceOptions} an application takes, with `module` required
 * (the application's module relative to `config.ts`, `./unikernel.js`) and `name` its export, whose
 * `start` is called (`Main.start(<devices...>)`). `runtimeArgs` are passed to `start` after the
 * devices.
 *
 * @public
 */
export interface MainOptions<T>
  extends Pick<DeviceOptions<T>, "name" | "type" | "packages" | "packagesV" | "runtimeArgs"> {
  /** The module of the application, relative to `config.ts` (`./unikernel.js`). */
  readonly module: string;
  /** Implementations connected before the application and passed to `start` after its arguments. */
  readonly deps?: readonly AbstractImpl[] | undefined;
}

/**
 * The application's entry point (upstream `main`): connecting it calls `<name>.start(...)`.
 * When its type is not a functor and it has no `deps`, a unit argument (the {@link noop} job) is
 * added so that `start` runs only after initialisation, with the message
 * `adding unit argument to 'start ()' (to delay execution)`.
 *
 * @public
 */
export function main<T>(options: MainOptions<T>): Impl<T> {
  let { deps, ...device } = options;
  if (!options.type.isFunctor && (deps === undefined || deps.length === 0)) {
    notice("adding unit argument to 'start ()' (to delay execution)");
    deps = [noop];
  }
  return impl({
    ...device,
    extraDeps: deps,
    connect: (context) => `${context.impl}.start(${context.args.join(", ")})`,
  });
}

/**
 * Chooses an implementation by the value of keys (upstream `match_impl`): the first case whose
 * value equals the evaluated one, else `fallback`. Values are compared structurally.
 *
 * @public
 */
export function matchImpl<V, T>(cond: Value<V>, cases: readonly (readonly [V, Impl<T>])[], fallback: Impl<T>): Impl<T> {
  const fallbackNode = asNode(fallback);
  const branches = cases.map(([v, i]): readonly [unknown, ReturnType<typeof asNode>] => {
    const node = asNode(i);
    if (!sameTyp(node.typ, fallbackNode.typ)) {
      throw new TypeError(
        `matchImpl: a case has type ${node.typ.toString()} but the default has type ${fallbackNode.typ.toString()}`,
      );
    }
    return [v, node];
  });
  return new IfNode(cond as Value<unknown>, branches, fallbackNode) as unknown as Impl<T>;
}

/**
 * `then` if the condition holds, else `otherwise` (upstream `if_impl`, a {@link matchImpl} on
 * `true`/`false` with `then` as the default).
 *
 * @public
 */
export function ifImpl<T>(cond: Value<boolean>, then: Impl<T>, otherwise: Impl<T>): Impl<T> {
  return matchImpl(
    cond,
    [
      [true, then],
      [false, otherwise],
    ],
    then,
  );
}
