/**
 * Loading `config.ts` (upstream compiles and runs `config.exe`): esbuild strips the types and
 * bundles its local imports into a temporary module next to it, which is imported. The
 * configuration's imports of `@mirage-ts/mirage-cli` and `@mirage-ts/functoria` are pointed at the
 * running tool's own modules, so the devices it builds and the application it registers are the
 * ones the tool reads, whichever copy the project has installed.
 */

import { rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { App } from "@mirage-ts/functoria";
import type * as Esbuild from "esbuild";
import { takeRegistered } from "../register.js";
import { checkConfig } from "./config-check.js";
import { setConfigSources } from "./config-frames.js";
import { esbuild } from "./esbuild.js";
import { esbuildErrors } from "./esbuild-errors.js";

const ownPackages: Esbuild.Plugin = {
  name: "mirage-own-packages",
  setup(build) {
    // This module is dist/internal/load-config.js: the package's entry is ../index.js.
    const own: Readonly<Record<string, string>> = {
      "@mirage-ts/mirage-cli": new URL("../index.js", import.meta.url).href,
      "@mirage-ts/functoria": import.meta.resolve("@mirage-ts/functoria"),
    };
    build.onResolve({ filter: /^[^./]/ }, (args) => ({ path: own[args.path] ?? args.path, external: true }));
  },
};

async function compile(configPath: string): Promise<string> {
  const dir = dirname(configPath);
  try {
    const result = await esbuild().build({
      entryPoints: [configPath],
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      // Sources relative to config.ts's folder, where the compiled module is imported from, so
      // that its stack frames name config.ts's own path.
      absWorkingDir: dir,
      sourcemap: "inline",
      metafile: true,
      plugins: [ownPackages],
      logLevel: "silent",
    });
    setConfigSources(Object.keys(result.metafile.inputs).map((input) => resolve(dir, input)));
    return result.outputFiles[0]?.text ?? "";
  } catch (e) {
    const errors = esbuildErrors(e);
    if (errors === undefined) throw e;
    throw new Error(`cannot compile ${basename(configPath)}:\n${errors}`);
  }
}

/**
 * Imports the configuration `configPath` (absolute) and returns the application it registered;
 * for `configure`, type-checks it first.
 *
 * @throws `Error` when it does not compile or type-check, throws (its stack then names config.ts's
 * lines: see `configLocation`), or registers nothing.
 */
export async function loadConfig(
  configPath: string,
  context: { readonly command?: string | undefined } = {},
): Promise<App> {
  const code = await compile(configPath);
  if (context.command === "configure") await checkConfig(configPath);
  // Next to config.ts, so that its other package imports resolve from the project.
  const temporary = join(dirname(configPath), `.${basename(configPath)}.${process.pid}.${Date.now()}.mjs`);
  takeRegistered();
  await writeFile(temporary, code);
  // Stack traces through the compiled module then point at config.ts (see config-frames.ts).
  process.setSourceMapsEnabled(true);
  try {
    await import(pathToFileURL(temporary).href);
  } finally {
    await rm(temporary, { force: true });
  }
  const app = takeRegistered();
  if (app === undefined) {
    throw new Error(
      `${basename(configPath)} registers no unikernel: call register("<name>", [<jobs>]) from @mirage-ts/mirage-cli`,
    );
  }
  return app;
}
