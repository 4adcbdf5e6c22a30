// build-addon.mjs: the package's install hook. Compiles the native tap addon (native/tap.c) with
// node-gyp against the headers of the running Node, offline when they are installed locally.
//
// It does not fail the install: everything but the tap backend works without the addon. On failure it
// writes the reason to build/addon-build-error.txt, which `Tap.connect` quotes when a tap is asked
// for, and the full node-gyp output to build/addon-build.log. Where the tap is required (this
// repository's CI sets MIRAGE_REQUIRE_TAP_ADDON=1), a failed build fails the install instead.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const buildDir = join(packageRoot, "build");
const errorFile = join(buildDir, "addon-build-error.txt");
const logFile = join(buildDir, "addon-build.log");

/** node-gyp: the one npm or pnpm hands to install scripts, an installed one, or the one bundled with npm. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js"));
  } catch {
    // not installed as a package: try npm's copy below
  }
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  return candidates.find((candidate) => candidate !== undefined && candidate !== "" && existsSync(candidate));
}

/** `--nodedir` pointing at the running Node's own headers, so node-gyp does not download them. */
function localNodeDir() {
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, "include", "node", "node_api.h")) &&
    existsSync(join(prefix, "include", "node", "common.gypi"))
    ? prefix
    : undefined;
}

function fail(reason, log = reason) {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(errorFile, `${reason}\n`);
  writeFileSync(logFile, `${log}\n`);
  process.stderr.write(
    `@mirage-ts/mirage-unix: the native tap addon was not built (${reason}); everything else works. See ${logFile}\n`,
  );
  return false;
}

function build() {
  if (process.platform !== "linux") return fail(`the tap addon is Linux-only, this is ${process.platform}`);
  const nodeGyp = findNodeGyp();
  if (nodeGyp === undefined) return fail("node-gyp was not found (it ships with npm)");
  const nodeDir = process.env.npm_config_nodedir || localNodeDir();
  const args = [nodeGyp, "rebuild", ...(nodeDir ? [`--nodedir=${nodeDir}`] : [])];
  const run = spawnSync(process.execPath, args, { cwd: packageRoot, encoding: "utf8", timeout: 300_000 });
  const output = `$ ${process.execPath} ${args.join(" ")}\n${run.stdout ?? ""}${run.stderr ?? ""}`;
  if (run.error !== undefined) return fail(`node-gyp could not run: ${run.error.message}`, output);
  if (run.status !== 0) {
    const lastError = output
      .split("\n")
      .filter((line) => /error/i.test(line) && !/^gyp info/.test(line))
      .slice(0, 3)
      .join("; ");
    return fail(`node-gyp exited with status ${run.status}: ${lastError || "see the log"}`, output);
  }
  rmSync(errorFile, { force: true });
  writeFileSync(logFile, output);
  return true;
}

let built = false;
try {
  built = build();
} catch (error) {
  try {
    fail(`unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
  } catch {
    // even the report could not be written (read-only tree): the install still succeeds
  }
}
process.exitCode = !built && process.env.MIRAGE_REQUIRE_TAP_ADDON === "1" ? 1 : 0;
