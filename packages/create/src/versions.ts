/**
 * The version ranges a new project depends on: the ones this package was published with. The
 * `@mirage-ts` packages are this package's devDependencies (never installed by `npm create`), which
 * `pnpm publish` rewrites from `workspace:^` to `^<version>` of each package at publication, so a
 * published `@mirage-ts/create` names the versions released with it. In the workspace, the ranges
 * are still `workspace:^` and resolve to the sibling packages' versions.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

interface Manifest {
  readonly version?: string;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

const readManifest = (path: string): Manifest => JSON.parse(readFileSync(path, "utf8")) as Manifest;

/**
 * The range of each `@mirage-ts` package in the manifest at `manifestPath` (this package's own by
 * default), `workspace:` ranges resolved to the installed sibling's version.
 *
 * @beta
 */
export function templateVersions(
  manifestPath: string = fileURLToPath(new URL("../package.json", import.meta.url)),
): ReadonlyMap<string, string> {
  const require = createRequire(manifestPath);
  const ranges = new Map<string, string>();
  for (const [name, range] of Object.entries(readManifest(manifestPath).devDependencies ?? {})) {
    if (!name.startsWith("@mirage-ts/") || name === "@mirage-ts/test-support") continue;
    ranges.set(
      name,
      resolveRange(range, () => readManifest(require.resolve(`${name}/package.json`)).version),
    );
  }
  return ranges;
}

/** `range` itself, or for `workspace:^` / `workspace:~` / `workspace:*` the installed version with that operator. */
function resolveRange(range: string, installed: () => string | undefined): string {
  if (!range.startsWith("workspace:")) return range;
  const version = installed();
  if (version === undefined) throw new Error(`cannot resolve ${range}: the workspace package has no version`);
  const operator = range.slice("workspace:".length);
  return operator === "*" ? version : operator === "^" || operator === "~" ? `${operator}${version}` : operator;
}
