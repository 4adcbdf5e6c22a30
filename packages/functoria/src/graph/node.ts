/**
 * The implementation graph's nodes (upstream `Impl.t`): a device applied to arguments, an
 * application whose functor is a switch, or a switch on a key value. The public `Impl` type
 * is an opaque view of these classes.
 */

import type { Device } from "../dsl/device.js";
import type { Impl } from "../dsl/impl.js";
import type { Fn, Typ } from "../dsl/typ.js";
import type { Value } from "../dsl/value.js";

/** Base class of the nodes; carries the `$` application method. */
export abstract class ImplNode {
  abstract readonly typ: Typ<unknown>;

  /** A short name for error messages. */
  abstract label(): string;

  $<A, B>(this: Impl<Fn<A, B>>, arg: Impl<A>): Impl<B> {
    return mkApp(asNode(this), [asNode(arg)]) as unknown as Impl<B>;
  }
}

/** A device with its (functor) arguments and dependencies. */
export class DevNode extends ImplNode {
  constructor(
    readonly device: Device,
    readonly args: readonly ImplNode[],
    readonly deps: readonly ImplNode[],
    readonly typ: Typ<unknown>,
  ) {
    super();
  }

  label(): string {
    return this.device.name;
  }
}

/** An application of a non-device (a switch) to arguments. */
export class AppNode extends ImplNode {
  constructor(
    readonly f: ImplNode,
    readonly args: readonly ImplNode[],
    readonly typ: Typ<unknown>,
  ) {
    super();
  }

  label(): string {
    return this.f.label();
  }
}

/** A choice among implementations by the value of keys. */
export class IfNode extends ImplNode {
  constructor(
    readonly cond: Value<unknown>,
    readonly branches: readonly (readonly [unknown, ImplNode])[],
    readonly fallback: ImplNode,
  ) {
    super();
  }

  get typ(): Typ<unknown> {
    return this.fallback.typ;
  }

  label(): string {
    return `a switch on ${this.cond.deps.map((k) => k.name).join(", ") || "a constant"}`;
  }
}

/** The node behind a public implementation value. */
export function asNode(impl: unknown): ImplNode {
  if (!(impl instanceof ImplNode))
    throw new TypeError("expected an implementation built by functoria (impl, main, apply, ...)");
  return impl;
}

/** Structural equality of module types. */
export function sameTyp(a: Typ<unknown>, b: Typ<unknown>): boolean {
  if (a.isFunctor !== b.isFunctor) return false;
  if (!a.isFunctor) return a.name === b.name;
  return (
    sameTyp(a.arg as Typ<unknown>, b.arg as Typ<unknown>) && sameTyp(a.result as Typ<unknown>, b.result as Typ<unknown>)
  );
}

/**
 * Applies `f` to `args` (upstream `Impl.mk_app`): applying a device appends to its arguments
 * and applying an application extends it, so `f $ a $ b` is one node with `[a, b]`. Types are
 * checked again at run time for callers that bypass the TypeScript types.
 */
export function mkApp(f: ImplNode, args: readonly ImplNode[]): ImplNode {
  let typ = f.typ;
  args.forEach((arg, i) => {
    if (!typ.isFunctor || typ.arg === undefined || typ.result === undefined) {
      throw new TypeError(
        `cannot apply ${f.label()}: its type ${f.typ.toString()} takes ${i} argument(s), not ${args.length}`,
      );
    }
    if (!sameTyp(typ.arg, arg.typ)) {
      throw new TypeError(
        `cannot apply ${f.label()}: argument ${i + 1} (${arg.label()}) has type ${arg.typ.toString()} ` +
          `but ${typ.arg.toString()} is expected`,
      );
    }
    typ = typ.result;
  });
  if (f instanceof DevNode) return new DevNode(f.device, [...f.args, ...args], f.deps, typ);
  if (f instanceof AppNode) return new AppNode(f.f, [...f.args, ...args], typ);
  return new AppNode(f, args, typ);
}

/**
 * Whether a job has no arguments at all (upstream `Impl.app_has_no_arguments`): a device with no
 * arguments, dependencies or run-time arguments, other than the `Unit` no-op, in any branch.
 */
export function hasNoArguments(node: ImplNode): boolean {
  if (node instanceof AppNode) return node.args.length === 0 && hasNoArguments(node.f);
  if (node instanceof DevNode) {
    return (
      node.args.length === 0 &&
      node.deps.length === 0 &&
      node.device.name !== "Unit" &&
      node.device.runtimeArgs.length === 0
    );
  }
  if (node instanceof IfNode) return hasNoArguments(node.fallback) || node.branches.some(([, b]) => hasNoArguments(b));
  return false;
}
