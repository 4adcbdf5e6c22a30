// Fresh npm projects outside the workspace with packages installed from the test registry (Verdaccio,
// see ../registry/), so the consumer tests see exactly what a downstream user installs.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Registry } from "../registry/verdaccio.js";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

/** The registry and the versions of the packages published to it, once the suite's beforeAll has run. */
export interface Published {
  readonly registry: Registry;
  readonly versions: ReadonlyMap<string, string>;
}

/** `@mirage-ts/<dir>@<published version>`. */
export function spec(published: Published, dir: string): string {
  const name = `@mirage-ts/${dir}`;
  const version = published.versions.get(name);
  if (version === undefined) throw new Error(`${name} was not published`);
  return `${name}@${version}`;
}

/**
 * A fresh ESM project (strict tsconfig) with `files`, and `packages` installed with npm: our packages by
 * directory name (`mirage-types`) at their published version, others as full specs (`@types/node@20`);
 * `types` are the type packages the compiler loads (none: no Node globals).
 */
export function makeProject(
  published: Published,
  packages: readonly string[],
  files: Record<string, string>,
  { types = [] }: { readonly types?: readonly string[] } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), "mirage-consumer-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2023",
        lib: ["ES2023"],
        types,
        rootDir: "src",
        outDir: "out",
        skipLibCheck: false,
      },
      include: ["src"],
    }),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  run(published, dir, "npm", [
    "install",
    "--loglevel=error",
    ...packages.map((p) => (p.includes("@") ? p : spec(published, p))),
  ]);
  return dir;
}

/** Runs `file` (npm, npx, pnpm) in `cwd` against the registry; returns its output, throws with it. */
export function run(published: Published, cwd: string, file: string, args: readonly string[]): string {
  try {
    return execFileSync(file, args, { cwd, env: published.registry.env, encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

/** Type-checks and compiles the project with the workspace's TypeScript; throws with tsc's output. */
export function compile(project: string): void {
  try {
    execFileSync(process.execPath, [tsc, "-p", project], { stdio: "pipe", encoding: "utf8" });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc failed in ${project}:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

/** The `@mirage-ts/*` packages installed in a project's node_modules. */
export function installedMirage(project: string): string[] {
  return readdirSync(join(project, "node_modules", "@mirage-ts")).sort();
}

export function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
