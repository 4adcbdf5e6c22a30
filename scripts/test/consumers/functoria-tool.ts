// Consumer (d): a configuration tool of its own built on functoria alone, as functoria is meant to be
// reused: its own device catalogue (an LED type with two devices chosen by a `--board` key), its own
// builder (name, version, configuration file, generated entry) and functoria's commands, over a file
// system it implements on node:fs. `configure` writes its entry, `describe` reads the saved context.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Published, compile, installedMirage, makeProject, remove } from "./harness.js";

const catalogue = `
import type { App, Builder, Impl, Job } from "@mirage-ts/functoria";
import { conv, defineApp, fn, impl, job, key, main, matchImpl, opt, typ, value } from "@mirage-ts/functoria";

/** The module type of the catalogue's only device kind. */
export const led = typ("led");

/** \`--board=sim|gpio\`: which LED device the lamp gets. */
export const boardKey = key(
  "board",
  opt(conv.enumeration([["sim", "sim"], ["gpio", "gpio"]] as const), "sim", { names: ["board"], doc: "The board." }),
);

const simLed = impl({ module: "./devices.js", name: "SimLed", type: led });
const gpioLed = impl({
  module: "./devices.js",
  name: "GpioLed",
  type: led,
  connect: ({ impl }) => \`\${impl}.open(17)\`,
});

/** The LED of the board chosen at configure time. */
export const defaultLed = matchImpl(value(boardKey), [["sim", simLed], ["gpio", gpioLed]], simLed);

export const lampBuilder: Builder = {
  name: "lamp",
  version: "2.3.4",
  defaultConfigFile: "lamp.config.mjs",
  keys: [boardKey],
  registerArg: { module: "./devices.js", name: "registerArg" },
  run: ({ start }) => \`void \${start};\`,
};

let registered: App | undefined;

/** What a configuration file calls: records the lamp application. */
export function register(name: string, jobs: Impl<Job>[]): void {
  registered = defineApp(lampBuilder, name, jobs);
}

export function takeRegistered(): App | undefined {
  return registered;
}

export { fn, job, main };
`;

const tool = `
import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type FileSystem, runTool } from "@mirage-ts/functoria";
import { lampBuilder, takeRegistered } from "./catalogue.js";

const kind = (path: string) => stat(path).then((s) => s, () => undefined);
let temporary = 0;

const nodeFs: FileSystem = {
  cwd: () => process.cwd(),
  exec: () => undefined,
  isDir: async (path) => (await kind(path))?.isDirectory() === true,
  isFile: async (path) => (await kind(path))?.isFile() === true,
  ls: (path) => readdir(path),
  mkdir: async (path) => void (await mkdir(path, { recursive: true })),
  readFile: (path) => readFile(path, "utf8"),
  rm: (path) => rm(path, { force: true }),
  rmdir: (path) => rm(path, { recursive: true, force: true }),
  tmpFile: (pattern) => join(tmpdir(), pattern.replace("%s", \`\${process.pid}-\${temporary++}\`)),
  writeFile: (path, contents) => writeFile(path, contents),
};

process.exitCode = await runTool({
  builder: lampBuilder,
  argv: process.argv.slice(2),
  fs: nodeFs,
  env: process.env,
  io: { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) },
  loadApp: async (path) => {
    await import(pathToFileURL(path).href);
    const app = takeRegistered();
    if (app === undefined) throw new Error(\`\${path} registered no application\`);
    return app;
  },
});
`;

const config = `
import { defaultLed, fn, job, led, main, register } from "./out/catalogue.js";

const lamp = main({ module: "./lamp.js", name: "Lamp", type: fn(led, job) });
register("porch", [lamp.$(defaultLed)]);
`;

/** The suite, on the packages `published()` gives once the registry is up. */
export function functoriaTool(published: () => Published): void {
  describe("consumer (d): a configuration tool of its own on functoria alone", () => {
    const projects: string[] = [];
    afterAll(() => projects.forEach(remove));

    it("configures and describes with its own catalogue, key and builder", () => {
      const project = makeProject(
        published(),
        ["functoria", "@types/node@20.19.43"],
        {
          "src/catalogue.ts": catalogue,
          "src/tool.ts": tool,
          "lamp.config.mjs": config,
        },
        { types: ["node"] },
      );
      projects.push(project);
      expect(installedMirage(project)).toEqual(["cmdliner", "functoria"]);
      compile(project);
      const lamp = (...args: string[]) =>
        spawnSync(process.execPath, [join(project, "out", "tool.js"), ...args], { cwd: project, encoding: "utf8" });

      const version = lamp("--version");
      expect(version.stdout.trim()).toBe("2.3.4");
      const configured = lamp("configure", "--board=gpio");
      expect(configured.status, configured.stderr).toBe(0);
      const entry = readFileSync(join(project, "lamp", "main.ts"), "utf8");
      expect(entry).toContain("// Generated by lamp 2.3.4");
      expect(entry).toContain('import { GpioLed } from "../devices.js";');
      expect(entry).toContain("GpioLed.open(17)");
      expect(entry).not.toContain("SimLed");

      // describe reads the board from the context configure saved; the command line wins over it.
      const saved = lamp("describe");
      expect(saved.status, saved.stderr).toBe(0);
      expect(saved.stdout).toMatch(/^Name +porch$/m);
      expect(saved.stdout).toContain("board=gpio");
      const graph = lamp("describe", "--dot", "-o", "-");
      expect(graph.stdout).toContain("GpioLed");
      expect(graph.stdout).not.toContain("SimLed");
      expect(lamp("describe", "--dot", "-o", "-", "--board=sim").stdout).toContain("SimLed");

      const bad = lamp("configure", "--board=led");
      expect(bad.status).toBe(124);
      expect(bad.stderr).toContain("--board");
    }, 300_000);
  });
}
