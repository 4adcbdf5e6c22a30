// The namespace harness itself: a namespace with a veth to another carries a ping and runs a peer
// daemon, and removing it leaves nothing; a test that fails, exits its process or is killed without removing
// its namespaces leaves nothing either (checked in `ip netns list`, the links, and the pids).
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeRequiring, missingNamespaces } from "../src/index.js";
import { Namespace, interfaceName, startDnsmasq } from "../src/netns.js";

const fixtures = join(import.meta.dirname, "fixtures", "netns");
const vitestBin = join(createRequire(import.meta.url).resolve("vitest/package.json"), "..", "vitest.mjs");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every interface name in this namespace and in every named one. */
function allLinks(): string {
  return execFileSync("ip", ["-all", "netns", "exec", "ip", "-o", "link", "show"], { encoding: "utf8" }).concat(
    execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" }),
  );
}

const netnsList = (): string => execFileSync("ip", ["netns", "list"], { encoding: "utf8" });

describeRequiring(missingNamespaces("ping", "dnsmasq", "ss"), "the namespace harness", { timeout: 180_000 }, () => {
  let out = "";
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "netns-harness-"));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it("links two namespaces by a veth, runs a daemon in one, and removes everything", async () => {
    const a = Namespace.create("ts-harness");
    // Removed with `a`.
    const b = a.peer();
    const [link, peer] = [interfaceName("tsa"), interfaceName("tsb")];
    try {
      a.veth(link, b, peer);
      a.configure(link, ["10.55.0.1/24"]);
      b.configure(peer, ["10.55.0.2/24"]);
      expect(a.exec("ping", ["-c", "1", "-W", "5", "10.55.0.2"])).toMatch(/1 received/);
      const ran = await b.run("cat", [], { input: "through stdin" });
      expect([ran.code, ran.stdout.toString()]).toEqual([0, "through stdin"]);
      expect((await b.run("false", [])).code).toBe(1);
      const dnsmasq = await startDnsmasq(b, peer, "10.55.0.50,10.55.0.60,255.255.255.0,1h");
      expect(b.exec("ss", ["-Hlnu", "sport = :67"])).toContain(":67");
      expect(netnsList()).toContain(a.name);
      await a.remove();
      expect(dnsmasq.child.exitCode ?? dnsmasq.child.signalCode).not.toBeNull();
      expect(netnsList()).not.toContain(a.name);
      expect(netnsList()).not.toContain(b.name);
      expect(allLinks()).not.toContain(link);
      expect(allLinks()).not.toContain(peer);
    } finally {
      await a.remove();
      await b.remove();
    }
  });

  const modes = { fail: "fails", exit: "exits its process", kill: "is killed (SIGKILL)" } as const;
  for (const [mode, what] of Object.entries(modes)) {
    it(`leaves nothing behind when a test ${what} without removing`, async () => {
      const report = join(out, `report-${mode}.json`);
      const code = await new Promise<number>((resolve) => {
        const args = [vitestBin, "run", "--config", join(fixtures, "vitest.config.ts")];
        const env = { ...process.env, NETNS_REPORT: report, MODE: mode };
        execFile(process.execPath, args, { env, cwd: fixtures, timeout: 150_000 }, (error) =>
          resolve(error === null ? 0 : typeof error.code === "number" ? error.code : -1),
        );
      });
      expect(code).not.toBe(0);
      const made = JSON.parse(await readFile(report, "utf8")) as {
        namespaces: string[];
        links: string[];
        pids: number[];
      };
      expect(made.namespaces).toHaveLength(2);
      // Removed as the process ends, or by the reaper just after: not at once.
      for (const name of made.namespaces) await expect.poll(netnsList).not.toContain(name);
      for (const link of made.links) await expect.poll(allLinks).not.toContain(link);
      for (const pid of made.pids) await expect.poll(() => alive(pid), { message: `pid ${pid}` }).toBe(false);
    });
  }
});
