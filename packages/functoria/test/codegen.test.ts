import {
  type Builder,
  Context,
  apply,
  defineApp,
  evaluate,
  fn,
  impl,
  job,
  main,
  mainFile,
  noop,
  runtimeArg,
  takeNotices,
  typ,
} from "@mirage-ts/functoria";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const console = typ("console");
const network = typ("network");

const builder: Builder = {
  name: "mirage",
  version: "0.1.0",
  registerArg: { module: "@mirage-ts/mirage-runtime", name: "registerArg" },
  prelude: () => "// prelude of the builder",
  run: ({ start, importValue }) => `${importValue("@mirage-ts/mirage-unix", "Main")}.run(${start});`,
};

function helloConfig(start: string) {
  const cons = impl({ module: "@mirage-ts/mirage-unix", name: "Console", type: console });
  const netif = impl({
    module: "@mirage-ts/mirage-unix",
    name: "Netif",
    type: network,
    connect: (c) => `${c.impl}.connect("tap0")`,
  });
  const hello = runtimeArg({ module: "./unikernel.js", name: "hello" });
  const delay = runtimeArg({
    module: "@mirage-ts/mirage-runtime",
    name: "delay",
    args: ['{ group: "x" }'],
    key: "x-delay",
  });
  const initJob = impl({
    module: "@mirage-ts/mirage-runtime",
    name: "Init",
    type: job,
    runtimeArgs: [delay],
    connect: (c) => `${c.impl}.run("hello", ${c.args.join(", ")})`,
  });
  const app = main({
    module: "./unikernel.js",
    name: start,
    type: fn(console, fn(network, job)),
    runtimeArgs: [hello],
  });
  const registered = defineApp(builder, "hello", [apply(app, cons, netif)], { init: [initJob] });
  return evaluate(registered, { context: Context.empty, full: true, configFile: "config.ts" });
}

const GOLDEN = `import { Init, delay, registerArg } from "@mirage-ts/mirage-runtime";
import { Console, Main as Main_1, Netif } from "@mirage-ts/mirage-unix";
import { Main, hello } from "../unikernel.js";

// prelude of the builder

function lazy<T>(connect: () => T | Promise<T>): () => Promise<T> {
  let connected: Promise<T> | undefined;
  return () => (connected ??= (async () => connect())());
}

const hello__key = registerArg(hello);
const x_delay__key = registerArg(delay({ group: "x" }));

const init__1 = lazy(async () => {
  const _x_delay = x_delay__key();
  return Init.run("hello", _x_delay);
});
const console__2 = lazy(() => Console.connect());
const netif__3 = lazy(() => Netif.connect("tap0"));
const main__4 = lazy(async () => {
  const [_console__2, _netif__3] = await Promise.all([console__2(), netif__3()]);
  const _hello = hello__key();
  return Main.start(_console__2, _netif__3, _hello);
});
const jobs__5 = lazy(async () => {
  await Promise.all([init__1(), main__4()]);
  return undefined;
});

async function start(): Promise<void> {
  await init__1();
  await jobs__5();
}

Main_1.run(start());
`;

const STUBS: Record<string, string> = {
  "/stubs/mirage-unix.d.ts": `
    export declare class Console { static connect(): Promise<Console>; log(s: string): Promise<void>; }
    export declare class Netif { static connect(name: string): Promise<Netif>; mtu: number; }
    export declare const Main: { run(p: Promise<void>): void };`,
  "/stubs/mirage-runtime.d.ts": `
    export interface ArgDef<T> { readonly name: string; readonly default: T }
    export declare function registerArg<T>(def: ArgDef<T>): () => T;
    export declare function delay(o: { group: string }): ArgDef<number>;
    export declare const Init: { run(name: string, delay: number): void };`,
};

