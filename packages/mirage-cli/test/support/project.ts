// Temporary unikernel projects for the end-to-end tests, and the built `mirage` binary run in
// them. The projects link the workspace packages in their node_modules, as an install would, so
// the tests need the packages' dist/ builds (`pnpm build`, which CI runs first).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { COMMAND_MS } from "./limits.js";
import { constraintLine } from "./versions.js";

export const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const BIN = join(ROOT, "packages", "mirage-cli", "dist", "bin.js");
const LINKED = [
  "dns",
  "functoria",
  "http",
  "http-unix",
  "mirage-cli",
  "mirage-runtime",
  "mirage-browser",
  "mirage-sim",
  "mirage-types",
  "mirage-unix",
  "tcpip",
  "tls",
];

export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// The test runner sets MODE, which `mirage` reads as the default of `-t`, as upstream does.
const { MODE: _mode, ...inherited } = process.env;

/** Runs a program to completion (within `timeoutMs`), whatever its exit code. */
export function run(
  file: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: Record<string, string>; readonly timeoutMs?: number },
): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: { ...inherited, ...options.env },
        timeout: options.timeoutMs ?? COMMAND_MS,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs the built `mirage` in `cwd`. */
export function mirage(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Outcome> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the packages first (pnpm build)`);
  return run(process.execPath, [BIN, ...args], { cwd, env });
}

/** Runs a bundle with node in `cwd`. */
export function node(cwd: string, args: readonly string[], timeoutMs?: number): Promise<Outcome> {
  return run(process.execPath, args, { cwd, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
}

/** A fresh project directory with `files` and the workspace packages linked in node_modules. */
export async function project(files: Readonly<Record<string, string | Uint8Array>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mirage-e2e-"));
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), contents);
  }
  await mkdir(join(dir, "node_modules", "@mirage-ts"), { recursive: true });
  for (const name of LINKED)
    await symlink(join(ROOT, "packages", name), join(dir, "node_modules", "@mirage-ts", name), "dir");
  return dir;
}

// What an example's folder may hold besides its own files: the install's links, and what a
// `mirage configure` and `mirage build` run there (`pnpm example:hello`) left.
const NOT_THE_EXAMPLES = new Set(["node_modules", "mirage", "dist"]);

/**
 * A project made of a copy of `examples/<name>`'s own files, with `extra` files added: tests
 * configure and build there, so they never write into examples/, and whatever was left there does
 * not matter.
 */
export async function exampleCopy(
  name: string,
  extra: Readonly<Record<string, string | Uint8Array>> = {},
): Promise<string> {
  const source = join(ROOT, "examples", name);
  const dir = await project({});
  for (const entry of await readdir(source)) {
    if (!NOT_THE_EXAMPLES.has(entry)) await cp(join(source, entry), join(dir, entry), { recursive: true });
  }
  for (const [path, contents] of Object.entries(extra)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), contents);
  }
  // The example's other dependencies (hono...), linked from its own install as the workspace's are.
  const manifest = JSON.parse(await readFile(join(source, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  for (const dep of Object.keys(manifest.dependencies ?? {}).filter((d) => !d.startsWith("@mirage-ts/"))) {
    await mkdir(dirname(join(dir, "node_modules", dep)), { recursive: true });
    await symlink(await realpath(join(source, "node_modules", dep)), join(dir, "node_modules", dep), "dir");
  }
  return dir;
}

export function removeProject(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Every file below `dir` (relative, sorted), node_modules excluded. */
export async function files(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      if (entry.name === "node_modules") continue;
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else found.push(relative(dir, path));
    }
  };
  await walk(dir);
  return found.sort();
}

/** A config.ts for a unikernel `start(sleep)` named `name`, and its unikernel.ts. */
export function helloFiles(name = "hello", body = 'log.info("hello");'): Record<string, string> {
  return {
    "config.ts": `${constraintLine()}
import { defaultSleep, fn, job, main, register, sleep } from "@mirage-ts/mirage-cli";

const hello = main({ module: "./unikernel.js", name: "Hello", type: fn(sleep, job) });
register(${JSON.stringify(name)}, [hello.$(defaultSleep)]);
`,
    "unikernel.ts": `import { logSource } from "@mirage-ts/mirage-runtime";
import type { Sleep } from "@mirage-ts/mirage-types";

const log = logSource("hello");

export const Hello = {
  async start(sleep: Sleep): Promise<void> {
    await sleep.sleepNs(1n);
    ${body}
  },
};
`,
  };
}

/** Configures the project `dir` with `configure` (the target among them) and builds it, quietly. */
export async function configureAndBuild(dir: string, configure: readonly string[]): Promise<void> {
  const configured = await mirage(dir, ["configure", ...configure]);
  expect(configured.code, configured.stderr).toBe(0);
  const build = await mirage(dir, ["build", "-q"]);
  expect(build.code, build.stderr).toBe(0);
}

/** A temporary copy of `examples/<name>` (with `extra` files) configured with `configure` and built. */
export async function built(
  name: string,
  configure: readonly string[],
  extra: Readonly<Record<string, Uint8Array>> = {},
): Promise<string> {
  const dir = await exampleCopy(name, extra);
  await configureAndBuild(dir, ["-t", "unix", ...configure]);
  return dir;
}
