/**
 * Run-time arguments (upstream `Functoria.Runtime_arg`): references to argument definitions in
 * the unikernel's code or in a library. The generated entry registers each of them once at top
 * level (`const hello__key = registerArg(hello);`) and passes its value to the devices that
 * declared it, after their other arguments.
 *
 * @packageDocumentation
 */

import { identify } from "./identifier.js";
import type { Package } from "./package.js";

/**
 * Options of {@link runtimeArg}.
 *
 * @public
 */
export interface RuntimeArgOptions {
  /**
   * The module exporting the definition: a package name, or a path relative to the
   * configuration file (`./unikernel.js`).
   */
  readonly module: string;
  /** The exported name, possibly a dotted path (`Args.hello`). */
  readonly name: string;
  /**
   * Argument expressions (TypeScript source) when the export is a function to call, for example
   * `['{ group: "data" }']`; omitted, the export itself is registered.
   */
  readonly args?: readonly string[] | undefined;
  /**
   * The name of the registration, from which the variable `<key>__key` is derived (lower case,
   * like upstream). Defaults to the last segment of `name`.
   */
  readonly key?: string | undefined;
  /** npm packages the definition needs. */
  readonly packages?: readonly Package[] | undefined;
}

/**
 * A run-time argument reference.
 *
 * @public
 */
export interface RuntimeArg {
  /** The module exporting the definition. */
  readonly module: string;
  /** The exported name. */
  readonly name: string;
  /** Call arguments, if the export is called. */
  readonly args: readonly string[] | undefined;
  /** The registration name: variables are `<varName>__key` and `_<varName>`. */
  readonly varName: string;
  /** npm packages the definition needs. */
  readonly packages: readonly Package[];
}

/**
 * Declares a run-time argument (upstream `runtime_arg`).
 *
 * @example
 * ```ts
 * const hello = runtimeArg({ module: "./unikernel.js", name: "hello" });
 * ```
 * @public
 */
export function runtimeArg(options: RuntimeArgOptions): RuntimeArg {
  if (options.module === "") throw new TypeError("runtimeArg: module cannot be the empty string");
  const last = options.name.split(".").pop() ?? "";
  return {
    module: options.module,
    name: options.name,
    args: options.args,
    varName: identify(options.key ?? last).toLowerCase(),
    packages: options.packages ?? [],
  };
}

function sameDefinition(a: RuntimeArg, b: RuntimeArg): boolean {
  return (
    a.module === b.module && a.name === b.name && JSON.stringify(a.args ?? null) === JSON.stringify(b.args ?? null)
  );
}

/**
 * Collects run-time arguments by registration name, sorted by it. The same definition met twice
 * is kept once; two different definitions with one name are rejected.
 *
 * @throws `TypeError` `Duplicate key name: <name>` (upstream's message).
 * @public
 */
export function runtimeArgSet(args: Iterable<RuntimeArg>): RuntimeArg[] {
  const byName = new Map<string, RuntimeArg>();
  for (const arg of args) {
    const previous = byName.get(arg.varName);
    if (previous === undefined) byName.set(arg.varName, arg);
    else if (!sameDefinition(previous, arg)) throw new TypeError(`Duplicate key name: ${arg.varName}`);
  }
  return [...byName.values()].sort((a, b) => (a.varName < b.varName ? -1 : a.varName > b.varName ? 1 : 0));
}
