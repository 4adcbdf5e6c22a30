/**
 * Branch selection of a switch (upstream `List.assoc path branches` with `default`): the first
 * case equal to the evaluated value, else the default.
 */

import type { Context } from "../dsl/context.js";
import { valueKey } from "./hashcons.js";
import type { IfNode, ImplNode } from "./node.js";

export function chooseBranch(node: IfNode, context: Context): ImplNode {
  const chosen = valueKey(node.cond.eval(context));
  const branch = node.branches.find(([v]) => valueKey(v) === chosen);
  return branch === undefined ? node.fallback : branch[1];
}
