/**
 * The OCI image of a unix-target unikernel: one layer with its program, bundle and source map
 * (and, without a base image, the local Node and its libraries), run as an unprivileged numeric
 * user from `/app` as `node dist/NAME.mjs ARGS`. The same inputs give the same bytes, hence the
 * same digest: every time is `SOURCE_DATE_EPOCH` (or 0), entries are sorted, owners are 0:0.
 *
 * @packageDocumentation
 */

import { gzipSync } from "node:zlib";
import type { Health } from "../kubernetes/health.js";
import { dockerHealthcheck } from "./healthcheck.js";
import { type Blob, type Image, MEDIA, blob, describe, jsonBlob, readBaseImage, sha256 } from "./layout.js";
import {
  type AppFiles,
  IMAGE_APP,
  IMAGE_NODE,
  IMAGE_UID,
  addonEntries,
  appEntries,
  hostNodeEntries,
  userFiles,
} from "./rootfs.js";
import { tarArchive } from "./tar.js";

/**
 * What an image is built from.
 *
 * @beta
 */
export interface ImageOptions {
  /** The program's name: the image runs `dist/<name>.mjs`. */
  readonly name: string;
  /** The reference the image is loaded as. */
  readonly reference: string;
  /** The program, bundle and source map, by file name. */
  readonly files: AppFiles;
  /** The default run-time arguments (the image's `Cmd`). */
  readonly args: readonly string[];
  /** The time of every file and of the image, in seconds since the epoch. */
  readonly mtime: number;
  /** An OCI layout whose first image is the base; else the local Node is put in the image. */
  readonly base?: string | undefined;
  /** The Node binary to put in an image without a base (default the running one). */
  readonly nodeBinary?: string | undefined;
  /** The TCP port the unikernel serves on, recorded as exposed. */
  readonly port?: number | undefined;
  /**
   * Native addons the bundle loads, by host path, put at the same path (with the libraries they
   * need when the image has no base): mirage-unix's tap addon for `--net=direct`.
   */
  readonly addons?: readonly string[] | undefined;
  /** The health check Docker runs in the container (`config.Healthcheck`, see `healthcheck.ts`). */
  readonly healthcheck?: Health | undefined;
}

/** The image spec's name of Node's architecture. */
export function ociArchitecture(arch: string = process.arch): string {
  const names: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", s390x: "s390x" };
  return names[arch] ?? arch;
}

function timestamp(mtime: number): string {
  return new Date(mtime * 1000).toISOString().replace(/\.000Z$/u, "Z");
}

/**
 * The image of a unikernel.
 *
 * @throws `Error` when the base layout cannot be read, or ldd cannot list Node's libraries.
 * @beta
 */
export async function buildImage(options: ImageOptions): Promise<Image> {
  const base = options.base === undefined || options.base === "" ? undefined : await readBaseImage(options.base);
  const addons = options.addons ?? [];
  const runtime = base === undefined ? await hostNodeEntries(options.nodeBinary ?? process.execPath, addons) : [];
  const entries = [
    ...runtime,
    ...(base === undefined ? userFiles() : []),
    ...(await addonEntries(addons)),
    ...appEntries(options.files),
  ];
  const tar = await tarArchive(entries, { mtime: options.mtime });
  // gzip writes no name and a zero time into its header: its bytes depend on the tar's alone.
  const layer: Blob = blob(MEDIA.layer, gzipSync(tar, { level: 9 }));
  const created = timestamp(options.mtime);

  const baseConfig = (base?.config.config ?? {}) as Record<string, unknown>;
  const baseRootfs = (base?.config.rootfs ?? {}) as { diff_ids?: string[] };
  const baseHistory = (base?.config.history ?? []) as unknown[];
  const env = Array.isArray(baseConfig.Env) ? (baseConfig.Env as string[]) : ["PATH=/usr/local/bin"];
  const node = base === undefined ? IMAGE_NODE : "node";
  const config = {
    created,
    architecture: (base?.config.architecture as string | undefined) ?? ociArchitecture(),
    os: "linux",
    config: {
      User: `${IMAGE_UID}:${IMAGE_UID}`,
      Env: [...env.filter((e) => !e.startsWith("NODE_ENV=")), "NODE_ENV=production"],
      Entrypoint: [node, `dist/${options.name}.mjs`],
      Cmd: [...options.args],
      WorkingDir: IMAGE_APP,
      ...(options.port === undefined ? {} : { ExposedPorts: { [`${options.port}/tcp`]: {} } }),
      Labels: { "org.opencontainers.image.title": options.name },
      ...(options.healthcheck === undefined ? {} : { Healthcheck: dockerHealthcheck(options.healthcheck, node) }),
    },
    rootfs: { type: "layers", diff_ids: [...(baseRootfs.diff_ids ?? []), sha256(tar)] },
    history: [...baseHistory, { created, created_by: "mirage build --oci", comment: `dist/${options.name}.mjs` }],
  };
  const configBlob = jsonBlob(MEDIA.config, config);
  const layers = [...(base?.layers ?? []), layer];
  const manifest = jsonBlob(MEDIA.manifest, {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: describe(configBlob),
    layers: layers.map((l) => describe(l)),
  });
  return { manifest, config: configBlob, layers, reference: options.reference };
}
