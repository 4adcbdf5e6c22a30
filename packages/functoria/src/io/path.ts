/**
 * POSIX path helpers for the engine. functoria is platform neutral, so it cannot use `node:path`;
 * the tool only ever handles `/`-separated paths (mirage-cli converts at its boundary if needed).
 */

/** Normalises `.` and `..` segments and repeated slashes; keeps a leading `/` and never returns "". */
export function normalize(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(segment);
  }
  const joined = out.join("/");
  if (absolute) return `/${joined}`;
  return joined === "" ? "." : joined;
}

/** Joins segments; an absolute segment restarts the path, as with `Fpath.( // )`. */
export function join(...segments: readonly string[]): string {
  let acc = "";
  for (const segment of segments) {
    if (segment === "") continue;
    acc = segment.startsWith("/") || acc === "" ? segment : `${acc}/${segment}`;
  }
  return normalize(acc === "" ? "." : acc);
}

/** The directory part of a path (`"."` for a bare file name). */
export function dirname(path: string): string {
  const normal = normalize(path);
  const slash = normal.lastIndexOf("/");
  if (slash < 0) return ".";
  if (slash === 0) return "/";
  return normal.slice(0, slash);
}

/** The last segment of a path. */
export function basename(path: string): string {
  const normal = normalize(path);
  return normal.slice(normal.lastIndexOf("/") + 1);
}

/** Whether `prefix` is `path` itself or one of its ancestors (both absolute and normalised). */
export function isPrefix(prefix: string, path: string): boolean {
  if (prefix === path || prefix === "/") return true;
  return path.startsWith(`${prefix}/`);
}
