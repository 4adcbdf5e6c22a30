/**
 * Runs a fixture as an unprivileged user (nobody, through setpriv). That user may not be able to read
 * the checkout (a clone in a 0700 directory, as `mktemp -d` makes one), so what the child needs is
 * staged where it can: the fixture bundled with esbuild (the sources of the workspace packages it
 * imports included) into a world-readable temporary directory made for the run, with the native tap
 * addon where the bundled code looks for it. The directory is removed after the run.
 */
import { spawn } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FixtureOutcome, finished, fixturePath } from "./run-fixture.js";

/** The user and group the child runs as. */
export const NOBODY = 65534;

const packageRoot = fileURLToPath(new URL("../..", import.meta.url));

/** What this file uses of esbuild's API. */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

// esbuild is mirage-cli's dependency (it bundles the unikernels); these tests borrow it.
const esbuild = (): Esbuild =>
  createRequire(join(packageRoot, "..", "mirage-cli", "package.json"))("esbuild") as Esbuild;

/**
 * Bundles `test/fixtures/<name>.fixture.ts` into `dir`, two levels down as the package's modules are,
 * so that the addon's path relative to the bundle (`../../build/Release/tap.node`) holds.
 */
async function stage(name: string, dir: string): Promise<string> {
  const bundle = join(dir, "test", "fixtures", `${name}.mjs`);
  await esbuild().build({
    entryPoints: [fixturePath(name)],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["mirage-source"],
    logLevel: "silent",
  });
  const addon = join(dir, "build", "Release", "tap.node");
  await mkdir(join(dir, "build", "Release"), { recursive: true });
  try {
    await copyFile(join(packageRoot, "build", "Release", "tap.node"), addon);
  } catch {
    // Not built: the bundled code then reports the addon missing, as the checkout's would.
  }
  // Readable by anyone whatever the umask.
  for (const path of [
    dir,
    join(dir, "test"),
    join(dir, "test", "fixtures"),
    join(dir, "build"),
    join(dir, "build", "Release"),
  ]) {
    await chmod(path, 0o755);
  }
  for (const [path, mode] of [
    [bundle, 0o644],
    [addon, 0o755],
  ] as const)
    await chmod(path, mode).catch(() => undefined);
  return bundle;
}

/** Runs the fixture `name` with `args` as nobody (setpriv), from a copy that user can read. */
export async function runFixtureUnprivileged(name: string, args: readonly string[] = []): Promise<FixtureOutcome> {
  const dir = await mkdtemp(join(tmpdir(), "mirage-unix-unprivileged-"));
  try {
    const bundle = await stage(name, dir);
    const ids = [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"];
    const child = spawn("setpriv", [...ids, process.execPath, bundle, ...args], {
      cwd: dir,
      stdio: ["pipe", "pipe", "pipe"],
    });
    return await finished(child);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
