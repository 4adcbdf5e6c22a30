/**
 * The type-check of `config.ts` at `configure`: the configuration against the catalogue's types,
 * so that a device of the wrong type or a misspelt option is reported at its line in `config.ts`
 * rather than as whatever evaluating it throws. Its imports of `@mirage-ts/mirage-cli` and
 * `@mirage-ts/functoria` are checked against the running tool's declarations, the modules the
 * loader gives it.
 */

import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type Checker, chooseChecker } from "../typescript/checker.js";

function declarations(moduleUrl: string): string | undefined {
  const path = fileURLToPath(moduleUrl).replace(/\.js$/u, ".d.ts");
  return existsSync(path) ? path : undefined;
}

/** The running tool's declarations for the packages config.ts imports. */
function ownTypes(): Record<string, string[]> {
  const own: Record<string, string | undefined> = {
    // This module is dist/internal/config-check.js: the package's entry is ../index.js.
    "@mirage-ts/mirage-cli": declarations(new URL("../index.js", import.meta.url).href),
    "@mirage-ts/functoria": declarations(import.meta.resolve("@mirage-ts/functoria")),
  };
  return Object.fromEntries(
    Object.entries(own).flatMap(([name, path]) => (path === undefined ? [] : [[name, [path]]])),
  );
}

/**
 * Type-checks the configuration `configPath` (absolute).
 *
 * @throws `Error` listing the errors, `config.ts:line:column: error TSxxxx: …`, when there are any.
 */
export async function checkConfig(configPath: string, checker: Checker = chooseChecker()): Promise<void> {
  const result = await checker.check({
    root: configPath,
    configDir: dirname(configPath),
    types: [],
    paths: ownTypes(),
    pretty: false,
  });
  if (result.errors === 0) return;
  const errors = `${result.errors} error${result.errors === 1 ? "" : "s"}`;
  throw new Error(`${basename(configPath)} does not type-check (${errors}):\n${result.report.trimEnd()}`);
}