function typecheck(mainTs: string, unikernel: string): string[] {
  const files: Record<string, string> = { ...STUBS, "/app/mirage/main.ts": mainTs, "/app/unikernel.ts": unikernel };
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
    noUnusedLocals: true,
    paths: {
      "@mirage-ts/mirage-unix": ["/stubs/mirage-unix.d.ts"],
      "@mirage-ts/mirage-runtime": ["/stubs/mirage-runtime.d.ts"],
    },
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = (f) => files[f] ?? read(f);
  host.fileExists = (f) => f in files || exists(f);
  host.directoryExists = (d) => Object.keys(files).some((f) => f.startsWith(`${d}/`)) || ts.sys.directoryExists(d);
  host.getSourceFile = (f, lang) => {
    const text = host.readFile(f);
    return text === undefined ? undefined : ts.createSourceFile(f, text, lang);
  };
  const program = ts.createProgram(["/app/mirage/main.ts"], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

const UNIKERNEL = `
  import type { Console, Netif } from "@mirage-ts/mirage-unix";
  import type { ArgDef } from "@mirage-ts/mirage-runtime";
  export const hello: ArgDef<string> = { name: "hello", default: "Hello World!" };
  export const Main = {
    async start(c: Console, n: Netif, hello: string): Promise<void> { await c.log(hello + n.mtu); },
  };`;

// Two tests run the TypeScript compiler: about a second on a quiet machine, many on a loaded one.
// The limit only stops a hang.
const COMPILER_MS = 120_000;

describe("generated main.ts", { timeout: COMPILER_MS }, () => {
  it("matches the golden output: imports, registered arguments, lazy devices, init order, run", () => {
    expect(mainFile(helloConfig("Main"))).toBe(GOLDEN);
  });

  it("typechecks against the unikernel with the TypeScript compiler", () => {
    expect(typecheck(GOLDEN, UNIKERNEL)).toEqual([]);
  });

  it("fails to typecheck when the graph does not fit the application's signature", () => {
    const wrong = UNIKERNEL.replace(
      "async start(c: Console, n: Netif, hello: string)",
      "async start(n: Netif, c: Console, hello: string)",
    );
    const errors = typecheck(GOLDEN, wrong);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(
      /^\/app\/mirage\/main\.ts: Argument of type 'Console' is not assignable to parameter of type 'Netif'/,
    );
  });

  it("injects noop into a non-functor main, which then starts with undefined", () => {
    takeNotices();
    const app = main({ module: "./unikernel.js", name: "Hello", type: job });
    expect(takeNotices()).toEqual(["adding unit argument to 'start ()' (to delay execution)"]);
    const conf = evaluate(defineApp(builder, "hello", [app]), {
      context: Context.empty,
      full: true,
      configFile: "app/config.ts",
    });
    const code = mainFile(conf);
    expect(code).toContain("const unit__1 = lazy(() => undefined);");
    expect(code).toContain("return Hello.start(_unit__1);");
    expect(typecheck(code, "export const Hello = { async start(_: undefined) {} };")).toEqual([]);
  });

  it("binds only the dependencies and arguments the connect code uses", () => {
    const a = impl({ name: "A", type: console, connect: () => "1" });
    const b = impl({ name: "B", type: network, connect: () => "2" });
    const arg = runtimeArg({ module: "./unikernel.js", name: "unused" });
    const user = impl({
      name: "User",
      type: fn(console, fn(network, job)),
      runtimeArgs: [arg],
      connect: ({ args: [, net = ""] }) => `use(${net})`,
    });
    const conf = evaluate(defineApp(builder, "u", [apply(user, a, b)]), {
      context: Context.empty,
      full: true,
      configFile: "config.ts",
    });
    const code = mainFile(conf);
    expect(code).toContain(
      "const user__3 = lazy(async () => {\n" +
        "  const [, _b__2] = await Promise.all([a__1(), b__2()]);\n" +
        "  return use(_b__2);\n" +
        "});",
    );
    expect(code).not.toContain("const _unused = ");
    expect(code).toContain("const unused__key = registerArg(unused);");
  });

  it("does not inject noop into functors or mains with deps", () => {
    takeNotices();
    main({ module: "./u.js", name: "A", type: fn(console, job) });
    main({ module: "./u.js", name: "B", type: job, deps: [noop] });
    expect(takeNotices()).toEqual([]);
  });
});
