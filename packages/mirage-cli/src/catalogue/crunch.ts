/**
 * `crunch` (upstream ocaml-crunch): a read-only key-value store whose contents, a directory next
 * to `config.ts`, are embedded in the unikernel when it is configured. The generated module is
 * platform neutral.
 *
 * @packageDocumentation
 */

import { createHash } from "node:crypto";
import { lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { Action, type Impl, type Info, impl, writeGenerated } from "@mirage-ts/functoria";
import { type CrunchedFile, crunchModule } from "../internal/crunch-module.js";
import { version } from "../version.js";
import { kvRo } from "./types.js";

/** A symbolic link crunch will not follow; its message names the link, its target and the fix. */
class RefusedLink extends Error {}

/**
 * The regular files below `root`, sorted by path; other entries are skipped. A symbolic link is
 * followed when it resolves inside `root`, as the directory KV stores do (so `--kv_ro=crunch` and
 * `--kv_ro=direct` serve the same files); one that leads out of `root`, nowhere, or to a directory it
 * is in is refused, since crunching it would embed a file from elsewhere, fail, or never end.
 *
 * @throws RefusedLink for such a link, naming it as `dir/…`
 */
function readTree(root: string, dir: string): CrunchedFile[] {
  const realRoot = realpathSync(root);
  const inside = (real: string): boolean => real === realRoot || real.startsWith(realRoot + sep);
  const walk = (below: string, realDir: string, open: ReadonlySet<string>): CrunchedFile[] => {
    const files: CrunchedFile[] = [];
    for (const name of readdirSync(realDir).sort()) {
      const path = below === "" ? name : `${below}/${name}`;
      const entry = join(realDir, name);
      let real = entry;
      if (lstatSync(entry).isSymbolicLink()) {
        const target = readlinkSync(entry);
        const link = `the symbolic link ${dir}/${path} points to ${target}`;
        try {
          real = realpathSync(entry);
        } catch (e) {
          throw new RefusedLink(
            `${link}, which cannot be resolved (${errorText(e)}): remove the link or fix its target`,
          );
        }
        if (!inside(real)) {
          throw new RefusedLink(
            `${link}${real === target ? "" : ` (${real})`}, outside ${dir}: crunch follows only links that stay ` +
              `inside the directory, as the directory KV stores do. Replace the link with a copy of ${real}, or ` +
              `move that into ${dir}`,
          );
        }
        // Only a link can lead back to a directory being read.
        if (open.has(real)) {
          throw new RefusedLink(`${link}, a directory it is in: crunching it would never end. Remove the link`);
        }
      }
      const info = statSync(real);
      if (info.isDirectory()) {
        files.push(...walk(path, real, new Set([...open, real])));
      } else if (info.isFile()) {
        const contents = readFileSync(real);
        files.push({
          path,
          contents,
          sha256: createHash("sha256").update(contents).digest("hex"),
          mtimeMs: Math.trunc(info.mtimeMs),
        });
      }
    }
    return files;
  };
  return walk("", realRoot, new Set([realRoot]));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** `static_<dir>` with every character that cannot be in an identifier made `_`. */
function moduleName(dir: string): string {
  return `static_${dir.replace(/[^A-Za-z0-9_]/gu, "_").replace(/^_+|_+$/gu, "")}`.toLowerCase();
}

function generate(info: Info, dir: string, file: string, exportName: string): Action<void> {
  const root = resolve(dirname(info.configFile), dir);
  let files: CrunchedFile[];
  try {
    files = readTree(root, dir);
  } catch (e) {
    if (e instanceof RefusedLink)
      return Action.fail(`crunch: in ${dir} (relative to ${info.configFile}), ${e.message}`);
    return Action.fail(`crunch: cannot read the directory ${dir} (relative to ${info.configFile}): ${errorText(e)}`);
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
