/**
 * The `mirage` builder: what functoria's engine needs to be the `mirage` tool (upstream's
 * `Mirage` project job and `Lib.S`): its name and version, the target key every unikernel has,
 * the code around the generated entry (from the target table), the generated `package.json`,
 * the `build` command and the cleaning of its bundles.
 *
 * @packageDocumentation
 */

import { Action, type Builder, type Impl, type Job, impl, job, map, value } from "@mirage-ts/functoria";
import { buildCommand } from "./commands/build.js";
import { removeBundles } from "./commands/bundle.js";
import { deployKeys } from "./deploy-keys.js";
import { targetOf } from "./internal/platform.js";
import { versionDeclaration } from "./internal/unikernel-version.js";
import { target } from "./keys.js";
import { configureKubernetes, kubernetesFiles } from "./kubernetes/configure.js";
import { removeImage } from "./oci/build-image.js";
import { findTarget } from "./targets.js";
import { packageName, version } from "./version.js";

/** The top-level job (upstream `Mirage_runtime`): it reads the target and brings its packages. */
function create(jobs: readonly Impl<Job>[]): Impl<Job> {
  return impl({
    name: "Mirage",
    type: job,
    keys: [target],
    packagesV: map(value(target), (t) => findTarget(t).packages),
    extraDeps: jobs,
    connect: () => "undefined",
  });
}

/**
 * The builder of the `mirage` tool.
 *
 * @public
 */
export const mirageBuilder: Builder = {
  name: "mirage",
  version,
  packageName,
  defaultConfigFile: "config.ts",
  keys: [target, ...deployKeys],
  registerArg: { module: "@mirage-ts/mirage-runtime", name: "registerArg" },
  prelude: ({ info, importValue }) => versionDeclaration + targetOf(info).prelude(importValue),
  run: ({ info, importValue, start }) => targetOf(info).run(importValue, start),
  create,
  packageJson: (info, base) => ({
    ...base,
    scripts: {
      build: "mirage build",
      // A page is opened, not run: its folder is served (any static server does).
      start:
        targetOf(info).bundle.platform === "browser"
          ? "python3 -m http.server -d dist 8080"
          : `node --enable-source-maps dist/${info.output ?? info.name}.mjs`,
    },
  }),
  configured: () => "Successfully configured the unikernel. Now run 'mirage build'.",
  commands: [buildCommand],
  configure: configureKubernetes,
  files: kubernetesFiles,
  clean: (dirs) => Action.seq([removeImage(dirs.configDir), removeBundles(dirs.configDir)]),
};
