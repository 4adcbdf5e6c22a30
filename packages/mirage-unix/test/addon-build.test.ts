/**
 * The install hook (scripts/build-addon.mjs) in a scratch copy of the package: it builds the addon
 * offline when it can, and when it cannot it still exits 0 (unless MIRAGE_REQUIRE_TAP_ADDON=1, as in
 * CI) and leaves the reason that a tap request then reports.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { itRequiring, missingTools } from "@mirage-ts/test-support";
import { describe, expect, it } from "vitest";
import { addonOfModule, loadAddon, unavailableMessage } from "../src/internal/tap-addon.js";
import { COMPILE_MS, INSTALL_HOOK_TEST_MS } from "./support/limits.js";
import { tempDir } from "./support/temp-dir.js";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));

function scratchCopy(name: string): string {
  const copy = join(tempDir(name), "mirage-unix");
  for (const part of ["binding.gyp", "native", "scripts", "package.json"])
    cpSync(join(packageRoot, part), join(copy, part), { recursive: true });
  return copy;
}

function runHook(cwd: string, env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, ["scripts/build-addon.mjs"], { cwd, env, encoding: "utf8", timeout: COMPILE_MS });
}

const files = (root: string) => ({
  addon: join(root, "build/Release/tap.node"),
  buildError: join(root, "build/addon-build-error.txt"),
});
const noToolchain = process.platform === "linux" ? missingTools("python3", "make", "cc") : "Linux only";

describe("the install hook", () => {
  itRequiring(
    noToolchain,
    "compiles the addon offline against the local Node headers",
    { timeout: INSTALL_HOOK_TEST_MS },
    () => {
      const copy = scratchCopy("addon-ok");
      const run = runHook(copy, { ...process.env, npm_config_node_gyp: "" });
      expect(run.status).toBe(0);
      expect(existsSync(join(copy, "build/Release/tap.node"))).toBe(true);
      expect(existsSync(join(copy, "build/addon-build-error.txt"))).toBe(false);
      expect(readFileSync(join(copy, "build/addon-build.log"), "utf8")).toMatch(/--nodedir=/);
      const load = loadAddon(files(copy));
      expect("addon" in load && typeof load.addon.open).toBe("function");
    },
  );

  it(
    "never fails the install, and leaves the reason for a tap request",
    () => {
      const copy = scratchCopy("addon-broken");
      const run = runHook(copy, { PATH: "/nonexistent" }); // no python, no make, no compiler
      expect(run.status).toBe(0);
      expect(run.stderr).toContain("the native tap addon was not built");
      expect(run.stderr).toContain("everything else works");
      const reason = readFileSync(join(copy, "build/addon-build-error.txt"), "utf8");
      expect(reason).toMatch(/^node-gyp exited with status \d+: /);
      const load = loadAddon(files(copy));
      expect("problem" in load && load.problem).toBe(`its build failed at install: ${reason.trim()}`);
      const message = unavailableMessage("problem" in load ? load.problem : "");
      expect(message).toContain(
        "The native tap addon of @mirage-ts/mirage-unix is not available: its build failed at install: node-gyp exited",
      );
      expect(message).toContain("npm rebuild @mirage-ts/mirage-unix");
    },
    INSTALL_HOOK_TEST_MS,
  );

  it(
    "fails the install where the addon is required (MIRAGE_REQUIRE_TAP_ADDON=1)",
    () => {
      const copy = scratchCopy("addon-required");
      const run = runHook(copy, { PATH: "/nonexistent", MIRAGE_REQUIRE_TAP_ADDON: "1" });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("the native tap addon was not built (node-gyp exited with status");
    },
    INSTALL_HOOK_TEST_MS,
  );

  it("explains a missing addon without a build report, and other platforms", () => {
    const copy = scratchCopy("addon-missing");
    const load = loadAddon(files(copy));
    expect("problem" in load && load.problem).toMatch(
      /tap\.node could not be loaded \(.*\); was the package installed with scripts disabled\?$/,
    );
    const darwin = loadAddon(files(copy), "darwin");
    expect("problem" in darwin && darwin.problem).toBe("tap devices need Linux, this is darwin");
  });

  it("refuses an addon built from an older native/tap.c, naming what it lacks and how to rebuild", () => {
    const fn = () => 0;
    const old = addonOfModule({ open: fn, queueLength: fn, netdev: fn, poll: fn });
    expect("problem" in old && old.problem).toBe("it was built from an older native/tap.c (it lacks writeFrames)");
    expect(unavailableMessage("problem" in old ? old.problem : "")).toContain("`npm rebuild @mirage-ts/mirage-unix`");
    expect("addon" in addonOfModule({ open: fn, queueLength: fn, netdev: fn, poll: fn, writeFrames: fn })).toBe(true);
  });
});
