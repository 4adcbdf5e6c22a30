// `pnpm bench:http`: HTTP requests per second from wrk, in a network namespace, to the static-website
// example on the direct stack over the native tap, next to the same unikernel on the host socket
// stack (`--net=socket`, run inside the namespace and reached on its loopback), as a ratio; then the
// same two ways for static-website-tls: HTTP/2 requests per second from h2load (TLS, ALPN h2) and new
// HTTPS handshakes per second from `openssl s_time -new`. It asserts nothing about speed; it exits 1
// naming what is missing when it cannot run (root, wrk, h2load, openssl, the addon). wrk runs
// -t2 -c100 (WRK_LOAD overrides it); BENCH_TLS=0 measures static-website alone.
// Run from the repository root through test-support's TypeScript loader (see the root package.json).
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { missingNamespaces, missingTapAddon } from "@mirage-ts/test-support/host-checks";
import { Namespace, interfaceName } from "@mirage-ts/test-support/netns";
import { makePki } from "@mirage-ts/test-support/pki";
import { ROOT, exampleCopy, mirage, project, removeProject } from "../test/support/project.js";
import { KERNEL, unikernel } from "../test/support/unikernel-link.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** `BENCH_TLS=0` measures static-website alone. */
const WITH_TLS = process.env.BENCH_TLS !== "0";
/** wrk's threads and connections: the load issue 19 measures (`WRK_LOAD="-t1 -c10"` for a lighter one). */
const WRK_LOAD = (process.env.WRK_LOAD ?? "-t2 -c100").split(" ").filter((arg) => arg !== "");

async function build(configure: readonly string[]): Promise<string> {
  const dir = await project({});
  await cp(join(ROOT, "examples", "static-website"), dir, {
    recursive: true,
    filter: (p) => !/[/\\](?:node_modules|dist|mirage)$/u.test(p),
  });
  return configureAndBuild(dir, configure);
}

