// What configure prints when the unikernel's dependencies are missing: the exact command for the
// project's package manager (its lockfile up to the workspace root, else npm_config_user_agent),
// and inside a pnpm workspace the workspace way (`pnpm --filter <name> add 'x@workspace:^'`).

import { MemoryFileSystem, apply, fn, job, main, noop, pkg } from "@mirage-ts/functoria";
import { describe, expect, it } from "vitest";
import { app, runIn } from "./helpers.js";

// The test builder brings fmt (any version) and @mirage-ts/mirage-runtime ^0.1.0; the
// application adds a build-only dev-tool.
const appsAt = (config: string) => ({
  [config]: () =>
    app("own", [
      apply(
        main({
          module: "./app.js",
          name: "Main",
          type: fn(job, job),
          packages: [pkg("dev-tool", { range: "^2.0.0", build: true })],
        }),
        noop,
      ),
    ]),
});

const withDevTool = appsAt("/w/config.ts");
const lacking = JSON.stringify({ name: "mine", dependencies: { fmt: "^1.0.0" } });
const ADD = "package.json does not list every dependency of the unikernel; add them with:\n";
const INSTALL = "The dependencies of the unikernel are not installed; install them with:\n";

async function configure(
  files: Record<string, string>,
  options: { cwd?: string; config?: string; argv?: string[]; env?: Record<string, string> } = {},
) {
  const cwd = options.cwd ?? "/w";
  const fs = new MemoryFileSystem({ cwd, files: { "config.ts": "", ...files } });
  const r = await runIn(fs, ["configure", ...(options.argv ?? [])], appsAt(options.config ?? `${cwd}/config.ts`), {
    ...options.env,
  });
  expect(r.code).toBe(0);
  return { stdout: r.stdout, files: fs.snapshot().files };
}

describe("the package manager, from the nearest lockfile", () => {
  it.each([
    [
      "package-lock.json",
      "  npm install '@mirage-ts/mirage-runtime@^0.1.0'\n  npm install --save-dev 'dev-tool@^2.0.0'\n",
    ],
    ["pnpm-lock.yaml", "  pnpm add '@mirage-ts/mirage-runtime@^0.1.0'\n  pnpm add --save-dev 'dev-tool@^2.0.0'\n"],
    ["yarn.lock", "  yarn add '@mirage-ts/mirage-runtime@^0.1.0'\n  yarn add --dev 'dev-tool@^2.0.0'\n"],
    ["bun.lock", "  bun add '@mirage-ts/mirage-runtime@^0.1.0'\n  bun add --dev 'dev-tool@^2.0.0'\n"],
  ])("%s", async (lockfile, commands) => {
    const { stdout, files } = await configure({ "package.json": lacking, [lockfile]: "" });
    expect(stdout).toBe(ADD + commands);
    expect(files["/w/package.json"]).toBe(lacking);
  });

  it("looks in the parent folders, and the nearest lockfile wins", async () => {
    const here = { "/w/app/package.json": lacking, "/w/app/config.ts": "" };
    const above = await configure({ ...here, "/w/yarn.lock": "" }, { cwd: "/w/app" });
    expect(above.stdout).toContain("  yarn add '@mirage-ts/mirage-runtime@^0.1.0'\n");
    const nearest = await configure({ ...here, "/w/yarn.lock": "", "/w/app/package-lock.json": "" }, { cwd: "/w/app" });
    expect(nearest.stdout).toContain("  npm install '@mirage-ts/mirage-runtime@^0.1.0'\n");
  });

  it("without a lockfile, takes the manager running the tool, else npm", async () => {
    const agent = (ua: string) => configure({ "package.json": lacking }, { env: { npm_config_user_agent: ua } });
    expect((await agent("pnpm/10.34.8 npm/? node/v20.19.0 linux x64")).stdout).toContain("  pnpm add '@mirage");
    expect((await agent("yarn/1.22.22 npm/? node/v20.19.0 linux x64")).stdout).toContain("  yarn add '@mirage");
    expect((await agent("npm/10.8.2 node/v20.19.0 linux x64 workspaces/false")).stdout).toContain(
      "  npm install '@mirage",
    );
    expect((await configure({ "package.json": lacking })).stdout).toContain("  npm install '@mirage");
    // A lockfile is the project's own choice and wins over the tool's runner.
    const locked = await configure(
      { "package.json": lacking, "pnpm-lock.yaml": "" },
      { env: { npm_config_user_agent: "npm/10.8.2 node/v20.19.0" } },
    );
    expect(locked.stdout).toContain("  pnpm add '@mirage");
  });

  it("runs the command in the project's folder when it is not the current one", async () => {
    const { stdout } = await configure(
      { "app/package.json": lacking, "app/config.ts": "", "package-lock.json": "" },
      { argv: ["-f", "app/config.ts"], config: "/w/app/config.ts" },
    );
    expect(stdout).toBe(
      "app/package.json does not list every dependency of the unikernel; add them with:\n" +
        "  cd app && npm install '@mirage-ts/mirage-runtime@^0.1.0'\n" +
        "  cd app && npm install --save-dev 'dev-tool@^2.0.0'\n",
    );
  });
});

