// `pnpm bench:http`: HTTP requests per second from wrk, in a network namespace, to the static-website
// example on the direct stack over the native tap, next to the same unikernel on the host socket
// stack (`--net=socket`, run inside the namespace and reached on its loopback), as a ratio. It asserts
// nothing about speed; it exits 1 naming what is missing when it cannot run (root, wrk, the addon).
// Run from the repository root through test-support's TypeScript loader (see the root package.json).
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { missingNamespaces, missingTapAddon } from "@mirage-ts/test-support/host-checks";
import { Netns } from "../test/support/netns.js";
import { ROOT, mirage, project, removeProject } from "../test/support/project.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function build(configure: readonly string[]): Promise<string> {
  const dir = await project({});
  await cp(join(ROOT, "examples", "static-website"), dir, {
    recursive: true,
    filter: (p) => !/[/\\](?:node_modules|dist|mirage)$/u.test(p),
  });
  for (const args of [
    ["configure", "-t", "unix", ...configure],
    ["build", "-q"],
  ]) {
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

const missing = missingNamespaces("wrk", "curl") ?? missingTapAddon();
if (missing !== undefined) {
  console.error(`bench:http cannot run here: ${missing}`);
  process.exit(1);
}

const [direct, socket] = await Promise.all([build(["--net=direct", "--no-dhcp"]), build(["--net=socket"])]);
const quiet = ["-l", "*:warning"];
const results: Array<[string, number]> = [];
try {
  const ns = new Netns();
  try {
    ns.unikernel(direct, "dist/static-website.mjs", [
      `--interface=tap:${ns.tap}`,
      "--ipv4=10.99.0.2/24",
      "--port=80",
      ...quiet,
    ]);
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
