// `pnpm bench:dns`: DNS queries per second from dnsperf, in a network namespace, to the dns-primary
// example on the direct stack over the native tap, next to Knot DNS serving the same zone from the
// same namespace, as a ratio. It asserts nothing about speed; it exits 1 naming what is missing when it
// cannot run (root, dnsperf, knotd, the addon). Run from the repository root through test-support's
// TypeScript loader (see the root package.json).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { missingNamespaces, missingTapAddon } from "@mirage-ts/test-support/host-checks";
import { Namespace, interfaceName } from "@mirage-ts/test-support/netns";
import { ROOT, exampleCopy, mirage, removeProject } from "../test/support/project.js";
import { KERNEL, unikernel } from "../test/support/unikernel-link.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ZONE = join(ROOT, "examples", "dns-primary", "zones", "example.com.zone");
// A mix of answers: addresses, a CNAME chain, MX with additional data, NXDOMAIN, NODATA.
const QUERIES = [
  "web.example.com A",
  "web.example.com AAAA",
  "alias.example.com A",
  "example.com MX",
  "example.com TXT",
  "nope.example.com A",
  "mail.example.com AAAA",
  "x.wild.example.com A",
].join("\n");

/** Queries per second dnsperf measures against `server`:`port` from inside the namespace. */
async function dnsperf(ns: Namespace, queries: string, server: string, port: number): Promise<number> {
  const args = ["-s", server, "-p", String(port), "-d", queries, "-l", String(SECONDS), "-c", "4", "-Q", "100000"];
  const r = await ns.run("dnsperf", args, { timeoutMs: (SECONDS + 30) * 1000 });
  const out = r.stdout.toString();
  const match = /Queries per second:\s+([\d.]+)/u.exec(out);
  const lost = /Queries lost:\s+(\d+)/u.exec(out);
  if (match === null) throw new Error(`dnsperf printed no rate: ${out}${r.stderr}`);
  if (lost !== null && Number(lost[1]) > 0) console.error(`  (${server}:${port}: ${lost[1]} queries lost)`);
  return Number(match[1]);
}

/** Waits until dig gets an answer from inside the namespace. */
async function ready(ns: Namespace, server: string, port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await ns.run("dig", [
      `@${server}`,
      "-p",
      String(port),
      "+time=1",
      "+tries=1",
      "+short",
      "web.example.com",
    ]);
    if (r.code === 0 && r.stdout.toString().trim() !== "") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${server}:${port} never answered`);
}

const missing = missingNamespaces("dnsperf", "knotd", "dig") ?? missingTapAddon();
if (missing !== undefined) {
  console.error(`bench:dns cannot run here: ${missing}`);
  process.exit(1);
}

const dir = await exampleCopy("dns-primary");
for (const args of [
  ["configure", "-t", "unix", "--net=direct", "--no-dhcp"],
  ["build", "-q"],
]) {
  const r = await mirage(dir, args);
  if (r.code !== 0) throw new Error(`mirage ${args.join(" ")} failed: ${r.stderr}`);
}
const queries = join(dir, "queries.txt");
await writeFile(queries, `${QUERIES}\n`);
const knotConf = join(dir, "knot.conf");
await writeFile(
  knotConf,
  `server:\n  rundir: ${dir}\n  listen: 127.0.0.1@5353\n  background-workers: 1\n  udp-workers: 1\n` +
    `database:\n  storage: ${dir}\nzone:\n  - domain: example.com\n    file: ${ZONE}\n    storage: ${dir}\n`,
);
const results: Array<[string, number]> = [];
try {
  const ns = Namespace.create("mirage-cli");
  const tap = interfaceName("mc");
  try {
    unikernel(ns, dir, "dist/dns-primary.mjs", [`--interface=tap:${tap}`, "--ipv4=10.99.0.2/24", "--rrl=0"]);
    await ns.adopt(tap, KERNEL);
    await ready(ns, "10.99.0.2", 53);
    results.push(["dns-primary, direct stack over the tap", await dnsperf(ns, queries, "10.99.0.2", 53)]);
    ns.spawn("knotd", ["-c", knotConf]);
    await ready(ns, "127.0.0.1", 5353);
    results.push(["Knot DNS (1 UDP worker, loopback)", await dnsperf(ns, queries, "127.0.0.1", 5353)]);
  } finally {
    await ns.remove();
  }
} finally {
  await removeProject(dir);
}
const [[, ours], [, knot]] = results as [[string, number], [string, number]];
console.log(
  [
    `dns-primary vs Knot DNS, dnsperf -c4 -l${SECONDS} from the namespace ` +
      `(${QUERIES.split("\n").length} queries mixed):`,
    ...results.map(([name, rate]) => `  ${name.padEnd(40)} ${rate.toFixed(0).padStart(8)} queries/s`),
    `  dns-primary / Knot: ${(ours / knot).toFixed(2)}x`,
  ].join("\n"),
);
