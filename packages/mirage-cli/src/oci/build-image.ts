/**
 * The `--oci` step of `mirage build`: the image of the bundle just built, written as the layout
 * `dist/oci/` and the archive `dist/NAME.oci.tar`.
 *
 * @packageDocumentation
 */

import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, posix, resolve } from "node:path";
import { Action, type Info, buildDirs } from "@mirage-ts/functoria";
import { appBundlePath } from "../commands/bundle.js";
import { health, image, imageReference, networkStack, oci, ociBase, runArgs, splitRunArgs } from "../deploy-keys.js";
import { target } from "../keys.js";
import { buildImage } from "./image.js";
import { layoutArchive, writeLayout } from "./layout.js";
import { tapAddonOf } from "./native-addons.js";

/** The time of an image's files: `SOURCE_DATE_EPOCH` when set (reproducible-builds.org), else 0. */
export function sourceDateEpoch(env: Readonly<Record<string, string | undefined>>): number {
  const given = env.SOURCE_DATE_EPOCH;
  if (given === undefined || given === "") return 0;
  if (!/^\d+$/u.test(given)) throw new Error(`SOURCE_DATE_EPOCH=${given}: expected a number of seconds`);
  return Number(given);
}

/** Refuses an image `--oci` cannot build, before anything is built: a target other than unix. */
export function checkImageable(info: Info): void {
  if (!info.get(oci)) return;
  if (info.get(target) !== "unix")
    throw new Error("--oci builds images of unix-target unikernels only: configure with -t unix");
}

/** Where the image of the program `outfile` goes: its layout and its archive. */
export function imagePaths(outfile: string): { layout: string; archive: string } {
  const dist = dirname(outfile);
  return { layout: join(dist, "oci"), archive: join(dist, basename(outfile).replace(/\.mjs$/u, ".oci.tar")) };
}

/**
 * Builds and writes the image of the program `outfile` (`dist/NAME.mjs`), with its bundle and source
 * map; resolves to the archive's path, size and the manifest's digest.
 */
export async function writeImage(
  info: Info,
  outfile: string,
): Promise<{ archive: string; size: number; digest: string; reference: string }> {
  const { layout, archive } = imagePaths(outfile);
  // The previous image goes first: a build that fails must not leave it to be loaded as this one.
  await rm(archive, { force: true });
  const base = info.get(ociBase);
  const isBase = base !== "" && resolve(base) === resolve(layout);
  if (!isBase && existsSync(join(layout, "oci-layout"))) await rm(layout, { recursive: true, force: true });
  checkImageable(info);
  const app = appBundlePath(outfile);
  const files = new Map<string, Uint8Array>();
  for (const path of [outfile, app, `${app}.map`]) files.set(basename(path), await readFile(path));
  const name = basename(outfile).replace(/\.mjs$/u, "");
  const check = info.get(health);
  const direct = networkStack(info) === "direct";
  const { buildDir } = buildDirs(info.projectName, info.configFile);
  const bundle = Buffer.from(files.get(basename(app)) ?? new Uint8Array()).toString("utf8");
  const img = await buildImage({
    name,
    reference: imageReference(info.name, info.get(image)),
    files,
    args: splitRunArgs(info.get(runArgs)),
    mtime: sourceDateEpoch(process.env),
    base: info.get(ociBase),
    port: check?.port,
    addons: direct ? [await tapAddonOf(buildDir, bundle)] : [],
    // On its own stack the unikernel answers on its tap's address, not on the container's loopback.
    healthcheck: direct ? undefined : check,
  });
  await writeLayout(layout, img);
  const tar = await layoutArchive(img, sourceDateEpoch(process.env));
  await writeFile(archive, tar);
  return { archive, size: tar.byteLength, digest: img.manifest.digest, reference: img.reference };
}

/**
 * Removes what `--oci` wrote in `<configDir>/dist`: the layout `oci/` (when it is one) and the
 * `*.oci.tar` archives.
 */
export function removeImage(configDir: string): Action<void> {
  const dist = posix.join(configDir, "dist");
  return Action.gen(function* () {
    if (!(yield* Action.isDir(dist))) return;
    if (yield* Action.isFile(posix.join(dist, "oci", "oci-layout"))) yield* Action.rmdir(posix.join(dist, "oci"));
    for (const name of yield* Action.ls(dist))
      if (name.endsWith(".oci.tar") && (yield* Action.isFile(posix.join(dist, name))))
        yield* Action.rm(posix.join(dist, name));
  });
}
