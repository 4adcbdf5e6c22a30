/**
 * esbuild, loaded through `require` when first needed: as an ES module import, Node would first
 * scan its CommonJS entry for export names, which costs more than the rest of the tool's loading.
 */

import { createRequire } from "node:module";
import type * as Esbuild from "esbuild";

let loaded: typeof Esbuild | undefined;

/** The esbuild API. */
export function esbuild(): typeof Esbuild {
  loaded ??= createRequire(import.meta.url)("esbuild") as typeof Esbuild;
  return loaded;
}
