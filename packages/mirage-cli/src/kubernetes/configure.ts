/**
 * The `--kubernetes` step of `mirage configure`: `mirage/kubernetes.yaml`, from the keys of the
 * configuration (the image, the run-time arguments, the health check, the network stack).
 *
 * @packageDocumentation
 */

import { posix } from "node:path";
import { Action, type BuildDirs, type Info, headerLine } from "@mirage-ts/functoria";
import { health, image, imageReference, kubernetes, networkStack, runArgs, splitRunArgs } from "../deploy-keys.js";
import { IMAGE_UID } from "../oci/rootfs.js";
import { version } from "../version.js";
import { kubernetesManifests, manifestsYaml } from "./manifests.js";

/** The manifests' file, in the generated directory. */
export const KUBERNETES_FILE = "kubernetes.yaml";

/** The manifests' text of a configuration. */
export function kubernetesYaml(info: Info): string {
  const manifests = kubernetesManifests({
    name: info.name,
    image: imageReference(info.name, info.get(image)),
    args: splitRunArgs(info.get(runArgs)),
    net: networkStack(info),
    health: info.get(health),
    uid: IMAGE_UID,
  });
  return manifestsYaml(manifests, headerLine({ name: info.projectName, version }));
}

/** Writes the manifests when `--kubernetes` was given. */
export function configureKubernetes(info: Info, dirs: BuildDirs): Action<void> {
  if (!info.get(kubernetes)) return Action.ok(undefined);
  return Action.writeFile(posix.join(dirs.buildDir, KUBERNETES_FILE), kubernetesYaml(info));
}

/** The files of {@link configureKubernetes}, for `query files`. */
export function kubernetesFiles(info: Info): string[] {
  return info.get(kubernetes) ? [KUBERNETES_FILE] : [];
}
