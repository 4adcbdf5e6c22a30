/**
 * Structural identities of implementation nodes. The implementation graph is a DAG written with
 * sharing; walking it must preserve that sharing (upstream's "WARNING" in `impl.ml`): the same
 * device applied to the same arguments with the same dependencies is one instance, connected
 * once. Each node gets a small integer such that two nodes get the same integer iff they are
 * structurally equal, computed bottom-up and memoised, so the cost stays linear.
 */

import { AppNode, DevNode, type IfNode, type ImplNode } from "./node.js";

const interned = new Map<string, number>();
const memo = new WeakMap<ImplNode, number>();
const objectIds = new WeakMap<object, number>();
let lastObjectId = 0;

function objectId(x: object): number {
  let id = objectIds.get(x);
  if (id === undefined) {
    lastObjectId += 1;
    id = lastObjectId;
    objectIds.set(x, id);
  }
  return id;
}

function intern(key: string): number {
  let id = interned.get(key);
  if (id === undefined) {
    id = interned.size + 1;
    interned.set(key, id);
  }
  return id;
}

/**
 * A key for a key value or match case, equal for structurally equal plain data (what upstream's
 * polymorphic equality compares), by identity otherwise.
 */
export function valueKey(v: unknown): string {
  if (v === null || typeof v !== "object") return `${typeof v}:${String(v)}`;
  try {
    return `json:${JSON.stringify(v)}`;
  } catch {
    return `obj:${objectId(v)}`;
  }
}

/** The structural identity of a node. */
export function structuralId(node: ImplNode): number {
  const known = memo.get(node);
  if (known !== undefined) return known;
  let key: string;
  if (node instanceof DevNode) {
    key = `D${node.device.id}(${node.args.map(structuralId).join(",")})[${node.deps.map(structuralId).join(",")}]`;
  } else if (node instanceof AppNode) {
    key = `A${structuralId(node.f)}(${node.args.map(structuralId).join(",")})`;
  } else {
    const n = node as IfNode;
    const branches = n.branches.map(([v, b]) => `${valueKey(v)}=>${structuralId(b)}`).join(";");
    key = `I${objectId(n.cond)}{${branches}}${structuralId(n.fallback)}`;
  }
  const id = intern(key);
  memo.set(node, id);
  return id;
}

/**
 * A function over implementation nodes computed once per structurally distinct node (shared
 * sub-terms are visited once): `step` gets the node and the memoised function for its children.
 */
export function onceByStructure<R>(step: (node: ImplNode, go: (child: ImplNode) => R) => R): (node: ImplNode) => R {
  const memo = new Map<number, R>();
  const go = (node: ImplNode): R => {
    const id = structuralId(node);
    if (memo.has(id)) return memo.get(id) as R;
    const result = step(node, go);
    memo.set(id, result);
    return result;
  };
  return go;
}
