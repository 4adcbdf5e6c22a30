// The `sim` target: examples configured with `-t sim`, built, and run on mirage-sim's virtual clock.
// hello's four lines, a second apart, are stamped 00:00:00 to 00:00:03 of the simulation's first day
// (virtual time, not the host's); timeout1 gives the same line for the same MIRAGE_SIM_SEED and both
// of its outcomes over a few seeds; the socket stack, which the target lacks, is refused at configure time.
// tcp-echo, built for sim from its own config.ts (its --help lists no --interface: the simulation has no
// tap), runs on a host of a test's SimWorld: a simulated
// client echoes through a lossy link, the host crashes and restarts, and the new boot echoes again;
// static-website's bundle (checked with the DOM library for TextEncoder) serves its site.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SimWorld, expectLog, expectPcap, httpGet, tcpExchange } from "@mirage-ts/mirage-sim";
import { Ipv4Addr, ppTcpError } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { buildsMs } from "./support/limits.js";
import { exampleCopy, files, mirage, node, removeProject, run } from "./support/project.js";

/** Configures and builds a copy of `name` for the sim target, then runs `check` in it. */
async function withSimExample(
  name: string,
  check: (dir: string) => Promise<void>,
  configure: readonly string[] = [],
): Promise<void> {
  const dir = await exampleCopy(name);
  try {
    const configured = await mirage(dir, ["configure", "-t", "sim", ...configure]);
    expect(configured.code, configured.stderr).toBe(0);
    const built = await mirage(dir, ["build", "-q"]);
    expect(built, built.stderr).toMatchObject({ code: 0, stderr: "" });
    await check(dir);
    expect((await mirage(dir, ["clean"])).code).toBe(0);
  } finally {
    await removeProject(dir);
  }
}

const bundle = (dir: string, name: string, seed: number) =>
  run(process.execPath, [`dist/${name}.mjs`], { cwd: dir, env: { MIRAGE_SIM_SEED: String(seed) } });

describe.concurrent("the sim target", { timeout: buildsMs(1) }, () => {
  it("runs hello on virtual time", () =>
    withSimExample("hello", async (dir) => {
      const r = await bundle(dir, "hello", 1);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.trim().split("\n")).toEqual(
        [0, 1, 2, 3].map((s) => `2026-01-01T00:00:0${s}Z: [INFO] [hello] hello`),
      );
    }));

  it("gives timeout1 the same outcome for the same seed, and both outcomes over seeds", () =>
    withSimExample("timeout1", async (dir) => {
      const outcomes = new Set<string>();
      for (let seed = 1; seed <= 6; seed++) {
        const first = await bundle(dir, "timeout1", seed);
        expect(first.code, first.stderr).toBe(0);
        expect((await bundle(dir, "timeout1", seed)).stderr).toBe(first.stderr);
        outcomes.add(first.stderr.replace(/^.*\] /u, "").trim());
      }
      expect([...outcomes].sort()).toEqual(["Cancelled", 'Returned "Heads"']);
      // A seed that is not one: the variable and its value, exit 64, no stack trace.
      const bad = await run(process.execPath, ["dist/timeout1.mjs"], { cwd: dir, env: { MIRAGE_SIM_SEED: "abc" } });
      expect(bad).toMatchObject({
        code: 64,
        stderr:
          'MIRAGE_SIM_SEED="abc": must be an integer from 0 to 4294967295 ' +
          "(the seed of the simulation; unset, it is 1)\n",
      });
    }));

  it("runs tcp-echo's bundle on a test's host through loss, a crash and a restart, the same for a seed", () =>
    withSimExample(
      "tcp-echo",
      async (dir) => {
        // Its help lists the network keys the simulation reads: no --interface (and no tap0 default),
        // the unikernel being on its simulated host's port.
        const help = await node(dir, ["dist/tcp-echo.mjs", "--help=plain"]);
        expect(help.code, help.stderr).toBe(63);
        expect(help.stdout).toContain("--ipv4=PREFIX");
        expect(help.stdout).not.toContain("--interface");
        expect(help.stdout).not.toContain("tap0");
        const app = pathToFileURL(join(dir, "dist", "tcp-echo.app.mjs")).href;
        const data = new Uint8Array(200_000).map((_, i) => (i * 13) & 0xff);
        const run = async (seed: number) => {
          const world = new SimWorld({ seed, capture: true });
          const server = await world.host("server", { ipv4: "10.0.0.1/24", stack: false, link: { loss: 0.02 } });
          const client = await world.host("client", { ipv4: "10.0.0.2/24" });
          server.boot((host) => host.runBundle((tag) => import(`${app}?${tag}`), ["--ipv4", "10.0.0.1/24"]));
          const roundTrip = async () => {
            const opened = await world.runUntil(client.stack.tcp().createConnection(Ipv4Addr.parse("10.0.0.1"), 7));
            if (!opened.ok) throw new Error(ppTcpError(opened.error));
            expect(Buffer.from(await world.runUntil(tcpExchange(opened.value, data))).equals(data)).toBe(true);
          };
          await roundTrip();
          expectLog(world.logs).toContain("[tcp-echo] echoing on port 7", { source: "server" });
          world.crash("server", { restartAfterMs: 1000 });
          await world.run(1500);
          expect(server.boots).toBe(2);
          await roundTrip();
          expect(expectLog(world.logs).toContain("[tcp-echo] echoing on port 7", { source: "server" })).toHaveLength(2);
          expectPcap(server.pcap()).toContain({ from: "10.0.0.1", srcPort: 7, tcp: { fin: true } }, { atLeast: 2 });
          expect(server.linkStats().rx.lost + server.linkStats().tx.lost).toBeGreaterThan(0);
          return world;
        };
        // The bundle's own runtime and stack draw only from the world's seed: a second run is the same.
        const [a, b] = [await run(5), await run(5)];
        expect(Buffer.from(b.get("server").pcap()).equals(a.get("server").pcap())).toBe(true);
        expect(b.logs).toEqual(a.logs);
      },
      ["--no-dhcp"],
    ));

  it("serves static-website's crunched site from its sim bundle to a simulated client through loss", () =>
    withSimExample(
      "static-website",
      async (dir) => {
        const app = pathToFileURL(join(dir, "dist", "static-website.app.mjs")).href;
        const world = new SimWorld({ seed: 9 });
        const link = { delayMs: 5, loss: 0.03 };
        const server = await world.host("server", { ipv4: "10.0.0.1/24", stack: false, link });
        const client = await world.host("client", { ipv4: "10.0.0.2/24" });
        server.boot((host) => host.runBundle((tag) => import(`${app}?${tag}`), ["--ipv4", "10.0.0.1/24"]));
        const opened = await world.runUntil(client.stack.tcp().createConnection(Ipv4Addr.parse("10.0.0.1"), 8080));
        if (!opened.ok) throw new Error(ppTcpError(opened.error));
        const response = await world.runUntil(httpGet(opened.value, "/index.html"));
        expect(response.status).toBe(200);
        expect(Buffer.from(response.body)).toEqual(await readFile(join(dir, "htdocs", "index.html")));
        expectLog(world.logs).toContain("[static-website] serving on port 8080", { source: "server" });
      },
      ["--no-dhcp"],
    ));

  it("refuses a device the target does not simulate", async () => {
    // The host's sockets: a simulation has none.
    const dir = await exampleCopy("tcp-echo");
    try {
      const before = await files(dir);
      const r = await mirage(dir, ["configure", "-t", "sim", "--net=socket"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("the socket stack is not supported on the sim target");
      expect(await files(dir)).toEqual(before);
    } finally {
      await removeProject(dir);
    }
  });
});
