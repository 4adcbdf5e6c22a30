/**
 * Evaluating an application in a context (upstream `Lib.Config.eval`): the simplified
 * implementation, its device graph and the {@link Info} every hook receives.
 *
 * @packageDocumentation
 */

import type { App } from "../dsl/app.js";
import type { Context } from "../dsl/context.js";
import type { AbstractImpl } from "../dsl/impl.js";
import { type Info, makeInfo } from "../dsl/info.js";
import { type AnyKey, keySet } from "../dsl/key.js";
import { mergePackages } from "../dsl/package.js";
import { type RuntimeArg, runtimeArgSet } from "../dsl/runtime-arg.js";
import {
  type DeviceGraph,
  devices,
  evalGraph,
  implKeys,
  implPackages,
  implRuntimeArgs,
  simplify,
  switchKeys,
} from "./graph.js";

/**
 * An evaluated application.
 *
 * @public
 */
export interface Configuration {
  /** The application. */
  readonly app: App;
  /** The top-level job with the switches resolved (all of them when `full`). */
  readonly impl: AbstractImpl;
  /** The device graph (switches resolved with defaults for absent keys). */
  readonly graph: DeviceGraph;
  /** Build information. */
  readonly info: Info;
}

/**
 * Options of {@link evaluate}.
 *
 * @public
 */
export interface EvaluateOptions {
  /** The key values. */
  readonly context: Context;
  /** Resolve every switch (`configure`, `query`, `describe --eval`), not only determined ones. */
  readonly full: boolean;
  /** The configuration file, for {@link Info.configFile}. */
  readonly configFile: string;
  /** The `-o` output name. */
  readonly output?: string | undefined;
}

/**
 * The keys the tool must read before it can evaluate the graph: those of the switches, and the
 * builder's and application's own keys (upstream `get_if_context`).
 *
 * @public
 */
export function preliminaryKeys(app: App): AnyKey[] {
  return keySet([...(app.builder.keys ?? []), ...app.keys, ...switchKeys(app.top)]);
}

/**
 * The run-time arguments of a partly evaluated implementation, one per name: the branches of an
 * undetermined switch are alternatives, so their arguments may share a name without conflict.
 */
function alternativeArgs(impl: AbstractImpl): RuntimeArg[] {
  const byName = new Map<string, RuntimeArg>();
  for (const arg of devices(impl).flatMap((d) => d.runtimeArgs))
    if (!byName.has(arg.varName)) byName.set(arg.varName, arg);
  return runtimeArgSet(byName.values());
}

/**
 * Evaluates an application.
 *
 * @throws `TypeError` `Duplicate key name: <name>` for conflicting run-time arguments of the
 * evaluated graph (with `full`; otherwise, arguments of alternative branches may share a name).
 * @public
 */
export function evaluate(app: App, options: EvaluateOptions): Configuration {
  const { context } = options;
  const impl = simplify(app.top, { full: options.full, context });
  const packages = mergePackages([
    ...(app.builder.packages ?? []),
    ...app.packages,
    ...implPackages(impl).eval(context),
  ]);
  const info = makeInfo({
    name: app.name,
    projectName: app.builder.name,
    configFile: options.configFile,
    output: options.output,
    packages,
    keys: keySet([...preliminaryKeys(app), ...implKeys(impl)]),
    runtimeArgs: options.full ? implRuntimeArgs(impl) : alternativeArgs(impl),
    context,
  });
  return { app, impl, graph: evalGraph(impl, context), info };
}
