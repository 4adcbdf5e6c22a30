// The DNS examples: dns-primary built with `--net=direct` in a temporary copy, run on mirage-ts's own
// stack at the far end of a UDP tunnel into a namespace, and queried there by dig and kdig (every
// type, NXDOMAIN, TC then TCP, EDNS, AXFR with and without the TSIG key) and by a Knot DNS secondary
// that takes a new serial by AXFR after dns-primary's NOTIFY; dns-primary and dns-resolve built with
// `--net=socket` resolve each other on loopback; a zone error stops dns-primary at start.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Namespace,
  describeRequiring,
  firstMissing,
  freePort,
  interfaceName,
  itRequiring,
  missingNamespaces,
  missingTools,
  waitFor,
} from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { WAIT_MS, buildsMs } from "./support/limits.js";
import { built, node, removeProject } from "./support/project.js";
import { KERNEL_IP, udpInterface, unikernel } from "./support/unikernel-link.js";

const UNIKERNEL_IP = "10.99.0.2";
const SECRET = "c2VjcmV0LWtleS1mb3ItbWlyYWdlLXRzLWRucy10ZXN0cw==";
const KEY = `hmac-sha256:transfer:${SECRET}`;
const encoder = new TextEncoder();
// A second zone whose one name has 40 addresses: over 512 bytes, so a client without EDNS gets TC.
const BIG_ZONE = encoder.encode(
  `$TTL 300\n@ SOA ns h 1 7200 3600 1209600 300\n@ NS ns\nns A 192.0.2.1\n${Array.from(
    { length: 40 },
    (_, i) => `many A 198.51.100.${i + 1}`,
  ).join("\n")}\n`,
);

/** A TCP server in the namespace that answers an HTTP/1.0 request with 200 and logs what it read. */
const HTTP_SERVER = `
const server = require("node:net").createServer((socket) => {
  let text = "";
  socket.on("data", (chunk) => {
    text += chunk;
    if (!text.includes("\\r\\n\\r\\n")) return;
    process.stderr.write(text);
    socket.end("HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nhello\\n");
  });
});
server.listen(8080, "0.0.0.0", () => process.stderr.write("listening\\n"));
`;

/** Knot DNS in the namespace, a secondary of example.com at the unikernel, transfers under the key. */
function knotConf(rundir: string): string {
  return [
    "server:",
    `  rundir: ${rundir}`,
    `  listen: ${KERNEL_IP}@53`,
    "log:",
    "  - target: stderr",
    "    any: info",
    "key:",
    "  - id: transfer",
    "    algorithm: hmac-sha256",
    `    secret: ${SECRET}`,
    "remote:",
    "  - id: primary",
    `    address: ${UNIKERNEL_IP}@53`,
    "    key: transfer",
    "acl:",
    "  - id: notify_from_primary",
    `    address: ${UNIKERNEL_IP}`,
    "    action: notify",
    "database:",
    `  storage: ${rundir}`,
    "zone:",
    "  - domain: example.com",
    "    master: primary",
    "    acl: notify_from_primary",
    `    file: ${join(rundir, "example.com.zone")}`,
    "",
  ].join("\n");
}

