/**
 * An esbuild plugin giving each bundled module its own `import.meta.url`. Bundling merges the
 * modules into one file, so `import.meta.url` would name the bundle; code that finds a file next
 * to its module (mirage-unix loads its native tap addon, which cannot be bundled, from
 * `../../build/Release/tap.node`) must still find it where its package is installed.
 */

import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { pathToFileURL } from "node:url";
import type { Loader, Plugin } from "esbuild";

const LOADERS: Readonly<Record<string, Loader>> = {
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
};
const IMPORT_META_URL = /\bimport\.meta\.url\b/gu;

/** The plugin: rewrites `import.meta.url` to the module's file URL, leaving other modules to esbuild. */
export const moduleUrls: Plugin = {
  name: "mirage-module-urls",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      const contents = await readFile(args.path, "utf8");
      if (!IMPORT_META_URL.test(contents)) return undefined;
      IMPORT_META_URL.lastIndex = 0;
      const loader = LOADERS[extname(args.path)] ?? "js";
      return { contents: contents.replace(IMPORT_META_URL, JSON.stringify(pathToFileURL(args.path).href)), loader };
    });
  },
};
