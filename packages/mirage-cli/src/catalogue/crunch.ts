/**
 * `crunch` (upstream ocaml-crunch): a read-only key-value store whose contents, a directory next
 * to `config.ts`, are embedded in the unikernel when it is configured. The generated module is
 * platform neutral.
 *
 * @packageDocumentation
 */

import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Action, type Impl, type Info, impl, writeGenerated } from "@mirage-ts/functoria";
import { type CrunchedFile, crunchModule } from "../internal/crunch-module.js";
import { version } from "../version.js";
import { kvRo } from "./types.js";

/** The regular files below `root`, sorted by path; links are followed, other entries skipped. */
function readTree(root: string, below = ""): CrunchedFile[] {
  const files: CrunchedFile[] = [];
  for (const name of readdirSync(join(root, below)).sort()) {
    const path = below === "" ? name : `${below}/${name}`;
    const info = statSync(join(root, path));
    if (info.isDirectory()) files.push(...readTree(root, path));
    else if (info.isFile()) {
      const contents = readFileSync(join(root, path));
      files.push({
        path,
        contents,
        sha256: createHash("sha256").update(contents).digest("hex"),
        mtimeMs: Math.trunc(info.mtimeMs),
      });
    }
  }
  return files;
}

/** `static_<dir>` with every character that cannot be in an identifier made `_`. */
function moduleName(dir: string): string {
  return `static_${dir.replace(/[^A-Za-z0-9_]/gu, "_").replace(/^_+|_+$/gu, "")}`.toLowerCase();
}

function generate(info: Info, dir: string, file: string, exportName: string): Action<void> {
  const root = resolve(dirname(info.configFile), dir);
  let files: CrunchedFile[];
  try {
    files = readTree(root);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return Action.fail(`crunch: cannot read the directory ${dir} (relative to ${info.configFile}): ${reason}`);
  }
  return writeGenerated({ name: info.projectName, version }, file, crunchModule(exportName, dir, files)).map(
    () => undefined,
  );
}

/**
 * A read-only key-value store holding the files of `dir` (relative to `config.ts`), embedded in
 * the bundle by `mirage configure` as the module `mirage/static_<dir>.ts`. Configure again after
 * changing the files.
 *
 * @public
 */
export function crunch(dir: string): Impl<"kv_ro"> {
  if (dir === "") throw new TypeError("crunch: the directory cannot be empty");
  const name = moduleName(dir);
  const exportName = name.charAt(0).toUpperCase() + name.slice(1);
  return impl({
    module: `./mirage/${name}.js`,
    name: exportName,
    type: kvRo,
    configure: (info) => generate(info, dir, `${name}.ts`, exportName),
  });
}
