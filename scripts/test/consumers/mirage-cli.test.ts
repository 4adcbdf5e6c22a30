// Consumer (c): a unikernel author installs mirage-cli and the packages its unikernel uses from
// tarballs, then `mirage configure` and `mirage build` the hello example, and the bundle runs.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { installedMirage, makeProject, packPackages, remove, root } from "./harness.js";

const scratch = mkdtempSync(join(tmpdir(), "mirage-tarballs-"));
const projects: string[] = [];
afterAll(() => [scratch, ...projects].forEach(remove));

describe("consumer (c): mirage-cli from tarballs", () => {
  it("configures, builds and runs the hello example", () => {
    const needed = ["mirage-types", "mirage-runtime", "mirage-unix", "functoria", "mirage-cli"];
    const tarballs = packPackages(needed, scratch);
    // esbuild and typescript (mirage-cli's own dependencies) come from the registry or npm's cache.
    const project = makeProject([...tarballs.values()], {}, { offline: false });
    projects.push(project);
    for (const file of ["config.ts", "unikernel.ts"])
      copyFileSync(join(root, "examples", "hello", file), join(project, file));
    expect(installedMirage(project)).toEqual([...needed].sort());

    const mirage = join(project, "node_modules", ".bin", "mirage");
    // vitest sets MODE, which `mirage` reads as the default target (upstream's environment variable).
    const env: Record<string, string | undefined> = { ...process.env };
    delete env.MODE;
    const configure = spawnSync(mirage, ["configure", "-t", "unix"], { cwd: project, encoding: "utf8", env });
    expect(configure.status, configure.stderr).toBe(0);
    expect(existsSync(join(project, "mirage", "main.ts"))).toBe(true);
    const build = spawnSync(mirage, ["build"], { cwd: project, encoding: "utf8", env });
    expect(build.status, build.stderr + build.stdout).toBe(0);

    const result = spawnSync(process.execPath, [join(project, "dist", "hello.mjs")], { encoding: "utf8" });
    expect(result.status).toBe(0);
    const lines = (result.stdout + result.stderr).split("\n").filter((l) => /\[INFO\] \[hello\] hello$/.test(l));
    expect(lines).toHaveLength(4);
  }, 300_000);
});
