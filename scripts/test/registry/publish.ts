// Publishes every public package of the workspace to a test registry, as a release would: on a
// scratch copy of the workspace (never the repository itself), `changeset version --snapshot` gives
// each package a snapshot version, and `pnpm publish` packs it (rewriting `workspace:^` ranges to
// those versions) and uploads it.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { root } from "../consumers/harness.js";
import type { Registry } from "./verdaccio.js";

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;

/** The public packages' directories under packages/. */
export function publicPackages(): string[] {
  return readdirSync(join(root, "packages"))
    .map((d) => join(root, "packages", d))
    .filter((d) => existsSync(join(d, "package.json")) && manifest(d).private !== true);
}

// Build output and installs are not part of a package's sources; dist/ is (it is what is published).
const SKIP = new Set(["node_modules", ".turbo", "temp", "build"]);

/**
 * Links each copied package's `workspace:` dependencies in its node_modules, as `pnpm install` would:
 * `pnpm publish` reads their versions there. Copied packages link to their copies, the private ones
 * (test-support) to the workspace.
 */
function linkWorkspaceDependencies(scratch: string): void {
  const packages = join(scratch, "packages");
  const dirByName = new Map(
    readdirSync(join(root, "packages")).map((d) => [manifest(join(root, "packages", d)).name, d]),
  );
  for (const dir of readdirSync(packages)) {
    const { dependencies = {}, devDependencies = {} } = manifest(join(packages, dir));
    for (const [name, range] of Object.entries({ ...dependencies, ...devDependencies })) {
      const target = dirByName.get(name);
      if (!range.startsWith("workspace:") || target === undefined) continue;
      const copy = join(packages, target);
      const link = join(packages, dir, "node_modules", name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(existsSync(copy) ? copy : join(root, "packages", target), link, "dir");
    }
  }
}

/**
 * Builds the packages (incrementally), copies the workspace to `scratch`, versions every public
 * package as a snapshot tagged `tag`, and publishes them to `registry`. Returns the versions by name.
 */
export function publishSnapshot(registry: Registry, scratch: string, tag: string): ReadonlyMap<string, string> {
  execFileSync(process.execPath, [join(root, "node_modules", "typescript-7", "bin", "tsc"), "-b", root], {
    stdio: "pipe",
  });
  mkdirSync(scratch, { recursive: true });
  for (const file of ["package.json", "pnpm-workspace.yaml", ".changeset"])
    cpSync(join(root, file), join(scratch, file), { recursive: true });
  const dirs = publicPackages();
  for (const dir of dirs)
    cpSync(dir, join(scratch, "packages", basename(dir)), {
      recursive: true,
      filter: (source) => !SKIP.has(basename(source)),
    });
  linkWorkspaceDependencies(scratch);
  // Every package gets a snapshot, whether or not a pending changeset names it.
  const names = dirs.map((d) => manifest(d).name);
  writeFileSync(
    join(scratch, ".changeset", "registry-test-snapshot.md"),
    `---\n${names.map((n) => `"${n}": patch\n`).join("")}---\n\nRegistry test snapshot.\n`,
  );
  const changeset = join(root, "node_modules", ".bin", "changeset");
  execFileSync(changeset, ["version", "--snapshot", tag], { cwd: scratch, stdio: "pipe", env: registry.env });
  const versions = new Map<string, string>();
  for (const dir of dirs) {
    const copy = join(scratch, "packages", basename(dir));
    const { name, version } = manifest(copy);
    // Tagged latest, as a release is, so that `npm create @mirage-ts` with no version (the guide's
    // words) finds it; npm would otherwise refuse a prerelease without a tag.
    try {
      execFileSync(
        "pnpm",
        ["publish", "--no-git-checks", "--ignore-scripts", "--tag", "latest", "--registry", registry.url],
        {
          cwd: copy,
          stdio: "pipe",
          env: registry.env,
        },
      );
    } catch (error) {
      const e = error as { stderr?: Buffer; stdout?: Buffer };
      throw new Error(`pnpm publish of ${name}@${version} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
    versions.set(name, version);
  }
  return versions;
}
