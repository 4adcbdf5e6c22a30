// A fresh `pnpm install` links the commands of the workspace packages that other workspace packages
// depend on before anything is built: pnpm warns "Failed to create bin" for a target that does not
// exist yet (one under dist/), and the command is missing until a second install. So each such bin
// target is a file the repository tracks.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const tracked = new Set(execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n"));

interface Manifest {
  readonly name: string;
  readonly bin?: string | Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}
const read = (dir: string): Manifest => JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as Manifest;
const projects = ["packages", "examples"].flatMap((parent) =>
  readdirSync(join(root, parent))
    .map((d) => `${parent}/${d}`)
    .filter((d) => existsSync(join(root, d, "package.json"))),
);
const depended = new Set(
  [".", ...projects].flatMap((d) => Object.keys({ ...read(d).dependencies, ...read(d).devDependencies })),
);

const bins = projects
  .filter((dir) => dir.startsWith("packages/") && depended.has(read(dir).name))
  .flatMap((dir) => {
    const { name, bin } = read(dir);
    const targets = typeof bin === "string" ? { [name]: bin } : (bin ?? {});
    return Object.entries(targets).map(([command, target]) => ({
      dir,
      command,
      path: posix.normalize(posix.join(dir, target)),
    }));
  });

describe("bin targets", () => {
  it("covers the mirage command", () => {
    expect(bins.map((b) => b.command)).toContain("mirage");
  });

  // The README starts the browser's network with `pnpm exec mirage-switch` in a clone: only a package the
  // root depends on has its command linked where `pnpm exec` looks, from the root and from every example.
  it("links mirage-switch at the root, where the README runs it", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(readme).toContain("pnpm exec mirage-switch --listen");
    const { devDependencies = {} } = read(".");
    expect(devDependencies).toHaveProperty(["@mirage-ts/frame-switch"]);
    expect(bins.map((b) => b.command)).toContain("mirage-switch");
  });

  it.each(bins)("$command ($path) is a tracked file", ({ path }) => {
    expect(tracked.has(path), `${path} is not in git: a fresh install cannot link it`).toBe(true);
  });
});
