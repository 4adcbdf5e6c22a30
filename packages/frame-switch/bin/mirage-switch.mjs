#!/usr/bin/env node
// The `mirage-switch` command as package managers link it; the program is dist/bin.js.
import { existsSync } from "node:fs";

const entry = new URL("../dist/bin.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("mirage-switch: dist/ is not built: run `pnpm build` in the workspace, or reinstall\n");
  process.exit(1);
}
await import(entry.href);
