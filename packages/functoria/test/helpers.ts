// A small builder in the spirit of upstream's e2e "test" builder: keys --vote and --warn-error,
// and a configure hook that writes their values to files.
import {
  Action,
  type App,
  type Builder,
  type Impl,
  type Job,
  type MemoryFileSystem,
  conv,
  defineApp,
  impl,
  job,
  key,
  opt,
  pkg,
  runTool,
} from "@mirage-ts/functoria";

export const vote = key("vote", opt(conv.string, "cat", { names: ["vote"], doc: "Vote." }));
export const warnError = key(
  "warn_error",
  opt(conv.bool, false, { names: ["warn-error"], doc: "Enable -warn-error." }),
);

export const testBuilder: Builder = {
  name: "test",
  version: "1.0~test",
  packages: [pkg("fmt"), pkg("@mirage-ts/mirage-runtime", { range: "^0.1.0" })],
  registerArg: { module: "@mirage-ts/mirage-runtime", name: "registerArg" },
  run: ({ start }) => `await ${start};`,
  create: (jobs: readonly Impl<Job>[]) =>
    impl({
      name: "E2e",
      type: job,
      keys: [vote, warnError],
      extraDeps: jobs,
      connect: () => "undefined",
      configure: (info) =>
        Action.seq([
          Action.writeFile("vote", info.get(vote)),
          Action.writeFile("warn_error", String(info.get(warnError))),
        ]),
    }),
};

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the tool in memory; `apps` maps absolute configuration paths to applications. */
export async function runIn(
  fs: MemoryFileSystem,
  argv: readonly string[],
  apps: Record<string, () => App>,
  env: Record<string, string> = {},
  svgRenderer?: () => Promise<(dot: string) => string>,
): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const code = await runTool({
    builder: testBuilder,
    argv,
    fs,
    env,
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
    loadApp: async (path) => {
      const make = apps[path];
      if (make === undefined) throw new Error(`no configuration at ${path}`);
      return make();
    },
    svgRenderer,
  });
  return { code, stdout, stderr };
}

export function app(name: string, jobs: readonly Impl<Job>[], init: readonly Impl<Job>[] = []): App {
  return defineApp(testBuilder, name, jobs, { init });
}
