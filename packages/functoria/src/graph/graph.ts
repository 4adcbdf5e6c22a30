/**
 * Graph evaluation (upstream `Impl.simplify`, `Impl.eval` and `Device.Graph`): resolving
 * `ifImpl`/`matchImpl` against a context, the hash-consed device graph with its `<name>__<id>`
 * variables, the dependency order, and the collections the engine needs (keys, packages,
 * run-time arguments).
 *
 * @packageDocumentation
 */

import type { Context } from "../dsl/context.js";
import { type Device, niceName } from "../dsl/device.js";
import type { AbstractImpl } from "../dsl/impl.js";
import { type AnyKey, keySet } from "../dsl/key.js";
import { type Package, mergePackages } from "../dsl/package.js";
import { type RuntimeArg, runtimeArgSet } from "../dsl/runtime-arg.js";
import { type Value, isDetermined } from "../dsl/value.js";
import { chooseBranch } from "./choose.js";
import { onceByStructure, structuralId } from "./hashcons.js";
import { AppNode, DevNode, IfNode, type ImplNode, asNode, mkApp } from "./node.js";

/**
 * A device instance of the evaluated graph (upstream `Device.Graph.D`).
 *
 * @public
 */
export interface GraphNode {
  /** Numbered from 1 in dependency order, per evaluation. */
  readonly id: number;
  /** The device. */
  readonly device: Device;
  /** The functor arguments. */
  readonly args: readonly GraphNode[];
  /** The extra dependencies. */
  readonly deps: readonly GraphNode[];
  /** The variable of the instance: `<nice name>__<id>`, e.g. `foo_bar__1`. */
  readonly varName: string;
}

/**
 * An evaluated configuration.
 *
 * @public
 */
export interface DeviceGraph {
  /** The top-level instance. */
  readonly root: GraphNode;
  /**
   * Every instance once, dependencies first (extra dependencies, then arguments, then the
   * instance): the order of `configure` hooks and of the generated code.
   */
  readonly nodes: readonly GraphNode[];
}

/**
 * Resolves the switches whose keys are all in the context, or every switch with `full` (keys
 * then take their defaults); keeps the others, for `describe --no-eval`. Sharing is preserved.
 *
 * @public
 */
export function simplify(
  impl: AbstractImpl,
  options: { readonly full: boolean; readonly context: Context },
): AbstractImpl {
  const go = onceByStructure<ImplNode>((node, go) => {
    if (node instanceof IfNode) {
      return options.full || isDetermined(options.context, node.cond)
        ? go(chooseBranch(node, options.context))
        : new IfNode(
            node.cond,
            node.branches.map(([v, b]) => [v, go(b)] as const),
            go(node.fallback),
          );
    }
    if (node instanceof DevNode) return new DevNode(node.device, node.args.map(go), node.deps.map(go), node.typ);
    const app = node as AppNode;
    return mkApp(go(app.f), app.args.map(go));
  });
  return go(asNode(impl)) as unknown as AbstractImpl;
}

/**
 * Evaluates an implementation in a context into the device graph (upstream `Impl.eval`):
 * switches are resolved (keys absent from the context take their defaults) and structurally
 * equal sub-terms become one instance.
 *
 * @public
 */
export function evalGraph(impl: AbstractImpl, context: Context): DeviceGraph {
  let lastId = 0;
  const instance = (device: Device, args: readonly GraphNode[], deps: readonly GraphNode[]): GraphNode => {
    lastId += 1;
    return { id: lastId, device, args, deps, varName: `${niceName(device)}__${lastId}` };
  };
  const go = onceByStructure<GraphNode>((node, go) => {
    if (node instanceof DevNode) {
      const args = node.args.map(go);
      return instance(node.device, args, node.deps.map(go));
    }
    if (node instanceof AppNode) {
      const f = go(node.f);
      return instance(f.device, [...f.args, ...node.args.map(go)], f.deps);
    }
    return go(chooseBranch(node as IfNode, context));
  });
  const root = go(asNode(impl));
  const nodes: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  const visit = (n: GraphNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    n.deps.forEach(visit);
    n.args.forEach(visit);
    nodes.push(n);
  };
  visit(root);
  return { root, nodes };
}

/** Visits every node of an implementation once, including every switch branch. */
function visitImpl(impl: AbstractImpl, f: (node: ImplNode) => void): void {
  const seen = new Set<number>();
  const go = (node: ImplNode): void => {
    const id = structuralId(node);
    if (seen.has(id)) return;
    seen.add(id);
    if (node instanceof DevNode) {
      node.args.forEach(go);
      node.deps.forEach(go);
    } else if (node instanceof AppNode) {
      go(node.f);
      node.args.forEach(go);
    } else if (node instanceof IfNode) {
      for (const [, b] of node.branches) go(b);
      go(node.fallback);
    }
    f(node);
  };
  go(asNode(impl));
}

/**
 * The devices of an implementation, every branch included, each once.
 *
 * @public
 */
export function devices(impl: AbstractImpl): Device[] {
  const found = new Set<Device>();
  visitImpl(impl, (node) => {
    if (node instanceof DevNode) found.add(node.device);
  });
  return [...found];
}

/**
 * Every key of an implementation: those of its devices and those its switches depend on
 * (upstream `Engine.keys`).
 *
 * @public
 */
export function implKeys(impl: AbstractImpl): AnyKey[] {
  const keys: AnyKey[] = [];
  visitImpl(impl, (node) => {
    if (node instanceof DevNode) keys.push(...node.device.keys);
    if (node instanceof IfNode) keys.push(...node.cond.deps);
  });
  return keySet(keys);
}

/**
 * The keys the switches of an implementation depend on (upstream `Engine.if_keys`): the keys
 * that must be known before the graph can be evaluated.
 *
 * @public
 */
export function switchKeys(impl: AbstractImpl): AnyKey[] {
  const keys: AnyKey[] = [];
  visitImpl(impl, (node) => {
    if (node instanceof IfNode) keys.push(...node.cond.deps);
  });
  return keySet(keys);
}

/**
 * The run-time arguments of an implementation's devices (upstream `Engine.runtime_args`).
 *
 * @throws `TypeError` `Duplicate key name: <name>` for two definitions with one name.
 * @public
 */
export function implRuntimeArgs(impl: AbstractImpl): RuntimeArg[] {
  return runtimeArgSet(devices(impl).flatMap((d) => d.runtimeArgs));
}

/**
 * The packages of an implementation's devices and of their run-time arguments, merged
 * (upstream `Engine.packages`). After a full {@link simplify}, only chosen branches count.
 *
 * @public
 */
export function implPackages(impl: AbstractImpl): Value<readonly Package[]> {
  const all = devices(impl);
  const fixed = all.flatMap((d) => d.runtimeArgs.flatMap((a) => a.packages));
  return {
    deps: keySet(all.flatMap((d) => d.packages.deps)),
    eval: (context) => mergePackages([...fixed, ...all.flatMap((d) => d.packages.eval(context))]),
  };
}
