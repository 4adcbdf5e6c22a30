/**
 * The generated entry point, `<tool>/main.ts` (upstream `Engine.connect` and the `main.ml`
 * shape). It imports each implementation by module and export name, registers the run-time
 * arguments at top level, defines every device instance as a memoised async connection that
 * first awaits its dependencies, then starts the init jobs in order and the application, through
 * the builder's `run`. The code is generic: the builder supplies the prelude, the run call and
 * the `registerArg` function.
 *
 * @packageDocumentation
 */

import type { Context } from "../dsl/context.js";
import type { AbstractImpl } from "../dsl/impl.js";
import type { Info } from "../dsl/info.js";
import { chooseBranch } from "../graph/choose.js";
import type { DeviceGraph, GraphNode } from "../graph/graph.js";
import { AppNode, DevNode, type IfNode, type ImplNode, asNode } from "../graph/node.js";
import { ImportTable } from "./imports.js";

/**
 * A reference to an exported value.
 *
 * @public
 */
export interface ExportRef {
  /** The module specifier (a package, or a path relative to the configuration file). */
  readonly module: string;
  /** The export name, possibly dotted. */
  readonly name: string;
}

/**
 * What builder code hooks receive.
 *
 * @public
 */
export interface CodeContext {
  /** Build information. */
  readonly info: Info;
  /** Imports `name` from `module` into the generated file and returns the expression to use. */
  importValue(module: string, name: string): string;
}

/**
 * What the builder's `run` hook receives.
 *
 * @public
 */
export interface RunContext extends CodeContext {
  /** An expression of type `Promise<void>` that connects the init jobs, in order, then the jobs. */
  readonly start: string;
}

/**
 * Options of {@link generateMain}.
 *
 * @public
 */
export interface MainFileOptions {
  /** Build information. */
  readonly info: Info;
  /** The evaluated graph. */
  readonly graph: DeviceGraph;
  /** The init jobs, started in this order before the application. */
  readonly init?: readonly AbstractImpl[] | undefined;
  /** The function registering a run-time argument definition and returning its getter. */
  readonly registerArg: ExportRef;
  /** Code placed after the imports. */
  readonly prelude?: ((context: CodeContext) => string) | undefined;
  /** The statement that runs the program, for example `Main.run(start());` built from `context.start`. */
  readonly run: (context: RunContext) => string;
}

const HELPERS = ["lazy", "start"];

const LAZY = `function lazy<T>(connect: () => T | Promise<T>): () => Promise<T> {
  let connected: Promise<T> | undefined;
  return () => (connected ??= (async () => connect())());
}
`;

/** The device of the leftmost position of an implementation (upstream `with_left_most_device`). */
function leftmostDeviceId(node: ImplNode, context: Context): number {
  if (node instanceof DevNode) return node.device.id;
  if (node instanceof AppNode) return leftmostDeviceId(node.f, context);
  return leftmostDeviceId(chooseBranch(node as IfNode, context), context);
}

function keyVar(varName: string): string {
  return `${varName}__key`;
}

function deviceCode(node: GraphNode, info: Info, imports: ImportTable): string {
  const { device } = node;
  const inputs = [...node.args, ...node.deps].map((n) => n.varName);
  const locals = inputs.map((n) => `_${n}`);
  const argLocals = device.runtimeArgs.map((a) => `_${a.varName}`);
  const impl = device.module === undefined ? device.name : imports.value(device.module, device.name);
  const connect = device.connect({
    info,
    impl,
    args: [...locals, ...argLocals],
    importValue: (module, name) => imports.value(module, name),
  });
  // An object literal would read as the body of the arrow function.
  if (inputs.length === 0 && argLocals.length === 0)
    return `const ${node.varName} = lazy(() => ${connect.trimStart().startsWith("{") ? `(${connect})` : connect});\n`;
  // Only the values the connect code uses are bound, so the entry passes `noUnusedLocals`.
  const used = (local: string): boolean => new RegExp(`(?<![\\w$])${local}(?![\\w$])`, "u").test(connect);
  const lines = [`const ${node.varName} = lazy(async () => {`];
  if (inputs.length > 0) {
    const wait = `await Promise.all([${inputs.map((n) => `${n}()`).join(", ")}])`;
    const bound = locals.map((l) => (used(l) ? l : ""));
    while (bound.length > 0 && bound[bound.length - 1] === "") bound.pop();
    lines.push(bound.length === 0 ? `  ${wait};` : `  const [${bound.join(", ")}] = ${wait};`);
  }
  for (const a of device.runtimeArgs)
    if (used(`_${a.varName}`)) lines.push(`  const _${a.varName} = ${keyVar(a.varName)}();`);
  lines.push(`  return ${connect};`, "});");
  return `${lines.join("\n")}\n`;
}

/**
 * Generates the entry file (without its generated-file header).
 *
 * @public
 */
export function generateMain(options: MainFileOptions): string {
  const { info, graph } = options;
  const taken = new Set<string>(HELPERS);
  for (const n of graph.nodes) taken.add(n.varName).add(`_${n.varName}`);
  for (const a of info.runtimeArgs) taken.add(keyVar(a.varName)).add(`_${a.varName}`);
  const imports = new ImportTable(taken);
  const code: CodeContext = { info, importValue: (module, name) => imports.value(module, name) };

  const sections: string[] = [];
  const prelude = options.prelude?.(code);
  if (prelude !== undefined && prelude !== "") sections.push(prelude.endsWith("\n") ? prelude : `${prelude}\n`);
  sections.push(LAZY);
  if (info.runtimeArgs.length > 0) {
    const register = imports.value(options.registerArg.module, options.registerArg.name);
    sections.push(
      info.runtimeArgs
        .map((a) => {
          const definition = imports.value(a.module, a.name);
          const call = a.args === undefined ? definition : `${definition}(${a.args.join(", ")})`;
          return `const ${keyVar(a.varName)} = ${register}(${call});\n`;
        })
        .join(""),
    );
  }
  sections.push(graph.nodes.map((n) => deviceCode(n, info, imports)).join(""));

  const initNames: string[] = [];
  for (const job of options.init ?? []) {
    const id = leftmostDeviceId(asNode(job), info.context);
    const found = graph.nodes.filter((n) => n.device.id === id);
    if (found.length === 0) throw new Error(`init job ${asNode(job).label()} is not part of the application's graph`);
    initNames.push(...found.map((n) => n.varName));
  }
  const steps = [...initNames, graph.root.varName].map((n) => `  await ${n}();\n`).join("");
  sections.push(`async function start(): Promise<void> {\n${steps}}\n`);
  const run = options.run({ ...code, start: "start()" });
  sections.push(run.endsWith("\n") ? run : `${run}\n`);

  const header = imports.render();
  return [header, ...sections].filter((s) => s !== "").join("\n");
}
