// The server and the resolver against the real tools: dig and kdig query the server on the host's
// sockets (every type, NXDOMAIN, TC then TCP, EDNS, AXFR with and without TSIG), Knot DNS takes the
// zone as a secondary after our NOTIFY, and the resolver asks dnsmasq and our server (over TCP after a
// truncated answer from each, and from its cache the second time).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Ipv4Addr, type Stack } from "@mirage-ts/mirage-types";
import { connectSocketStack, unixClock, unixRandom } from "@mirage-ts/mirage-unix";
import { describeRequiring, firstMissing, freePort, missingRoot, missingTools } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DnsResolver, DnsServer, DnsServerDevice, Zone, parseTsigKey, ppDnsError } from "../src/index.js";
import { zoneFile } from "./support/zone.js";

const run = promisify(execFile);
const secret = "c2VjcmV0LWtleS1mb3ItbWlyYWdlLXRzLWRucy10ZXN0cw==";
const keyText = `hmac-sha256:transfer:${secret}`;
// 40 addresses make the answer larger than 512 bytes: a client without EDNS gets TC and retries on TCP.
const bigRecords = Array.from({ length: 40 }, (_, i) => `big IN A 198.51.100.${i + 1}`).join("\n");

let stack: Stack;
let device: DnsServerDevice;
let port: number;
const children: ChildProcess[] = [];
const dirs: string[] = [];

async function dig(...args: string[]): Promise<string> {
  const { stdout } = await run("dig", ["@127.0.0.1", "-p", String(port), "+time=5", "+tries=1", ...args]);
  return stdout;
}

