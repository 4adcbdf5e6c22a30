// 2000 clients connecting at once to static-website, on the direct stack over a tap and, for comparison in
// the same run, on the host's sockets (`--net=socket`) behind a veth: every connection is established and
// then answered (so none was reset by a server that forgot it). When the last one connected is printed for
// both, a figure beside its peer rather than an assertion on a shared machine. Before SYN cookies and the
// larger tap queue, the direct stack reset tens of clients that believed they were connected and took up
// to 35 s.
import { join } from "node:path";
import {
  Namespace,
  describeRequiring,
  interfaceName,
  itRequiring,
  missingNamespaces,
  missingTapAddon,
} from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect } from "vitest";
import { COMMAND_MS, RUN_TEST_MS, buildsMs } from "./support/limits.js";
import { exampleCopy, mirage, removeProject } from "./support/project.js";
import { KERNEL, socketPeer, unikernel } from "./support/unikernel-link.js";

const UNIKERNEL_IP = "10.99.0.2";
const CLIENTS = 2000;
const CLIENT = join(import.meta.dirname, "fixtures", "connect-burst.mjs");

interface Burst {
  readonly connected: number;
  readonly answered: number;
  readonly errors: Record<string, number>;
  readonly lastConnectMs: number;
}

/** Runs the burst from the namespace's kernel side (with room for its sockets) and returns what it saw. */
async function burst(ns: Namespace): Promise<Burst> {
  const script = `ulimit -n ${4 * CLIENTS}; exec "$0" "$@"`;
  const args = ["-c", script, process.execPath, CLIENT, UNIKERNEL_IP, "80", String(CLIENTS)];
  const r = await ns.run("sh", args, { timeoutMs: COMMAND_MS });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.toString()) as Burst;
}

async function build(net: string): Promise<string> {
  const dir = await exampleCopy("static-website");
  const configure = ["configure", "-t", "unix", `--net=${net}`, ...(net === "direct" ? ["--no-dhcp"] : [])];
  for (const args of [configure, ["build", "-q"]]) {
    const r = await mirage(dir, args);
    expect(r.code, r.stderr).toBe(0);
  }
  return dir;
}

describeRequiring(missingNamespaces("curl"), `${CLIENTS} clients connecting at once to static-website`, {}, () => {
  let direct = "";
  let socket = "";
  const results: string[] = [];

  beforeAll(async () => {
    [direct, socket] = await Promise.all([build("direct"), build("socket")]);
  }, buildsMs(2));

  afterAll(async () => {
    await Promise.all([direct, socket].filter((d) => d !== "").map(removeProject));
    if (results.length > 0) console.log(`[mirage-cli] ${CLIENTS} simultaneous connects:\n${results.join("\n")}`);
  });

  const cases = [
    ["the direct stack over a tap", missingTapAddon()],
    ["the host's sockets (--net=socket) over a veth", undefined],
  ] as const;
  for (const [name, missing] of cases) {
    const title = `on ${name}: every one established and answered, none reset`;
    itRequiring(missing, title, { timeout: RUN_TEST_MS + COMMAND_MS }, async () => {
      const ns = Namespace.create("mirage-cli");
      const tap = interfaceName("mc");
      try {
        const args = [`--ipv4=${UNIKERNEL_IP}/24`, "--port=80", "-l", "*:warning"];
        if (name.startsWith("the direct")) {
          unikernel(ns, direct, "dist/static-website.mjs", [`--interface=tap:${tap}`, ...args]);
          await ns.adopt(tap, KERNEL);
        } else {
          const peer = socketPeer(ns, tap, UNIKERNEL_IP);
          unikernel(peer, socket, "dist/static-website.mjs", args, { inside: true });
        }
        for (const end = Date.now() + COMMAND_MS; ; ) {
          const r = await ns.run("curl", ["-sf", "-o", "/dev/null", `http://${UNIKERNEL_IP}/`]);
          if (r.code === 0) break;
          if (Date.now() > end) throw new Error(`static-website never answered: ${r.stderr}`);
        }
        const seen = await burst(ns);
        results.push(`  ${name.padEnd(46)} ${JSON.stringify(seen)}`);
        expect(seen).toMatchObject({ connected: CLIENTS, answered: CLIENTS, errors: {} });
      } finally {
        await ns.remove();
      }
    });
  }
});
