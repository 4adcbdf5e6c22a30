// Each template as a user gets it: written by runCreate into a project that links the workspace
// packages (as an install would), configured and built with the built `mirage`, and run: hello logs,
// kv reads its data, network answers HTTP on its port.
import { existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { freeTcpPort, startService } from "@mirage-ts/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { buildsMs } from "../../mirage-cli/test/support/limits.js";
import { mirage, node, project, run } from "../../mirage-cli/test/support/project.js";
import { type TemplateName, runCreate } from "../src/index.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * A project of `template` named `name`, configured with `configure` (for unix unless it names a target) and
 * built; returns its directory.
 */
async function built(template: TemplateName, name: string, configure: readonly string[] = []): Promise<string> {
  const parent = await project({});
  dirs.push(parent);
  const err: string[] = [];
  const host = {
    cwd: parent,
    packageManager: "npm",
    interactive: false,
    out: () => {},
    err: (t: string) => void err.push(t),
  } as const;
  expect(await runCreate([name, "-t", template], { ...host, ask: async () => "" }), err.join("")).toBe(0);
  // The project's own node_modules would come from `npm install`; here the parent's links serve.
  const dir = join(parent, name);
  const target = configure.includes("-t") ? [] : ["-t", "unix"];
  const configured = await mirage(dir, ["configure", ...target, ...configure]);
  expect(configured.code, configured.stderr).toBe(0);
  const build = await mirage(dir, ["build", "-q"]);
  expect(build.code, build.stderr + build.stdout).toBe(0);
  return dir;
}

describe("the templates configure, build and run", () => {
  it("hello logs hello four times", { timeout: buildsMs(1) }, async () => {
    const dir = await built("hello", "greeter");
    const ran = await node(dir, ["dist/greeter.mjs"]);
    expect(ran.code, ran.stderr).toBe(0);
    expect((ran.stdout + ran.stderr).match(/\[INFO\] \[greeter\] hello$/gm)).toHaveLength(4);
  });

  it("kv logs its data/greeting.txt, crunched into the bundle", { timeout: buildsMs(1) }, async () => {
    const dir = await built("kv", "store");
    rmSync(join(dir, "data"), { recursive: true });
    const ran = await node(dir, ["dist/store.mjs"]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout + ran.stderr).toContain("[INFO] [store] Hello from a read-only key-value store!");
  });

  it("hello builds for a page as its README says: dist/index.html and one bundle", {
    timeout: buildsMs(1),
  }, async () => {
    const dir = await built("hello", "page", ["-t", "browser"]);
    expect(existsSync(join(dir, "dist", "index.html"))).toBe(true);
  });

  it("network builds for the simulation and, alone, ends the same way for its seed", {
    timeout: buildsMs(1),
  }, async () => {
    const dir = await built("network", "simweb", ["-t", "sim", "--no-dhcp"]);
    const seeded = () => run(process.execPath, ["dist/simweb.mjs"], { cwd: dir, env: { MIRAGE_SIM_SEED: "3" } });
    const first = await seeded();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain("[simweb] serving HTTP on port 8080");
    expect(first.stderr).toMatch(/simulation ended at \d+ ms \(seed 3\): nothing left to happen/u);
    expect((await seeded()).stderr).toBe(first.stderr);
  });

  it("network answers HTTP on --port over the host's sockets", { timeout: buildsMs(1) }, async () => {
    const dir = await built("network", "web", ["--net=socket"]);
    const port = await freeTcpPort();
    const service = startService(process.execPath, ["dist/web.mjs", `--port=${port}`], { cwd: dir });
    try {
      await service.waitFor(/serving HTTP on port \d+/);
      const response = await fetch(`http://127.0.0.1:${port}/hi`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("Hello from web, a mirage-ts unikernel! You asked for /hi\n");
      const refused = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "x" });
      expect(refused.status).toBe(405);
      expect(refused.headers.get("allow")).toBe("GET, HEAD");
      await service.waitFor(/"POST \/ HTTP\/1.1" 405/);
    } finally {
      await service.stop();
    }
    // A port already in use ends the unikernel before it says it serves.
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, resolve));
    try {
      const taken = await run(process.execPath, ["dist/web.mjs", `--port=${port}`], { cwd: dir });
      expect(taken.code, taken.stderr).toBe(255);
      expect(taken.stderr).not.toContain("serving HTTP");
    } finally {
      holder.close();
    }
  });
});
