// The tool's own sub-commands (mirage's `build`).

import {
  type App,
  type Builder,
  MemoryFileSystem,
  apply,
  defineApp,
  fn,
  job,
  main,
  noop,
  parseCommandLine,
  runTool,
} from "@mirage-ts/functoria";
import { describe, expect, it } from "vitest";
import { testBuilder } from "./helpers.js";

const built: string[] = [];
const builder: Builder = {
  ...testBuilder,
  commands: [
    {
      name: "build",
      doc: "Build the application.",
      description: ["Builds the configured application."],
      run: async (conf, context) => {
        if (conf.info.name === "broken") throw new Error("it does not typecheck");
        built.push(`${conf.info.name} ${conf.info.configFile}`);
        context.log("info", "building");
        context.stdout("built\n");
      },
    },
  ],
};

function mainApp(name: string): App {
  return defineApp(builder, name, [apply(main({ module: "./app.js", name: "Main", type: fn(job, job) }), noop)]);
}

async function run(fs: MemoryFileSystem, argv: readonly string[], name = "hello") {
  let stdout = "";
  let stderr = "";
  const code = await runTool({
    builder,
    argv,
    fs,
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
    loadApp: async () => mainApp(name),
  });
  return { code, stdout, stderr };
}

describe("tool commands", () => {
  it("run on the evaluated configuration, with prefixes and logs", async () => {
    const fs = new MemoryFileSystem({ cwd: "/w", files: { "app/config.ts": "" } });
    built.length = 0;
    expect(await run(fs, ["build", "-f", "app/config.ts", "-v"])).toEqual({
      code: 0,
      stdout: "built\n",
      stderr: "test: [INFO] building\n",
    });
    expect(await run(fs, ["bu", "-f", "app/config.ts"])).toMatchObject({ code: 0 });
    expect(built).toEqual(["hello app/config.ts", "hello app/config.ts"]);
  });

  it("report a failure as an action error and need a configuration file", async () => {
    const fs = new MemoryFileSystem({ cwd: "/w", files: { "config.ts": "" } });
    expect(await run(fs, ["build"], "broken")).toEqual({
      code: 1,
      stdout: "",
      stderr: "test: it does not typecheck\n",
    });
    expect(await run(new MemoryFileSystem({ cwd: "/w" }), ["build"])).toEqual({
      code: 1,
      stdout: "",
      stderr: "test: configuration file config.ts missing\n",
    });
    expect(await run(fs, ["build", "extra"])).toMatchObject({
      code: 124,
      stderr: expect.stringContaining("too many arguments, dont know what to do with extra"),
    });
  });

  it("appear in the help pages and topics", () => {
    const settings = { tool: builder, queryKinds: ["packages"], commands: builder.commands };
    const page = parseCommandLine([], settings);
    expect(page).toMatchObject({
      kind: "print",
      text: expect.stringContaining("COMMANDS\n       build\n           Build the application.\n\n       clean\n"),
    });
    expect(parseCommandLine(["help", "topics"], settings)).toEqual({
      kind: "print",
      text: "build\nclean\nconfigure\ndescribe\nhelp\nquery\n",
    });
    expect(parseCommandLine(["help", "build"], settings)).toMatchObject({
      kind: "print",
      text: expect.stringContaining("SYNOPSIS\n       test build [OPTION]…\n"),
    });
    expect(parseCommandLine(["c"], settings)).toMatchObject({
      kind: "error",
      message: "command c ambiguous and could be either clean or configure",
    });
    expect(parseCommandLine(["x"], settings)).toMatchObject({
      kind: "error",
      message: "unknown command x, must be one of build, clean, configure, describe, help or query",
    });
  });

  it("cannot take an engine command's name", () => {
    const clash = { tool: builder, queryKinds: ["packages"], commands: [{ name: "clean", doc: "" }] };
    expect(() => parseCommandLine(["help"], clash)).toThrow(
      'the tool cannot add a command named "clean": it is taken or not a lower-case word',
    );
  });
});
