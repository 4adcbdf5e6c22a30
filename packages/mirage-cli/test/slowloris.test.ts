// 1000 slowloris clients against static-website on the direct stack over a tap: each starts a request head
// and drips one more field every 2 s (slowloris tools drip every 10 to 15 s), never ending it. The http
// server device (Node's llhttp, whose head timeout is 10 s by default, counted from the head's first byte
// however the drip goes) must cut every one with 408 once its head timed out, and not before, while a real
// client (curl from the namespace's kernel) is answered within 1 s during them.
import { join } from "node:path";
import {
  Namespace,
  describeRequiring,
  interfaceName,
  itRequiring,
  missingNamespaces,
  missingTapAddon,
  waitFor,
} from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect } from "vitest";
import { COMMAND_MS, RUN_TEST_MS, WAIT_MS, buildsMs } from "./support/limits.js";
import { exampleCopy, mirage, removeProject } from "./support/project.js";
import { KERNEL, unikernel } from "./support/unikernel-link.js";

const UNIKERNEL_IP = "10.99.0.2";
const CLIENTS = 1000;
// defaultHttpLimits.headTimeoutMs of @mirage-ts/http, which static-website's httpServer keeps.
const HEAD_TIMEOUT_MS = 10_000;
// The fixture gives up on a connection (and counts it as not cut) after this long.
const GIVE_UP_MS = 60_000;
const CLIENT = join(import.meta.dirname, "fixtures", "slowloris.mjs");

interface Seen {
  readonly opened: number;
  readonly cut408: number;
  readonly other: number;
  readonly errors: Record<string, number>;
  readonly firstCutMs: number;
  readonly lastCutMs: number;
}

/**
 * How many connections from the namespace to the unikernel have had the first bytes of their head
 * acknowledged (`bytes_acked` counts the SYN as one byte; every head starts with more than 16 bytes).
 */
async function headsTakenIn(ns: Namespace): Promise<number> {
  const r = await ns.run("ss", ["-Htni", "state", "established", "dst", UNIKERNEL_IP]);
  expect(r.code, r.stderr).toBe(0);
  return [...r.stdout.toString().matchAll(/bytes_acked:(\d+)/gu)].filter((m) => Number(m[1]) > 16).length;
}

describeRequiring(missingNamespaces("curl"), `${CLIENTS} slowloris clients against static-website`, {}, () => {
  let dir = "";

  beforeAll(async () => {
    dir = await exampleCopy("static-website");
    for (const args of [
      ["configure", "-t", "unix", "--net=direct", "--no-dhcp"],
      ["build", "-q"],
    ]) {
      const r = await mirage(dir, args);
      expect(r.code, r.stderr).toBe(0);
    }
  }, buildsMs(1));

  afterAll(() => (dir === "" ? undefined : removeProject(dir)));

  const title = "on the direct stack over a tap: every head cut with 408 at the head timeout, curl answered in < 1 s";
  itRequiring(missingTapAddon(), title, { timeout: RUN_TEST_MS + GIVE_UP_MS }, async () => {
    const ns = Namespace.create("mirage-cli");
    const tap = interfaceName("mc");
    try {
      const args = [`--interface=tap:${tap}`, `--ipv4=${UNIKERNEL_IP}/24`, "--port=80", "-l", "*:warning"];
      const uk = unikernel(ns, dir, "dist/static-website.mjs", args);
      await ns.adopt(tap, KERNEL);
      const url = `http://${UNIKERNEL_IP}/`;
      for (const end = Date.now() + WAIT_MS; ; ) {
        const r = await ns.run("curl", ["-sf", "-o", "/dev/null", url]);
        if (r.code === 0) break;
        if (Date.now() > end) throw new Error(`static-website never answered: ${r.stderr}`);
      }
      const script = `ulimit -n ${4 * CLIENTS}; exec "$0" "$@"`;
      const slow = ns.spawn("sh", ["-c", script, process.execPath, CLIENT, UNIKERNEL_IP, "80", String(CLIENTS)]);
      let report = "";
      slow.stderr?.on("data", (chunk: Buffer) => (report += chunk.toString()));
      const opened = () => {
        if (slow.exitCode !== null) throw new Error(`the slowloris clients exited: ${report}`);
        return report.includes(`open ${CLIENTS}\n`);
      };
      await waitFor(`${CLIENTS} slow heads`, opened, COMMAND_MS);
      // The unikernel has taken every connection in (the first bytes of each head are acknowledged): the
      // slow heads are all held now, and none can time out before HEAD_TIMEOUT_MS. Real requests go through.
      for (const end = Date.now() + WAIT_MS; (await headsTakenIn(ns)) < CLIENTS; ) {
        if (Date.now() > end) throw new Error(`the unikernel took in only ${await headsTakenIn(ns)} slow heads`);
      }
      let slowest = 0;
      for (let i = 0; i < 5; i++) {
        const fetch = ["-sS", "-o", "/dev/null", "--max-time", "1", "-w", "%{http_code} %{time_total}", url];
        const r = await ns.run("curl", fetch);
        const [status, seconds] = r.stdout.toString().split(" ");
        expect(`${status} ${r.stderr}`.trim(), `curl ${i + 1} of 5 during the slow heads`).toBe("200");
        slowest = Math.max(slowest, Number(seconds));
      }
      await waitFor("every slow connection to close", () => report.trimEnd().endsWith("}"), COMMAND_MS);
      const seen = JSON.parse(report.trimEnd().split("\n").at(-1) ?? "") as Seen;
      const figures = `${JSON.stringify(seen)}, slowest curl during them ${(slowest * 1000).toFixed(0)} ms`;
      console.log(`[mirage-cli] ${CLIENTS} slowloris heads on the direct stack: ${figures}`);
      // A client whose next drip crossed the server's close sees a reset after the 408 (in `errors`): it was
      // still cut by the server, which is what counts.
      expect(seen).toMatchObject({ opened: CLIENTS, cut408: CLIENTS, other: 0 });
      // Cut by the head timeout: not before it, and long before the drip would have ended.
      expect(seen.firstCutMs).toBeGreaterThanOrEqual(HEAD_TIMEOUT_MS);
      expect(seen.lastCutMs).toBeLessThan(GIVE_UP_MS);
      expect((await ns.run("curl", ["-sf", "-o", "/dev/null", url])).code).toBe(0);
      expect(uk.child.exitCode, uk.stderr()).toBeNull();
    } finally {
      await ns.remove();
    }
  });
});
