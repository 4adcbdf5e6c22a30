#!/usr/bin/env node
// The `mirage` command as package managers link it. This file is committed, unlike dist/, so that a
// fresh install of the workspace links the command (pnpm warns "Failed to create bin" for a target
// that does not exist yet) and `pnpm exec mirage` works at once: in a source checkout where dist/ is
// not built, it builds first. An installed package always has dist/ and goes straight to it.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/bin.js", import.meta.url);

if (!existsSync(entry)) {
  const pkg = fileURLToPath(new URL("..", import.meta.url));
  const workspace = fileURLToPath(new URL("../../..", import.meta.url));
  if (!existsSync(`${pkg}tsconfig.json`)) {
    process.stderr.write(`mirage: ${fileURLToPath(entry)} is missing: reinstall @mirage-ts/mirage-cli\n`);
    process.exit(1);
  }
  // In the mirage-ts workspace, build every package (a unikernel bundles mirage-unix and tcpip from
  // their dist/ too), with the workspace's native compiler when it is there.
  const inWorkspace = existsSync(`${workspace}pnpm-workspace.yaml`) && existsSync(`${workspace}tsconfig.json`);
  const native = `${workspace}node_modules/typescript-7/bin/tsc`;
  const tsc = inWorkspace && existsSync(native) ? native : createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const project = inWorkspace ? workspace : pkg;
  process.stderr.write(`mirage: dist/ is not built in this checkout; building ${project} (tsc -b) first\n`);
  execFileSync(process.execPath, [tsc, "-b", project], { stdio: ["ignore", "inherit", "inherit"] });
}

await import(entry.href);
