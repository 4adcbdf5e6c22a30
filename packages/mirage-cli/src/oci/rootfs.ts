/**
 * The root file system of an image without a base: the local Node binary and the shared libraries
 * that `ldd` says it loads, an `/etc/passwd` naming the unprivileged user, an empty `/tmp`, and
 * the unikernel's program, bundle and source map under `/app/dist`. Nothing else: no shell, no
 * package manager, which keeps the image small and leaves an attacker little to run.
 *
 * @packageDocumentation
 */

import { execFile } from "node:child_process";
import { readFile, realpath } from "node:fs/promises";
import { basename } from "node:path";
import { promisify } from "node:util";
import type { TarEntry } from "./tar.js";

/** The numeric user and group the unikernel runs as (distroless' `nonroot`). */
export const IMAGE_UID = 65532;

/** Where Node goes in the image. */
export const IMAGE_NODE = "/usr/local/bin/node";

/** Where the bundle goes in the image: the working directory. */
export const IMAGE_APP = "/app";

/**
 * The libraries of an `ldd` report: the absolute paths after `=>`, and the loader, which ldd
 * names alone. The kernel's vDSO (no path) is not a file.
 *
 * @throws `Error` quoting a library ldd could not find.
 */
export function parseLdd(report: string): string[] {
  const paths: string[] = [];
  for (const raw of report.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("linux-vdso") || line.startsWith("statically linked")) continue;
    if (line.includes("=> not found")) throw new Error(`ldd: ${line}: install the library, or give a base image`);
    const m = /=>\s*(\/\S+)/u.exec(line) ?? /^(\/\S+)\s+\(/u.exec(line);
    if (m?.[1] !== undefined) paths.push(m[1]);
  }
  return [...new Set(paths)].sort();
}

/** The shared libraries `binary` loads, from `ldd`. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  try {
    const { stdout } = await promisify(execFile)("ldd", [binary], { encoding: "utf8" });
    return parseLdd(stdout);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    // ldd says so and fails for a static binary: it needs nothing.
    if (/not a dynamic executable|statically linked/u.test(text)) return [];
    throw new Error(`cannot list the libraries of ${binary} with ldd (${text}): install ldd (libc-bin)`);
  }
}

/** Files of the unikernel to put in `/app/dist`, by file name. */
export type AppFiles = ReadonlyMap<string, Uint8Array>;

function inImage(path: string): string {
  return path.replace(/^\/+/u, "");
}

/** The files naming the unprivileged user, for programs that look their user up. */
export function userFiles(): TarEntry[] {
  const root = "root:x:0:0:root:/root:/sbin/nologin\n";
  const passwd = `${root}nonroot:x:${IMAGE_UID}:${IMAGE_UID}:nonroot:/tmp:/sbin/nologin\n`;
  const group = `root:x:0:\nnonroot:x:${IMAGE_UID}:\n`;
  return [
    { kind: "file", path: "etc/passwd", data: Buffer.from(passwd) },
    { kind: "file", path: "etc/group", data: Buffer.from(group) },
    // Sticky and world-writable, as /tmp is; a read-only root mounts a tmpfs over it.
    { kind: "directory", path: "tmp", mode: 0o1777 },
  ];
}

/** The unikernel's files under `/app/dist`. */
export function appEntries(files: AppFiles): TarEntry[] {
  return [...files].map(([name, data]) => ({
    kind: "file",
    path: `${inImage(IMAGE_APP)}/dist/${basename(name)}`,
    data,
    mode: name.endsWith(".mjs") && !name.endsWith(".app.mjs") ? 0o755 : 0o644,
  }));
}

/** The file at `path` on the host, at the same path in the image: a library, or a native addon. */
async function hostFile(path: string): Promise<TarEntry> {
  return { kind: "file", path: inImage(path), data: await readFile(path), mode: 0o755 };
}

/**
 * The runtime from the host: `node` (the real file behind `nodeBinary`) at {@link IMAGE_NODE}, and
 * each library that ldd says node or one of the native `addons` loads, once, at the path ldd gives
 * (the loader looks there), with the contents of the file it links to. The addons themselves are
 * {@link addonEntries}.
 */
export async function hostNodeEntries(nodeBinary: string, addons: readonly string[] = []): Promise<TarEntry[]> {
  const node = await realpath(nodeBinary);
  const entries: TarEntry[] = [{ kind: "file", path: inImage(IMAGE_NODE), data: await readFile(node), mode: 0o755 }];
  const libraries = new Set<string>();
  for (const binary of [node, ...addons]) for (const library of await sharedLibraries(binary)) libraries.add(library);
  for (const library of [...libraries].sort()) entries.push(await hostFile(library));
  return entries;
}

/**
 * The native addons a bundle loads (`dlopen`ed by Node), each at its host path: the bundle names
 * them by the absolute path of their package (see `internal/module-urls.ts`).
 */
export function addonEntries(addons: readonly string[]): Promise<TarEntry[]> {
  return Promise.all(addons.map(hostFile));
}