async function configureAndBuild(dir: string, configure: readonly string[]): Promise<string> {
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
async function ready(ns: Namespace, url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await ns.run("curl", ["-s", "-o", "/dev/null", "--max-time", "1", url])).code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} never answered`);
}

/** Requests per second wrk measures against `url` from inside the namespace. */
async function wrk(ns: Namespace, url: string): Promise<number> {
  const r = await ns.run("wrk", [...WRK_LOAD, `-d${SECONDS}s`, url], { timeoutMs: (SECONDS + 30) * 1000 });
  const match = /Requests\/sec:\s+([\d.]+)/u.exec(r.stdout.toString());
  if (match === null) throw new Error(`wrk printed no rate: ${r.stdout.toString()}${r.stderr}`);
  return Number(match[1]);
}

/**
 * A copy of static-website-tls with the certificate of `pki`, built with `configure`; the site and
 * the certificate are crunched into the bundle, so it runs from any folder.
 */
async function buildTls(pki: ReturnType<typeof makePki>, configure: readonly string[]): Promise<string> {
  const dir = await exampleCopy("static-website-tls", { "tls/server.pem": pki.certPem, "tls/server.key": pki.keyPem });
  return configureAndBuild(dir, configure);
}

/** HTTP/2 requests per second h2load measures against `url` (TLS, ALPN h2) from inside the namespace. */
async function h2load(ns: Namespace, url: string): Promise<number> {
  const r = await ns.run("h2load", ["-c10", "-m10", `-D${SECONDS}`, url], { timeoutMs: (SECONDS + 30) * 1000 });
  const match = /finished in [\d.]+\w+, ([\d.]+) req\/s/u.exec(r.stdout.toString());
  if (match === null) throw new Error(`h2load printed no rate: ${r.stdout.toString()}${r.stderr}`);
  const failed = /(\d+) failed/u.exec(r.stdout.toString());
  if (failed !== null && failed[1] !== "0") throw new Error(`h2load saw failed requests: ${r.stdout.toString()}`);
  return Number(match[1]);
}

/** New TLS handshakes per wall-clock second `openssl s_time -new` makes against `host:port`. */
async function handshakes(ns: Namespace, hostPort: string): Promise<number> {
  const args = ["s_time", "-connect", hostPort, "-new", "-time", String(SECONDS)];
  const r = await ns.run("openssl", args, { timeoutMs: (SECONDS + 30) * 1000 });
  const match = /(\d+) connections in (\d+) real seconds/u.exec(r.stdout.toString());
  if (match === null) throw new Error(`openssl s_time printed no count: ${r.stdout.toString()}${r.stderr}`);
  return Number(match[1]) / Math.max(1, Number(match[2]));
}

const missing = missingNamespaces("wrk", "curl", "h2load", "openssl") ?? missingTapAddon();
if (missing !== undefined) {
  console.error(`bench:http cannot run here: ${missing}`);
  process.exit(1);
}

/** static-website-tls: HTTP/2 requests and full handshakes per second, direct and on sockets. */
async function measureTls(tlsDirect: string, tlsSocket: string): Promise<void> {
  const tls = Namespace.create("mirage-cli");
  const tlsTap = interfaceName("mc");
  try {
    unikernel(tls, tlsDirect, "dist/https.mjs", [`--interface=tap:${tlsTap}`, "--ipv4=10.99.0.2/24", ...quiet]);
    await tls.adopt(tlsTap, KERNEL);
    await ready(tls, "http://10.99.0.2/index.html");
    h2Results.push(["direct stack over the native tap", await h2load(tls, "https://10.99.0.2/index.html")]);
    tlsResults.push(["direct stack over the native tap", await handshakes(tls, "10.99.0.2:443")]);
    const ports = ["--http-port=8080", "--https-port=8443"];
    tls.spawn(process.execPath, [join(tlsSocket, "dist", "https.mjs"), ...ports, ...quiet]);
    await ready(tls, "http://127.0.0.1:8080/index.html");
    h2Results.push(["host socket stack (--net=socket)", await h2load(tls, "https://127.0.0.1:8443/index.html")]);
    tlsResults.push(["host socket stack (--net=socket)", await handshakes(tls, "127.0.0.1:8443")]);
  } finally {
    await tls.remove();
  }
}

const pki = makePki(["site.test"]);
const [direct, socket] = await Promise.all([build(["--net=direct", "--no-dhcp"]), build(["--net=socket"])]);
const [tlsDirect, tlsSocket] = WITH_TLS
  ? await Promise.all([buildTls(pki, ["--net=direct", "--no-dhcp"]), buildTls(pki, ["--net=socket"])])
  : [];
const quiet = ["-l", "*:warning"];
const results: Array<[string, number]> = [];
const h2Results: Array<[string, number]> = [];
const tlsResults: Array<[string, number]> = [];
try {
  const ns = Namespace.create("mirage-cli");
  const tap = interfaceName("mc");
  try {
    unikernel(ns, direct, "dist/static-website.mjs", [
      `--interface=tap:${tap}`,
      "--ipv4=10.99.0.2/24",
      "--port=80",
      ...quiet,
    ]);
    await ns.adopt(tap, KERNEL);
    await ready(ns, "http://10.99.0.2/index.html");
    results.push(["direct stack over the native tap", await wrk(ns, "http://10.99.0.2/index.html")]);
    ns.spawn(process.execPath, [join(socket, "dist", "static-website.mjs"), "--port=8080", ...quiet]);
    await ready(ns, "http://127.0.0.1:8080/index.html");
    results.push(["host socket stack (--net=socket)", await wrk(ns, "http://127.0.0.1:8080/index.html")]);
  } finally {
    await ns.remove();
  }
  // static-website-tls: a fresh namespace, the same two ways.
  if (tlsDirect !== undefined && tlsSocket !== undefined) await measureTls(tlsDirect, tlsSocket);
} finally {
  pki.remove();
  await Promise.all(
    [direct, socket, tlsDirect, tlsSocket].flatMap((dir) => (dir === undefined ? [] : [removeProject(dir)])),
  );
}
/** The lines of one measure: each way's figure, then direct / socket. */
function table(title: string, rows: ReadonlyArray<[string, number]>, unit: string): string[] {
  const [[, directRate], [, socketRate]] = rows as [[string, number], [string, number]];
  return [
    title,
    ...rows.map(([name, rate]) => `  ${name.padEnd(36)} ${rate.toFixed(0).padStart(8)} ${unit}`),
    `  direct / socket: ${(directRate / socketRate).toFixed(2)}x`,
  ];
}

const lines = [
  ...table(
    `static-website, wrk ${WRK_LOAD.join(" ")} -d${SECONDS}s from the namespace (GET /index.html):`,
    results,
    "req/s",
  ),
  ...(WITH_TLS
    ? [
        ...table(
          `static-website-tls, h2load -c10 -m10 -D${SECONDS} (HTTP/2 over TLS, GET /index.html):`,
          h2Results,
          "req/s",
        ),
        ...table(
          `static-website-tls, openssl s_time -new -time ${SECONDS} (full handshakes):`,
          tlsResults,
          "handshakes/s",
        ),
      ]
    : []),
];
console.log(lines.join("\n"));
