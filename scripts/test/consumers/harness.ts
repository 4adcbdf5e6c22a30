// Builds fresh npm projects outside the workspace from packed tarballs (`pnpm pack`), so the consumer
// tests see exactly what a downstream user installs from the registry.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

/** Builds (incrementally) and packs the given package directories; returns tarball paths by directory. */
export function packPackages(dirs: readonly string[], destination: string): Map<string, string> {
  const tarballs = new Map<string, string>();
  for (const dir of dirs) {
    const pkg = join(root, "packages", dir);
    execFileSync(process.execPath, [tsc, "-b", pkg], { stdio: "pipe" });
    const out = join(destination, dir);
    mkdirSync(out, { recursive: true });
    execFileSync("pnpm", ["pack", "--pack-destination", out], { cwd: pkg, stdio: "pipe" });
    const file = readdirSync(out).find((f) => f.endsWith(".tgz"));
    if (file === undefined) throw new Error(`pnpm pack produced no tarball for ${dir}`);
    tarballs.set(dir, join(out, file));
  }
  return tarballs;
}

/**
 * A fresh ESM project with the tarballs installed. Offline by default: everything of ours comes from
 * the tarballs; `offline: false` lets third-party dependencies come from the registry.
 */
export function makeProject(
  tarballs: readonly string[],
  files: Record<string, string>,
  { offline = true }: { offline?: boolean } = {},
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
        types: [],
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
  execFileSync(
    "npm",
    ["install", offline ? "--offline" : "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs],
    {
      cwd: dir,
      stdio: "pipe",
    },
  );
  return dir;
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
