/**
 * Reproducible tar archives: the same entries give the same bytes. Entries are sorted by path,
 * and every header has the same time, owner and group, so that nothing of the machine or the
 * moment of the build reaches an image layer.
 *
 * @packageDocumentation
 */

import { pack } from "tar-stream";

/**
 * One entry of an archive: a directory, a file with its contents, or a symbolic link.
 *
 * @beta
 */
export type TarEntry =
  | { readonly kind: "directory"; readonly path: string; readonly mode?: number }
  | { readonly kind: "file"; readonly path: string; readonly data: Uint8Array; readonly mode?: number }
  | { readonly kind: "symlink"; readonly path: string; readonly target: string };

/** Where tar records what: the time of every entry (seconds since the epoch), owner 0:0. */
export interface TarStamp {
  /** Seconds since the epoch (`SOURCE_DATE_EPOCH`, or 0). */
  readonly mtime: number;
}

function byPath(a: TarEntry, b: TarEntry): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * The entries with every parent directory of each path added (mode 0755), without duplicates,
 * sorted by path: a layer that names `usr/bin/node` also holds `usr/` and `usr/bin/`.
 *
 * @throws `Error` naming a path given twice.
 */
export function withParents(entries: readonly TarEntry[]): TarEntry[] {
  const byName = new Map<string, TarEntry>();
  for (const entry of entries) {
    const path = entry.path.replace(/\/+$/u, "");
    if (byName.has(path) && byName.get(path)?.kind !== "directory") throw new Error(`the archive names ${path} twice`);
    byName.set(path, { ...entry, path });
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      if (!byName.has(parent)) byName.set(parent, { kind: "directory", path: parent });
    }
  }
  return [...byName.values()].sort(byPath);
}

/**
 * A tar archive (POSIX ustar, PAX headers for long names) of `entries` with their parents,
 * sorted, owned by 0:0, all with the time `stamp.mtime`.
 */
export async function tarArchive(entries: readonly TarEntry[], stamp: TarStamp): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on("data", (chunk: unknown) => void chunks.push(Buffer.from(chunk as Uint8Array)));
  const done = new Promise<void>((resolve, reject) => {
    archive.on("end", resolve);
    archive.on("error", reject);
  });
  const common = { uid: 0, gid: 0, uname: "", gname: "", mtime: new Date(stamp.mtime * 1000) };
  for (const entry of withParents(entries)) {
    if (entry.kind === "directory") {
      archive.entry({ ...common, name: `${entry.path}/`, type: "directory", mode: entry.mode ?? 0o755 });
    } else if (entry.kind === "symlink") {
      archive.entry({ ...common, name: entry.path, type: "symlink", linkname: entry.target, mode: 0o777 });
    } else {
      archive.entry({ ...common, name: entry.path, type: "file", mode: entry.mode ?? 0o644 }, Buffer.from(entry.data));
    }
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
