/**
 * OCI image layouts (image-spec `image-layout.md`): content-addressed blobs, a manifest, a config,
 * and the `index.json` naming the image. The same blobs are also written as one tar holding both
 * the OCI layout and Docker's `manifest.json`, which `podman load` and `docker load` take.
 *
 * @packageDocumentation
 */

import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type TarEntry, tarArchive } from "./tar.js";

/** A blob of the layout: its digest (`sha256:...`), media type and bytes. */
export interface Blob {
  readonly digest: string;
  readonly mediaType: string;
  readonly data: Uint8Array;
}

/** The OCI descriptor of a blob. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Media types of the image spec. */
export const MEDIA = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

/** `sha256:<hex>` of some bytes. */
export function sha256(data: Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** A blob of `data` with its digest. */
export function blob(mediaType: string, data: Uint8Array): Blob {
  return { mediaType, data, digest: sha256(data) };
}

/** A blob of a JSON document (its text as `JSON.stringify` writes it, keys in the given order). */
export function jsonBlob(mediaType: string, value: unknown): Blob {
  return blob(mediaType, Buffer.from(JSON.stringify(value)));
}

/** The descriptor of a blob. */
export function describe(b: Blob, annotations?: Readonly<Record<string, string>>): Descriptor {
  return { mediaType: b.mediaType, digest: b.digest, size: b.data.byteLength, ...(annotations ? { annotations } : {}) };
}

/** The path of a blob in a layout. */
export function blobPath(digest: string): string {
  return `blobs/${digest.replace(":", "/")}`;
}

/** An image: its manifest, config and layers (in order, base first). */
export interface Image {
  readonly manifest: Blob;
  readonly config: Blob;
  readonly layers: readonly Blob[];
  /** The reference it is loaded as (`localhost/NAME:latest`). */
  readonly reference: string;
}

/** The files of the image's layout, by path in it. */
export function layoutFiles(img: Image): Map<string, Uint8Array> {
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: [describe(img.manifest, { "org.opencontainers.image.ref.name": img.reference })],
  };
  // Docker's `docker save` format, beside the OCI layout: `docker load` of Docker before 25 reads only this.
  const docker = [
    {
      Config: blobPath(img.config.digest),
      RepoTags: [img.reference],
      Layers: img.layers.map((l) => blobPath(l.digest)),
    },
  ];
  const files = new Map<string, Uint8Array>([
    ["oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" }))],
    ["index.json", Buffer.from(JSON.stringify(index))],
    ["manifest.json", Buffer.from(JSON.stringify(docker))],
  ]);
  for (const b of [img.manifest, img.config, ...img.layers]) files.set(blobPath(b.digest), b.data);
  return files;
}

/** Writes the image's layout to `dir`, replacing what was there. */
export async function writeLayout(dir: string, img: Image): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [path, data] of layoutFiles(img)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), data);
  }
}

/** The layout of the image as one reproducible tar (an `oci-archive` that is also a `docker-archive`). */
export function layoutArchive(img: Image, mtime: number): Promise<Buffer> {
  const entries: TarEntry[] = [...layoutFiles(img)].map(([path, data]) => ({ kind: "file", path, data }));
  return tarArchive(entries, { mtime });
}

/** Reads a JSON blob of a layout, checking its digest. */
async function readBlob(dir: string, digest: string): Promise<Uint8Array> {
  const data = await readFile(join(dir, blobPath(digest)));
  if (sha256(data) !== digest) throw new Error(`${join(dir, blobPath(digest))} does not match its digest ${digest}`);
  return data;
}

/** The first image of an OCI layout: its layers and config, for an image built on it. */
export async function readBaseImage(dir: string): Promise<{ config: Record<string, unknown>; layers: Blob[] }> {
  let index: { manifests?: Descriptor[] };
  try {
    index = JSON.parse(await readFile(join(dir, "index.json"), "utf8")) as typeof index;
  } catch (e) {
    throw new Error(`--oci-base=${dir}: not an OCI image layout (${e instanceof Error ? e.message : String(e)})`);
  }
  const first = index.manifests?.[0];
  if (first === undefined) throw new Error(`--oci-base=${dir}: its index.json lists no image`);
  if (first.mediaType !== MEDIA.manifest)
    throw new Error(
      `--oci-base=${dir}: its first entry is a ${first.mediaType}, not an image manifest: copy one platform`,
    );
  const manifest = JSON.parse(Buffer.from(await readBlob(dir, first.digest)).toString("utf8")) as {
    config: Descriptor;
    layers: Descriptor[];
  };
  const config = JSON.parse(Buffer.from(await readBlob(dir, manifest.config.digest)).toString("utf8")) as Record<
    string,
    unknown
  >;
  const layers: Blob[] = [];
  for (const layer of manifest.layers)
    layers.push({ mediaType: layer.mediaType, digest: layer.digest, data: await readBlob(dir, layer.digest) });
  return { config, layers };
}
