/**
 * The Graphviz output of `describe --dot` (upstream `Impl.pp_dot`). Devices are boxes labelled
 * with their variable, implementation and keys; switches are labelled `If` with their keys;
 * applications of a switch are diamonds. Functor arguments are plain edges in argument order,
 * dependencies are dashed, switch branches dotted with the default also bold.
 *
 * @packageDocumentation
 */

import { niceName } from "../dsl/device.js";
import type { AbstractImpl } from "../dsl/impl.js";
import { onceByStructure } from "./hashcons.js";
import { AppNode, DevNode, type IfNode, asNode } from "./node.js";

type Attrs = readonly (readonly [string, string])[];

function attrs(list: Attrs): string {
  return list.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
}

/**
 * Renders an implementation (evaluated or not) as a Graphviz digraph.
 *
 * @public
 */
export function toDot(impl: AbstractImpl): string {
  const vertices: string[] = [];
  const edges: string[] = [];
  let lastId = 0;
  const edge = (from: number, to: number, list: Attrs): void => {
    edges.push(`  ${from} -> ${to} [${attrs(list)}];`);
  };
  const go = onceByStructure<number>((node, go) => {
    let id: number;
    if (node instanceof DevNode) {
      const args = node.args.map(go);
      const deps = node.deps.map(go);
      id = ++lastId;
      const keys = node.device.keys.map((k) => k.name).join(", ");
      vertices.push(
        `  ${id} [${attrs([
          ["label", `${niceName(node.device)}__${id}\n${node.device.name}\n${keys}`],
          ["shape", "box"],
        ])}];`,
      );
      for (const a of args) edge(id, a, []);
      for (const d of deps) edge(id, d, [["style", "dashed"]]);
    } else if (node instanceof AppNode) {
      const f = go(node.f);
      const args = node.args.map(go);
      id = ++lastId;
      vertices.push(
        `  ${id} [${attrs([
          ["label", "$"],
          ["shape", "diamond"],
        ])}];`,
      );
      edge(id, f, [
        ["style", "bold"],
        ["tailport", "sw"],
      ]);
      for (const a of args) edge(id, a, []);
    } else {
      const sw = node as IfNode;
      const branches = sw.branches.map(([, b]) => go(b));
      const fallback = go(sw.fallback);
      id = ++lastId;
      vertices.push(`  ${id} [${attrs([["label", `If\n${sw.cond.deps.map((k) => k.name).join(", ")}`]])}];`);
      for (const b of branches)
        edge(id, b, [
          ["style", "dotted"],
          ["headport", "n"],
        ]);
      edge(id, fallback, [
        ["style", "bold"],
        ["style", "dotted"],
        ["headport", "n"],
      ]);
    }
    return id;
  });
  go(asNode(impl));
  return ["digraph G {", "  ordering=out;", ...vertices, "", ...edges, "}", ""].join("\n");
}
