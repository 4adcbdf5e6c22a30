// Consumer (c): a unikernel author installs mirage-cli and the packages its unikernel uses from
// the registry, then `mirage configure` and `mirage build` the hello example, and the bundle runs.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Published, installedMirage, makeProject, remove, root } from "./harness.js";

/** The suite, on the packages `published()` gives once the registry is up. */
export function mirageCli(published: () => Published): void {
  describe("consumer (c): mirage-cli from the registry", () => {
    const projects: string[] = [];
    afterAll(() => projects.forEach(remove));

    it("configures, builds and runs the hello example", () => {
      const needed = ["mirage-types", "cmdliner", "mirage-runtime", "mirage-unix", "functoria", "mirage-cli"];
      // esbuild and typescript (mirage-cli's own dependencies) come through the registry's uplink.
      const project = makeProject(published(), ["mirage-types", "mirage-runtime", "mirage-unix", "mirage-cli"], {});
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
}
