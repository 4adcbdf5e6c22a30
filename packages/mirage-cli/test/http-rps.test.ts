// `pnpm bench:http`: HTTP requests per second from wrk, in a network namespace, to the static-website
// example on the direct stack over the native tap, next to the same unikernel on the host socket
// stack (`--net=socket`, run inside the namespace and reached on its loopback), as a ratio. A
// benchmark, not a test: it only runs with BENCH_HTTP=1 and asserts nothing about speed.
import { describe, it } from "vitest";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { Netns, netnsUnavailable, tapUnavailable } from "./support/netns.js";
import { ROOT, mirage, project, removeProject } from "./support/project.js";

const enabled = process.env.BENCH_HTTP === "1";
const unavailable = enabled ? (netnsUnavailable(["wrk", "curl"]) ?? tapUnavailable()) : "run it with `pnpm bench:http`";
if (unavailable !== undefined) console.warn(`[mirage-cli] SKIPPED the HTTP benchmark: ${unavailable}`);

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function build(configure: readonly string[]): Promise<string> {
  const dir = await project({});
  await cp(join(ROOT, "examples", "static-website"), dir, { recursive: true, filter: (p) => !/[/\\](?:node_modules|dist|mirage)$/u.test(p) });
  for (const args of [["configure", "-t", "unix", ...configure], ["build", "-q"]]) {
    const r = await mirage(dir, args);
    if (r.code !== 0) throw new Error(`mirage ${args.join(" ")} failed: ${r.stderr}`);
  }
  return dir;
}

/** Waits until curl gets the page from inside the namespace. */
async function ready(ns: Netns, url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await ns.exec("curl", ["-s", "-o", "/dev/null", "--max-time", "1", url])).code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} never answered`);
}

/** Requests per second wrk measures against `url` from inside the namespace. */
async function wrk(ns: Netns, url: string): Promise<number> {
  const r = await ns.exec("wrk", ["-t1", "-c10", `-d${SECONDS}s`, url], "", (SECONDS + 30) * 1000);
  const match = /Requests\/sec:\s+([\d.]+)/u.exec(r.stdout.toString());
  if (match === null) throw new Error(`wrk printed no rate: ${r.stdout.toString()}${r.stderr}`);
  return Number(match[1]);
}

describe.skipIf(unavailable !== undefined)("HTTP requests per second, direct stack vs host sockets", () => {
  it("prints both rates and their ratio", { timeout: 300_000 }, async () => {
    const [direct, socket] = await Promise.all([build(["--net=direct", "--no-dhcp"]), build(["--net=socket"])]);
    const quiet = ["-l", "*:warning"];
    const results: Array<[string, number]> = [];
    try {
      const ns = new Netns();
      try {
        ns.unikernel(direct, "dist/static-website.mjs", [`--interface=tap:${ns.tap}`, "--ipv4=10.99.0.2/24", "--port=80", ...quiet]);
        await ns.adoptTap();
        await ready(ns, "http://10.99.0.2/index.html");
        results.push(["direct stack over the native tap", await wrk(ns, "http://10.99.0.2/index.html")]);
        ns.spawnInside(process.execPath, [join(socket, "dist", "static-website.mjs"), "--port=8080", ...quiet]);
        await ready(ns, "http://127.0.0.1:8080/index.html");
        results.push(["host socket stack (--net=socket)", await wrk(ns, "http://127.0.0.1:8080/index.html")]);
      } finally {
        ns.destroy();
      }
    } finally {
      await Promise.all([direct, socket].map(removeProject));
    }
    const [[, directRate], [, socketRate]] = results as [[string, number], [string, number]];
    const lines = [
      `static-website, wrk -t1 -c10 -d${SECONDS}s from the namespace (GET /index.html):`,
      ...results.map(([name, rate]) => `  ${name.padEnd(36)} ${rate.toFixed(0).padStart(8)} req/s`),
      `  direct / socket: ${(directRate / socketRate).toFixed(2)}x`,
    ];
    console.log(lines.join("\n"));
  });
});