describeRequiring(
  firstMissing(
    () => missingNamespaces("socat"),
    () => missingTools("dig", "kdig"),
  ),
  "DNS examples",
  {},
  () => {
    let direct = "";
    let socket = "";
    let resolve = "";
    let resolveDirect = "";

    beforeAll(async () => {
      [direct, socket, resolve, resolveDirect] = await Promise.all([
        built("dns-primary", ["--net=direct", "--no-dhcp", "--kv_ro=direct"], { "zones/big.test.zone": BIG_ZONE }),
        built("dns-primary", ["--net=socket", "--kv_ro=direct"], { "zones/big.test.zone": BIG_ZONE }),
        built("dns-resolve", ["--net=socket"]),
        built("dns-resolve", ["--net=direct", "--no-dhcp"]),
      ]);
    }, buildsMs(4));

    afterAll(async () => {
      await Promise.all([direct, socket, resolve, resolveDirect].filter((d) => d !== "").map(removeProject));
    });

    it("dns-primary on the direct stack answers dig and kdig in a namespace", async () => {
      const ns = Namespace.create("mirage-cli");
      const tap = interfaceName("mc");
      try {
        const spec = await udpInterface(ns, tap);
        const uk = unikernel(ns, direct, "dist/dns-primary.mjs", [
          `--interface=${spec}`,
          `--ipv4=${UNIKERNEL_IP}/24`,
          `--tsig-key=${KEY}`,
        ]);
        await waitFor("dns-primary to listen", () => uk.stderr().includes("listening on UDP and TCP port 53"));
        const dig = async (...args: string[]) => {
          const r = await ns.run("dig", [`@${UNIKERNEL_IP}`, "+time=5", "+tries=3", ...args]);
          expect(r.code, r.stderr).toBe(0);
          return r.stdout.toString();
        };
        const short = async (name: string, type: string) => (await dig("+short", name, type)).trim();
        expect(await short("web.example.com", "A")).toBe("192.0.2.80");
        expect(await short("web.example.com", "AAAA")).toBe("2001:db8::80");
        expect(await short("example.com", "MX")).toBe("10 mail.example.com.");
        expect(await short("example.com", "CAA")).toBe('0 issue "letsencrypt.org"');
        expect(await short("_sip._udp.example.com", "SRV")).toBe("10 60 5060 sip.example.com.");
        expect(await short("example.com", "TXT")).toBe('"v=spf1 mx -all" "second string"');
        expect(await short("alias.example.com", "A")).toBe("www.example.com.\nweb.example.com.\n192.0.2.80");
        expect(await dig("nope.example.com", "A")).toContain("status: NXDOMAIN");
        const truncated = await dig("+noedns", "many.big.test", "A");
        expect(truncated).toContain("Truncated, retrying in TCP mode");
        expect(truncated).toMatch(/ANSWER: 40,/);
        expect(await dig("+bufsize=1232", "many.big.test", "A")).toMatch(/EDNS: version: 0, flags:; udp: 1232/);
        expect(await dig("-y", KEY, "AXFR", "example.com")).toMatch(/XFR size: 23 records/);
        expect(await dig("AXFR", "example.com")).toContain("Transfer failed.");
        const k = await ns.run("kdig", [`@${UNIKERNEL_IP}`, "-y", KEY, "AXFR", "big.test"]);
        expect(k.stdout.toString()).toMatch(/Received \d+ B \(1 messages, 44 records\)/);
      } finally {
        await ns.remove();
      }
    });

    itRequiring(
      missingTools("knotd"),
      "a Knot DNS secondary takes a new serial from dns-primary on the direct stack by AXFR after NOTIFY",
      {},
      async () => {
        const ns = Namespace.create("mirage-cli");
        const tap = interfaceName("mc");
        const rundir = await mkdtemp(join(tmpdir(), "dns-knot-"));
        const zoneFile = join(direct, "zones", "example.com.zone");
        const original = await readFile(zoneFile, "utf8");
        try {
          const spec = await udpInterface(ns, tap);
          const args = [`--interface=${spec}`, `--ipv4=${UNIKERNEL_IP}/24`, `--tsig-key=${KEY}`];
          const first = unikernel(ns, direct, "dist/dns-primary.mjs", args);
          await waitFor("dns-primary to listen", () => first.stderr().includes("listening on UDP and TCP port 53"));
          await writeFile(join(rundir, "knot.conf"), knotConf(rundir));
          const knot = ns.spawn("knotd", ["-c", join(rundir, "knot.conf")]);
          let log = "";
          knot.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
          const web = async () =>
            (await ns.run("kdig", [`@${KERNEL_IP}`, "+short", "web.example.com", "A"])).stdout.toString().trim();
          // Knot bootstraps serial 2026120501 from the first run by AXFR under the key.
          await expect.poll(web, { timeout: WAIT_MS, interval: 200 }).toBe("192.0.2.80");
          // Its next refresh is two hours away (the SOA's refresh): only the NOTIFY of a second run,
          // which serves a new serial with a changed address, makes it transfer the zone again now.
          first.child.kill("SIGTERM");
          await new Promise((resolve) => first.child.once("exit", resolve));
          await writeFile(zoneFile, original.replace("2026120501", "2026120502").replace("192.0.2.80", "192.0.2.81"));
          const second = unikernel(ns, direct, "dist/dns-primary.mjs", [...args, `--notify=${KERNEL_IP}:53`]);
          await waitFor("dns-primary to listen", () => second.stderr().includes("listening on UDP and TCP port 53"));
          await expect.poll(web, { timeout: WAIT_MS, interval: 200 }).toBe("192.0.2.81");
          const acknowledged = `NOTIFY for example.com acknowledged by ${KERNEL_IP}:53`;
          await waitFor("dns-primary to log Knot's answer", () => second.stderr().includes(acknowledged));
          // The NOTIFY came first, then the transfer (under the key Knot's remote requires) of the new serial.
          const notified = log.search(
            /\[example\.com\.\] notify, incoming, remote 10\.99\.0\.2@\d+, serial 2026120502/,
          );
          const updated = log.search(
            /\[example\.com\.\] refresh, remote 10\.99\.0\.2@53, zone updated.*2026120501 -> 2026120502/,
          );
          expect(notified, log).toBeGreaterThan(0);
          expect(updated, log).toBeGreaterThan(notified);
          expect(log.slice(notified, updated)).toMatch(/AXFR, incoming, remote 10\.99\.0\.2@53, finished/);
        } finally {
          await ns.remove();
          await writeFile(zoneFile, original);
          await rm(rundir, { recursive: true, force: true });
        }
      },
    );

    itRequiring(
      missingTools("dnsmasq"),
      "dns-resolve on the direct stack resolves a name through dnsmasq and connects to it by name",
      {},
      async () => {
        const ns = Namespace.create("mirage-cli");
        const tap = interfaceName("mc");
        try {
          // dnsmasq and the server listen on every address of the namespace before the tap is there, so the
          // unikernel binds its tunnel port right after the port was found free.
          const dnsmasq = ns.spawn("dnsmasq", [
            "--no-daemon",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--pid-file=",
            `--address=/web.test/${KERNEL_IP}`,
            // Its own names have TTL 0 by default, which no cache keeps.
            "--local-ttl=300",
            "--log-queries",
          ]);
          let queries = "";
          dnsmasq.stderr?.on("data", (chunk: Buffer) => (queries += chunk.toString()));
          const server = ns.spawn(process.execPath, ["-e", HTTP_SERVER]);
          let requests = "";
          server.stderr?.on("data", (chunk: Buffer) => (requests += chunk.toString()));
          await waitFor("dnsmasq and the server", () => queries.includes("started") && requests.includes("listening"));
          const spec = await udpInterface(ns, tap);
          const uk = unikernel(ns, resolveDirect, "dist/dns-resolve.mjs", [
            `--interface=${spec}`,
            `--ipv4=${UNIKERNEL_IP}/24`,
            `--dns-servers=udp:${KERNEL_IP}:53`,
            "--domain-name=web.test",
            "--family=4",
            "--http-port=8080",
          ]);
          await waitFor("dns-resolve to finish", () => /queries sent|error/i.test(uk.stderr()));
          const out = uk.stderr();
          expect(out).toContain(`web.test has address ${KERNEL_IP}`);
          expect(out).toContain(`connected to ${KERNEL_IP} port 8080`);
          expect(out).toContain("status line: HTTP/1.0 200 OK");
          // The lookup asked dnsmasq for the A record; connecting by name took it from the resolver's cache.
          expect(out).toMatch(/cache hits 1,/);
          expect(queries.match(/query\[A\] web\.test from 10\.99\.0\.2/gi)?.length, queries).toBe(1);
          expect(requests).toContain("GET / HTTP/1.0\r\nHost: web.test\r\n\r\n");
        } finally {
          await ns.remove();
        }
      },
    );

    it("dns-resolve on host sockets resolves through dns-primary; a zone error stops dns-primary", async () => {
      const port = await freePort("udp");
      const primary = spawn(process.execPath, ["dist/dns-primary.mjs", `--port=${port}`], {
        cwd: socket,
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      primary.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      try {
        await waitFor("dns-primary to listen", () => stderr.includes(`listening on UDP and TCP port ${port}`));
        const servers = `--dns-servers=udp:127.0.0.1:${port}`;
        const found = await node(resolve, ["dist/dns-resolve.mjs", "--domain-name=alias.example.com", servers]);
        expect(found.code, found.stderr).toBe(0);
        expect(found.stderr).toContain("alias.example.com has address 2001:db8::80");
        expect(found.stderr).toContain("alias.example.com has address 192.0.2.80");
        const many = await node(resolve, [
          "dist/dns-resolve.mjs",
          "--domain-name=many.big.test",
          "--family=4",
          servers,
        ]);
        expect(many.stderr.match(/has address/g)?.length, many.stderr).toBe(40);
        const missing = await node(resolve, ["dist/dns-resolve.mjs", "--domain-name=nope.example.com", servers]);
        expect(missing.code).not.toBe(0);
        expect(missing.stderr).toContain("nope.example.com: no such domain (NXDOMAIN)");
      } finally {
        if (primary.pid !== undefined && primary.exitCode === null) process.kill(primary.pid, "SIGTERM");
      }
      await writeFile(join(socket, "zones", "bad.test.zone"), "$TTL 60\n@ SOA ns h 1 2 3 4 5\nwww A 1.2.3\n");
      const refused = await node(socket, ["dist/dns-primary.mjs", `--port=${port}`]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('bad.test.zone:3: A address "1.2.3" is not an IPv4 address');
    });
  },
);