describeRequiring(
  firstMissing(() => missingTools("dig", "kdig", "knotd", "dnsmasq"), missingRoot),
  "dns against dig, kdig, Knot and dnsmasq",
  { timeout: 60_000 },
  () => {
    beforeAll(async () => {
      const text = `${readFileSync(zoneFile, "utf8")}\n${bigRecords}\n`;
      const zone = Zone.parse(text, "example.com.zone", "example.com");
      const key = parseTsigKey(keyText);
      if (!zone.ok || !key.ok) throw new Error("fixture");
      port = await freePort("udp");
      stack = await connectSocketStack({});
      const server = new DnsServer({
        zones: [zone.value],
        tsigKeys: [key.value],
        wallClock: () => Date.now(),
        now: () => performance.now(),
      });
      device = DnsServerDevice.listen(stack, server, unixClock, unixRandom, { port });
    });

    afterAll(async () => {
      // knotd and dnsmasq write into their folders while they stop: remove the folders once they exited.
      const exited = children
        .filter((child) => child.exitCode === null && child.signalCode === null)
        .map((child) => new Promise((resolve) => child.once("exit", resolve)));
      for (const child of children) child.kill();
      await Promise.all(exited);
      await device?.disconnect();
      await stack?.disconnect();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it("dig gets every type, NXDOMAIN with the SOA, and NODATA", async () => {
      const short = async (name: string, type: string) => (await dig("+short", name, type)).trim().split("\n");
      expect(await short("web.example.com", "A")).toEqual(["192.0.2.80"]);
      expect(await short("web.example.com", "AAAA")).toEqual(["2001:db8::80"]);
      expect(await short("alias.example.com", "A")).toEqual(["www.example.com.", "web.example.com.", "192.0.2.80"]);
      expect(await short("example.com", "MX")).toEqual(["10 mail.example.com."]);
      expect(await short("example.com", "TXT")).toEqual(['"v=spf1 mx -all" "second string"']);
      expect(await short("example.com", "CAA")).toEqual(['0 issue "letsencrypt.org"']);
      expect(await short("_sip._udp.example.com", "SRV")).toEqual(["10 60 5060 sip.example.com."]);
      expect(await short("example.com", "SOA")).toEqual([
        "ns1.example.com. hostmaster.example.com. 2026120501 7200 3600 1209600 300",
      ]);
      expect((await short("example.com", "NS")).sort()).toEqual(["ns1.example.com.", "ns2.example.net."]);
      expect(await short("opaque.example.com", "TYPE65280")).toEqual(["\\# 3 010203"]);
      expect(await short("x.wild.example.com", "A")).toEqual(["192.0.2.99"]);
      const nx = await dig("nope.example.com", "A");
      expect(nx).toContain("status: NXDOMAIN");
      expect(nx).toMatch(/AUTHORITY SECTION:\nexample\.com\.\s+300\s+IN\s+SOA/);
      expect(await dig("mail.example.com", "AAAA")).toMatch(/status: NOERROR.*\n.*ANSWER: 0, AUTHORITY: 1/);
      expect(await dig("example.org", "A")).toContain("status: REFUSED");
    });

    it("dig: TC then TCP without EDNS, the answer fits with EDNS, BADVERS for EDNS version 1", async () => {
      const plain = await dig("+noedns", "big.example.com", "A");
      expect(plain).toContain("Truncated, retrying in TCP mode");
      expect(plain).toMatch(/ANSWER: 40,/);
      const edns = await dig("+bufsize=1232", "big.example.com", "A");
      expect(edns).not.toContain("Truncated");
      expect(edns).toMatch(/EDNS: version: 0, flags:; udp: 1232/);
      expect(await dig("+edns=1", "+noednsnegotiation", "web.example.com", "A")).toContain("status: BADVERS");
    });

    it("AXFR is served under the TSIG key and refused without it (dig and kdig)", async () => {
      const signed = await dig("-y", keyText, "AXFR", "example.com");
      expect(signed).not.toContain("failed");
      expect(signed).toMatch(/XFR size: 63 records/);
      expect(signed.match(/\tSOA\t/g)?.length).toBe(2);
      expect(await dig("AXFR", "example.com")).toContain("Transfer failed.");
      const wrong = await dig(
        "-y",
        `hmac-sha256:transfer:${Buffer.from("wrong").toString("base64")}`,
        "AXFR",
        "example.com",
      );
      expect(wrong).toMatch(/tsig verify failure|Transfer failed|BADSIG/i);
      const { stdout: k } = await run("kdig", ["@127.0.0.1", "-p", String(port), "-y", keyText, "AXFR", "example.com"]);
      expect(k).toMatch(/Received \d+ B \(\d+ messages?, 63 records\)/);
      expect(k).not.toMatch(/failed|BADSIG/i);
      const { stdout: q } = await run("kdig", ["@127.0.0.1", "-p", String(port), "+tcp", "web.example.com", "AAAA"]);
      expect(q).toContain("2001:db8::80");
      expect(device.stats()).toMatchObject({ transfers: 2 });
      expect(device.stats().transfersRefused).toBeGreaterThanOrEqual(1);
      expect(device.stats().tsigFailures).toBeGreaterThanOrEqual(1);
    });

    it("Knot DNS as a secondary takes the zone by AXFR under TSIG after our NOTIFY", async () => {
      const dir = mkdtempSync(join(tmpdir(), "dns-knot-"));
      dirs.push(dir);
      const knotPort = await freePort("udp");
      writeFileSync(
        join(dir, "knot.conf"),
        [
          "server:",
          `  rundir: ${dir}`,
          `  listen: 127.0.0.1@${knotPort}`,
          "key:",
          "  - id: transfer",
          "    algorithm: hmac-sha256",
          `    secret: ${secret}`,
          "remote:",
          "  - id: primary",
          `    address: 127.0.0.1@${port}`,
          "    key: transfer",
          "acl:",
          "  - id: notify_from_primary",
          "    address: 127.0.0.1",
          "    action: notify",
          "database:",
          `  storage: ${dir}`,
          "zone:",
          "  - domain: example.com",
          "    master: primary",
          "    acl: notify_from_primary",
          `    file: ${join(dir, "example.com.zone")}`,
          "",
        ].join("\n"),
      );
      const knot = spawn("knotd", ["-c", join(dir, "knot.conf")], { stdio: ["ignore", "pipe", "pipe"] });
      children.push(knot);
      let log = "";
      knot.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
      knot.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
      const kdig = async () =>
        (await run("kdig", ["@127.0.0.1", "-p", String(knotPort), "+short", "web.example.com", "A"])).stdout.trim();
      // Knot bootstraps the zone from us at start.
      await expect.poll(kdig).toBe("192.0.2.80");
      // A new serial with a changed address, announced by NOTIFY: Knot transfers it again.
      const text = `${readFileSync(zoneFile, "utf8")}\n${bigRecords}\n`
        .replace("2026120501", "2026120502")
        .replace("192.0.2.80", "192.0.2.81");
      const zone = Zone.parse(text, "example.com.zone", "example.com");
      const key = parseTsigKey(keyText);
      if (!zone.ok || !key.ok) throw new Error("fixture");
      await device.disconnect();
      const server = new DnsServer({
        zones: [zone.value],
        tsigKeys: [key.value],
        wallClock: () => Date.now(),
        now: () => performance.now(),
      });
      device = DnsServerDevice.listen(stack, server, unixClock, unixRandom, {
        port,
        notify: [{ address: Ipv4Addr.localhost, port: knotPort }],
      });
      await expect.poll(() => device.stats().notifiesAcknowledged).toBe(1);
      await expect.poll(() => device.stats().transfers).toBe(1);
      await expect.poll(kdig).toBe("192.0.2.81");
    });

    it("the resolver asks dnsmasq and our server, over UDP and after truncation over TCP", async () => {
      const dnsmasqPort = await freePort("udp");
      // 40 addresses for one name: dnsmasq's answer to a query without EDNS is truncated to 512 bytes.
      const hosts = mkdtempSync(join(tmpdir(), "dns-dnsmasq-"));
      dirs.push(hosts);
      const manyHosts = Array.from({ length: 40 }, (_, i) => `198.51.100.${i + 1} many.masq.test`).join("\n");
      writeFileSync(join(hosts, "hosts"), `${manyHosts}\n`);
      const dnsmasq = spawn(
        "dnsmasq",
        [
          "--no-daemon",
          "--no-resolv",
          "--no-hosts",
          `--port=${dnsmasqPort}`,
          "--listen-address=127.0.0.1",
          "--bind-interfaces",
          "--address=/host.masq.test/192.0.2.77",
          `--addn-hosts=${join(hosts, "hosts")}`,
          // Local names are served with TTL 0 by default, which no cache keeps.
          "--local-ttl=300",
          "--log-queries",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      children.push(dnsmasq);
      let log = "";
      dnsmasq.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
      await expect.poll(() => log).toMatch(/started/);
      const resolver = await DnsResolver.connect(stack, unixClock, unixRandom, {
        nameservers: [{ protocol: "udp", address: Ipv4Addr.localhost, port: dnsmasqPort }],
      });
      const masq = await resolver.lookup("host.masq.test", { family: 4 });
      expect(masq.ok && masq.value.map(String)).toEqual(["192.0.2.77"]);
      const plain = await DnsResolver.connect(stack, unixClock, unixRandom, {
        nameservers: [{ protocol: "udp", address: Ipv4Addr.localhost, port: dnsmasqPort }],
        ednsUdpSize: 0,
      });
      const many = await plain.lookup("many.masq.test", { family: 4 });
      expect(many.ok && many.value.length).toBe(40);
      expect(plain.stats()).toMatchObject({ queriesSent: 1, tcpFallbacks: 1, cacheMisses: 1, cacheHits: 0 });
      // dnsmasq saw the question twice (in the random case of 0x20): over UDP, then over TCP after TC.
      const asked = () => log.match(/query\[A\] many\.masq\.test from 127\.0\.0\.1/gi)?.length;
      await expect.poll(asked).toBe(2);
      const again = await plain.lookup("many.masq.test", { family: 4 });
      expect(again.ok && again.value.length).toBe(40);
      expect(plain.stats()).toMatchObject({ queriesSent: 1, tcpFallbacks: 1, cacheHits: 1 });
      expect(asked()).toBe(2);
      const ours = await DnsResolver.connect(stack, unixClock, unixRandom, {
        nameservers: [{ protocol: "udp", address: Ipv4Addr.localhost, port }],
        ednsUdpSize: 0,
      });
      const big = await ours.lookup("big.example.com", { family: 4 });
      expect(big.ok && big.value.length).toBe(40);
      expect(ours.stats().tcpFallbacks).toBe(1);
      const alias = await ours.lookup("alias.example.com", { family: 6 });
      expect(alias.ok && alias.value.map(String)).toEqual(["2001:db8::80"]);
      const missing = await ours.lookup("nope.example.com", { family: 4 });
      expect(!missing.ok && ppDnsError(missing.error)).toBe("nope.example.com: no such domain (NXDOMAIN)");
      await ours.lookup("nope.example.com", { family: 4 });
      expect(ours.stats()).toMatchObject({ negativeCacheHits: 1 });
    });

    it("the resolver times out on a server that drops queries and gets the answer from the next", async () => {
      const dropper = createSocket("udp4");
      let dropped = 0;
      dropper.on("message", () => dropped++);
      await new Promise<void>((resolve) => dropper.bind(0, "127.0.0.1", resolve));
      try {
        const resolver = await DnsResolver.connect(stack, unixClock, unixRandom, {
          nameservers: [
            { protocol: "udp", address: Ipv4Addr.localhost, port: dropper.address().port },
            { protocol: "udp", address: Ipv4Addr.localhost, port },
          ],
          timeoutMs: 2000,
        });
        const found = await resolver.lookup("mail.example.com", { family: 4 });
        expect(found.ok && found.value.map(String)).toEqual(["192.0.2.25"]);
        expect(dropped).toBe(1);
        expect(resolver.stats()).toMatchObject({ timeouts: 1, queriesSent: 2 });
        await resolver.lookup("mail.example.com", { family: 4 });
        expect(resolver.stats()).toMatchObject({ cacheHits: 1, queriesSent: 2 });
      } finally {
        dropper.close();
      }
    });
  },
);
