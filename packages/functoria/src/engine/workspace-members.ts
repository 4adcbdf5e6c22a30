/**
 * The packages of a pnpm workspace: the names in the `package.json` of each folder its
 * `pnpm-workspace.yaml` lists (`packages:` globs, `!` excluding), so that `configure` can tell a
 * dependency the workspace itself provides, which must be added as `name@workspace:^`.
 */

import { Action } from "../io/action.js";
import { join } from "../io/path.js";

// How deep `**` looks, and folders it never enters.
const MAX_DEPTH = 6;
const SKIPPED = new Set(["node_modules", ".git"]);

function segmentPattern(segment: string): RegExp {
  const escaped = segment.replace(/[.+^${}()|[\]\\]/gu, "\\$&");
  return new RegExp(`^${escaped.replaceAll("*", "[^/]*").replaceAll("?", "[^/]")}$`, "u");
}

function subdirectories(dir: string): Action<string[]> {
  return Action.gen(function* () {
    const found: string[] = [];
    for (const name of yield* Action.ls(dir)) {
      if (SKIPPED.has(name) || name.startsWith(".")) continue;
      if (yield* Action.isDir(join(dir, name))) found.push(name);
    }
    return found;
  });
}

/** The folders under `dir` matching the glob segments `segments`. */
function expand(dir: string, segments: readonly string[], depth = 0): Action<string[]> {
  return Action.gen(function* () {
    const [head, ...rest] = segments;
    if (head === undefined) return [dir];
    if (!(yield* Action.isDir(dir))) return [];
    if (head === "**") {
      const here = yield* expand(dir, rest, depth);
      if (depth >= MAX_DEPTH) return here;
      for (const name of yield* subdirectories(dir))
        here.push(...(yield* expand(join(dir, name), segments, depth + 1)));
      return here;
    }
    if (!/[*?]/u.test(head)) return yield* expand(join(dir, head), rest, depth);
    const pattern = segmentPattern(head);
    const found: string[] = [];
    for (const name of yield* subdirectories(dir))
      if (pattern.test(name)) found.push(...(yield* expand(join(dir, name), rest, depth + 1)));
    return found;
  });
}

/**
 * The `packages` globs of a `pnpm-workspace.yaml`. The YAML parser is loaded here, on demand: it
 * takes longer to load than the rest of the tool, which seldom needs it.
 */
export async function workspaceGlobs(text: string): Promise<string[]> {
  const { parse } = await import("yaml");
  try {
    const parsed = parse(text) as { packages?: unknown } | null;
    const list = parsed?.packages;
    return Array.isArray(list) ? list.filter((p): p is string => typeof p === "string") : [];
  } catch {
    return [];
  }
}

function nameOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { name?: unknown } | null;
    return typeof parsed?.name === "string" ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The package names of the pnpm workspace whose root is `root`, with the `packages` globs of its
 * `pnpm-workspace.yaml`, the root's own included.
 */
export function workspaceMembers(root: string, globs: readonly string[]): Action<Set<string>> {
  return Action.gen(function* () {
    const split = (glob: string): string[] => glob.split("/").filter((s) => s !== "" && s !== ".");
    const excluded = new Set<string>();
    for (const glob of globs.filter((g) => g.startsWith("!")))
      for (const dir of yield* expand(root, split(glob.slice(1)))) excluded.add(dir);
    const names = new Set<string>();
    const dirs = [root];
    for (const glob of globs.filter((g) => !g.startsWith("!"))) dirs.push(...(yield* expand(root, split(glob))));
    for (const dir of dirs) {
      const file = join(dir, "package.json");
      if (excluded.has(dir) || !(yield* Action.isFile(file))) continue;
      const name = nameOf(yield* Action.readFile(file));
      if (name !== undefined) names.add(name);
    }
    return names;
  });
}