describe("inside a pnpm workspace", () => {
  const workspace = {
    "/r/pnpm-workspace.yaml": 'packages:\n  - "packages/*"\n  - examples/*\n  - "!examples/skipped"\n',
    "/r/pnpm-lock.yaml": "",
    "/r/package.json": JSON.stringify({ name: "root", private: true }),
    "/r/packages/mirage-runtime/package.json": JSON.stringify({ name: "@mirage-ts/mirage-runtime" }),
    "/r/packages/no-manifest/README.md": "",
    "/r/examples/skipped/package.json": JSON.stringify({ name: "dev-tool" }),
  };

  it("adds the workspace's own packages with workspace:^, through --filter", async () => {
    const { stdout } = await configure(
      { ...workspace, "/r/examples/mine/package.json": lacking, "/r/examples/mine/config.ts": "" },
      { cwd: "/r/examples/mine" },
    );
    expect(stdout).toBe(
      `${ADD}  pnpm --filter mine add '@mirage-ts/mirage-runtime@workspace:^'\n` +
        "  pnpm --filter mine add --save-dev 'dev-tool@^2.0.0'\n",
    );
  });

  it("from the workspace root with -f, and for a project without a name", async () => {
    const files = { ...workspace, "/r/examples/mine/package.json": lacking, "/r/examples/mine/config.ts": "" };
    const fromRoot = await configure(files, {
      cwd: "/r",
      argv: ["-f", "examples/mine/config.ts"],
      config: "/r/examples/mine/config.ts",
    });
    expect(fromRoot.stdout).toContain("  pnpm --filter mine add '@mirage-ts/mirage-runtime@workspace:^'\n");
    const unnamed = await configure(
      { ...workspace, "/r/examples/x/package.json": "{}", "/r/examples/x/config.ts": "" },
      { cwd: "/r/examples/x" },
    );
    expect(unnamed.stdout).toContain("  pnpm add '@mirage-ts/mirage-runtime@workspace:^' fmt\n");
  });
});

describe("dependencies listed but not installed", () => {
  it("creates package.json where there is none and says how to install", async () => {
    const { stdout, files } = await configure({ "yarn.lock": "" });
    expect(stdout).toBe(`${INSTALL}  yarn install\n`);
    expect(JSON.parse(files["/w/package.json"] ?? "")).toMatchObject({
      name: "own",
      dependencies: { "@mirage-ts/mirage-runtime": "^0.1.0", fmt: "*" },
      devDependencies: { "dev-tool": "^2.0.0" },
    });
  });

  it("says nothing once they are installed, here or in a parent's node_modules", async () => {
    const { stdout } = await configure({
      "node_modules/fmt/package.json": "{}",
      "/node_modules/@mirage-ts/mirage-runtime/package.json": "{}",
      "node_modules/dev-tool/package.json": "{}",
    });
    expect(stdout).toBe("");
  });

  it("installs the whole workspace with one pnpm install", async () => {
    const { stdout } = await configure(
      { "/r/pnpm-workspace.yaml": "packages: [examples/*]\n", "/r/examples/y/config.ts": "" },
      { cwd: "/r/examples/y" },
    );
    expect(stdout).toBe(`${INSTALL}  pnpm install\n`);
  });
});

describe("configure with the user's own package.json", () => {
  const apps = withDevTool;
  it("prints nothing when every dependency is listed, in either section", async () => {
    const own = JSON.stringify({
      dependencies: { fmt: "*", "@mirage-ts/mirage-runtime": "workspace:^" },
      devDependencies: { "dev-tool": "2" },
    });
    const installed = Object.fromEntries(
      ["fmt", "@mirage-ts/mirage-runtime", "dev-tool"].map((name) => [`node_modules/${name}/package.json`, "{}"]),
    );
    const fs = new MemoryFileSystem({ cwd: "/w", files: { "config.ts": "", "package.json": own, ...installed } });
    expect(await runIn(fs, ["configure"], apps)).toEqual({ code: 0, stdout: "", stderr: "" });
  });
});
