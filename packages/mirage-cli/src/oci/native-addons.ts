/**
 * The native addon of a `--net=direct` image: mirage-unix's tap addon (`build/Release/tap.node`,
 * compiled from `native/tap.c` when the package was installed), which Node cannot load from a
 * bundle. The bundle finds it from the absolute `file:` URL of mirage-unix's module that
 * `internal/module-urls.ts` wrote into it, so the image holds it at that same host path.
 *
 * @packageDocumentation
 */

import { existsSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The tap addon, under mirage-unix's package root. */
const TAP_ADDON = join("build", "Release", "tap.node");

/**
 * The host path of the tap addon that `bundle` (the text of `dist/NAME.app.mjs`, built from the
 * entry in `buildDir`) loads: mirage-unix resolved from `buildDir` as esbuild resolved it, which
 * the bundle must name.
 *
 * @throws `Error` when mirage-unix cannot be resolved, the bundle names another copy of it, or the
 * addon was not built.
 */
export async function tapAddonOf(buildDir: string, bundle: string): Promise<string> {
  let root: string;
  try {
    const manifest = createRequire(resolve(buildDir, "main.ts")).resolve("@mirage-ts/mirage-unix/package.json");
    root = await realpath(dirname(manifest));
  } catch (e) {
    throw new Error(
      `--oci with --net=direct: @mirage-ts/mirage-unix cannot be resolved from ${buildDir} ` +
        `(${e instanceof Error ? e.message.split("\n")[0] : String(e)}): install the unikernel's dependencies`,
    );
  }
  if (!bundle.includes(`${pathToFileURL(root).href}/`))
    throw new Error(
      `--oci with --net=direct: the bundle does not load mirage-unix from ${root}, where it resolves: ` +
        "rebuild it ('mirage build') after installing the dependencies",
    );
  const addon = join(root, TAP_ADDON);
  if (!existsSync(addon))
    throw new Error(
      `--oci with --net=direct: mirage-unix's native tap addon ${addon} is missing (its build at install failed ` +
        "or was skipped): rebuild it with `npm rebuild @mirage-ts/mirage-unix` (or `pnpm rebuild`)",
    );
  return addon;
}
