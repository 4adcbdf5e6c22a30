// `npm create @mirage-ts` and `pnpm create @mirage-ts` from the registry, in folders outside the
// workspace: the network template is installed, configured on the host's sockets (so that it answers on
// loopback; the direct stack over a tap is the getting-started test's), built, started, and asked.
// `yarn create @mirage-ts` writes the same project (yarn itself is not installed here: npm fetches it).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeTcpPort, startService } from "@mirage-ts/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { type Published, remove, run } from "../consumers/harness.js";

/** The suite, on the packages `published()` gives once the registry is up. */
export function createdProjects(published: () => Published): void {
  describe("a project made with create, from the registry", () => {
    const dirs: string[] = [];
    afterAll(() => dirs.forEach(remove));

    it.each(["npm", "pnpm"] as const)(
      "%s create @mirage-ts@<snapshot> app, install, configure, build: the bundle answers on its port",
      async (pm) => {
        const p = published();
        const parent = mkdtempSync(join(tmpdir(), `mirage-${pm}-create-`));
        dirs.push(parent);
        const version = p.versions.get("@mirage-ts/create");
        // npm hands what follows `--` to the command; pnpm hands everything.
        const extra = pm === "npm" ? ["--", "--template", "network"] : ["--template", "network"];
        const created = run(p, parent, pm, ["create", `@mirage-ts@${version}`, "app", ...extra]);
        expect(created).toContain(`Next:\n  cd app\n  ${pm} install\n`);
        const app = join(parent, "app");
        const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
        for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }))
          expect(range, name).toBe(`^${p.versions.get(name)}`);

        run(p, app, pm, ["install"]);
        const exec = pm === "npm" ? ["npx"] : ["pnpm", "exec"];
        const mirage = (...args: string[]) => run(p, app, exec[0]!, [...exec.slice(1), "mirage", ...args]);
        mirage("configure", "-t", "unix", "--net=socket");
        expect(mirage("build")).toContain("dist/app.mjs");

        const port = await freeTcpPort();
        const service = startService(process.execPath, ["dist/app.mjs", `--port=${port}`], { cwd: app });
        try {
          await service.waitFor(/serving HTTP on port \d+/);
          const response = await fetch(`http://127.0.0.1:${port}/from-${pm}`);
          expect(await response.text()).toBe(`Hello from app, a mirage-ts unikernel! You asked for /from-${pm}\n`);
        } finally {
          await service.stop();
        }
      },
      600_000,
    );

    it("yarn create @mirage-ts app (yarn 1, fetched through npm exec) writes the project", () => {
      const p = published();
      const parent = mkdtempSync(join(tmpdir(), "mirage-yarn-create-"));
      dirs.push(parent);
      const created = run(p, parent, "npm", [
        "exec",
        "--yes",
        "yarn@1.22.22",
        "--",
        "create",
        "@mirage-ts",
        "app",
        "-t",
        "kv",
      ]);
      expect(created).toContain("Next:\n  cd app\n  yarn\n  yarn run configure\n");
      const manifest = JSON.parse(readFileSync(join(parent, "app", "package.json"), "utf8"));
      expect(manifest.devDependencies).toEqual({
        "@mirage-ts/mirage-cli": `^${p.versions.get("@mirage-ts/mirage-cli")}`,
      });
      expect(readFileSync(join(parent, "app", "data", "greeting.txt"), "utf8")).toContain("Hello");
    }, 300_000);
  });
}
