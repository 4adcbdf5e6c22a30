// In a pnpm workspace, configure prints the workspace way of adding what a unikernel lacks
// (`pnpm --filter <name> add '<package>@workspace:^'`); running the printed commands as written
// must add and link the packages, after which configure has nothing more to say.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itRequiring, missingTools } from "@mirage-ts/test-support";
import { afterAll, describe, expect } from "vitest";
import { buildsMs } from "./support/limits.js";
import { helloFiles, mirage, run } from "./support/project.js";
import { versionOf } from "./support/versions.js";

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

// The packages hello needs, as stand-ins in the scratch workspace (their names and versions matter).
const PACKAGES = ["mirage-cli", "mirage-runtime", "mirage-types", "mirage-unix"];

async function scratchWorkspace(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "mirage-ws-"));
  made.push(root);
  const write = async (path: string, contents: string): Promise<void> => {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), contents);
  };
  await write("pnpm-workspace.yaml", 'packages:\n  - "packages/*"\n  - app\n');
  await write("package.json", JSON.stringify({ name: "scratch", private: true }));
  for (const name of PACKAGES)
    await write(
      `packages/${name}/package.json`,
      JSON.stringify({ name: `@mirage-ts/${name}`, version: versionOf(name) }),
    );
  await write("app/package.json", JSON.stringify({ name: "app", private: true, type: "module" }));
  for (const [file, contents] of Object.entries(helloFiles())) await write(`app/${file}`, contents);
  return root;
}

describe("configure inside a pnpm workspace", { timeout: buildsMs(1) }, () => {
  itRequiring(missingTools("pnpm"), "prints pnpm --filter commands that add the workspace's packages", {}, async () => {
    const root = await scratchWorkspace();
    const app = join(root, "app");
    const env = { npm_config_user_agent: "npm/10.8.2 node/v20.19.0" };
    const first = await mirage(app, ["configure"], env);
    expect(first.code).toBe(0);
    const commands = first.stdout.split("\n").filter((line) => line.startsWith("  "));
    expect(first.stdout).toContain("package.json does not list every dependency of the unikernel; add them with:\n");
    expect(commands).toEqual([
      "  pnpm --filter app add '@mirage-ts/mirage-runtime@workspace:^' '@mirage-ts/mirage-types@workspace:^' " +
        "'@mirage-ts/mirage-unix@workspace:^'",
      "  pnpm --filter app add --save-dev '@mirage-ts/mirage-cli@workspace:^'",
    ]);
    for (const command of commands) {
      const ran = await run("sh", ["-c", `${command.trim()} --offline`], { cwd: app });
      expect(ran.code, ran.stderr + ran.stdout).toBe(0);
    }
    const pkg = JSON.parse(await readFile(join(app, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg).toMatchObject({
      dependencies: {
        "@mirage-ts/mirage-runtime": "workspace:^",
        "@mirage-ts/mirage-types": "workspace:^",
        "@mirage-ts/mirage-unix": "workspace:^",
      },
      devDependencies: { "@mirage-ts/mirage-cli": "workspace:^" },
    });
    expect(await mirage(app, ["configure"], env)).toEqual({
      code: 0,
      stdout: "Successfully configured the unikernel. Now run 'mirage build'.\n",
      stderr: "",
    });
  });
});
