/**
 * The keys of deployment (in their own help section, read by `configure` and `build`):
 * `--oci` makes `mirage build` write an OCI image, `--kubernetes` makes `mirage configure` write
 * Kubernetes manifests, `--image` names the image both use, `--run-args` gives the unikernel's
 * run-time arguments inside them, `--health` its health check, `--oci-base` a base image.
 *
 * @packageDocumentation
 */

import { type Info, type Key, conv, flag, key, opt } from "@mirage-ts/functoria";
import { type Health, healthConv } from "./kubernetes/health.js";

/** The help section of the deployment keys. */
export const DEPLOY_SECTION = "DEPLOYMENT PARAMETERS";

/** The flag `--NAME`, in the deployment section of the help. */
function deployFlag(name: string, doc: string): Key<boolean> {
  return key(name, flag({ names: [name], docs: DEPLOY_SECTION, doc }));
}

/** The option `--NAME=DOCV`, a string (empty when absent), in the deployment section of the help. */
function deployString(name: string, docv: string, doc: string): Key<string> {
  return key(name, opt(conv.string, "", { names: [name], docs: DEPLOY_SECTION, docv, doc }));
}

/**
 * `--oci`: `mirage build` also writes an OCI image of the unikernel (`dist/oci/`, `dist/NAME.oci.tar`).
 *
 * @beta
 */
export const oci: Key<boolean> = deployFlag(
  "oci",
  "Make 'mirage build' also write an OCI image of the unikernel: the image layout dist/oci/ and " +
    "dist/NAME.oci.tar, which 'podman load' and 'docker load' take (unix target).",
);

/**
 * `--oci-base=DIR`: an OCI image layout whose image (holding `node` on its `PATH`) is the base
 * of the image, instead of a root file system made of the local Node and its libraries.
 *
 * @beta
 */
export const ociBase: Key<string> = deployString(
  "oci-base",
  "DIR",
  "An OCI image layout (e.g. from 'skopeo copy docker://node:20-slim oci:DIR') whose first image, with " +
    "node on its PATH, is the base of the --oci image. Without it the image holds the local node and the " +
    "shared libraries it loads.",
);

/**
 * `--image=REF`: the reference of the image (default `localhost/NAME:latest`).
 *
 * @beta
 */
export const image: Key<string> = deployString(
  "image",
  "REF",
  "The name of the OCI image and of the image the Kubernetes manifests run (default localhost/NAME:latest).",
);

/**
 * `--run-args=ARGS`: the run-time arguments of the unikernel in the image (its command's
 * defaults) and in the Deployment, separated by spaces.
 *
 * @beta
 */
export const runArgs: Key<string> = deployString(
  "run-args",
  "ARGS",
  "The run-time arguments of the unikernel in the OCI image (the defaults of its command) and in the " +
    "Kubernetes Deployment, separated by spaces (e.g. '--port=8080').",
);

/**
 * `--kubernetes`: `mirage configure` also writes `mirage/kubernetes.yaml`.
 *
 * @beta
 */
export const kubernetes: Key<boolean> = deployFlag(
  "kubernetes",
  "Make 'mirage configure' also write Kubernetes manifests (a Deployment and a Service) in " +
    "mirage/kubernetes.yaml, running the --image image.",
);

/**
 * `--health=http:PORT/PATH|tcp:PORT`: the health check of the unikernel, for the probes of the
 * Kubernetes manifests and the port of their Service.
 *
 * @beta
 */
export const health: Key<Health | undefined> = key(
  "health",
  opt(healthConv, undefined, {
    names: ["health"],
    docs: DEPLOY_SECTION,
    docv: "HEALTH",
    doc:
      "The health check of the unikernel for the Kubernetes probes and Service, and (with --net=socket) the " +
      "Docker health check of the --oci image: http:PORT/PATH (a 2xx or 3xx answer) or tcp:PORT (a connection " +
      "accepted).",
  }),
);

/**
 * Every deployment key, for the builder.
 *
 * @beta
 */
export const deployKeys = [oci, ociBase, image, runArgs, kubernetes, health] as const;

/** The run-time arguments of `--run-args`, split on spaces. */
export function splitRunArgs(text: string): string[] {
  return text.split(/\s+/u).filter((a) => a !== "");
}

/** The image reference: `--image`, or `localhost/NAME:latest` with NAME made a valid repository name. */
export function imageReference(name: string, given: string): string {
  if (given !== "") return given;
  const repository = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/gu, "-")
    .replace(/^[^a-z0-9]+/u, "");
  return `localhost/${repository === "" ? "unikernel" : repository}:latest`;
}

/**
 * The network stack of a configuration: `direct` when any `--net` key (of any group) chose
 * mirage-ts's own stack, else the host's sockets.
 */
export function networkStack(info: Info): "socket" | "direct" {
  const nets = info.keys.filter((k) => k.name === "net" || k.name.endsWith("-net"));
  return nets.some((k) => info.get(k) === "direct") ? "direct" : "socket";
}
