// Interop with the Linux kernel in a network namespace, over both NETWORK backends (a socat UDP
// tunnel, and a tap fd used directly): fragmented ping both ways, the kernel's neighbour table, 1000
// UDP datagrams echoed exactly, the stack pinging the kernel, and a pcap that tcpdump reads.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRequiring } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LAB_MS, TEST_MS, transferMs } from "./helpers/limits.js";
import { type Backend, type Driver, FIXTURES, Lab, interopUnavailable, missingBackend } from "./helpers/stack-lab.js";

const unavailable = interopUnavailable(["tcpdump"]);

for (const backend of ["socat", "tap", "tap-plain"] as const satisfies readonly Backend[]) {
  describeRequiring(unavailable ?? missingBackend(backend), `Linux interop over the ${backend} backend`, {}, () => {
    let lab: Lab;
    const dir = mkdtempSync(join(tmpdir(), "tcpip-interop-"));
    const pcap = join(dir, "capture.pcap");
    let driver: Driver;

    beforeAll(async () => {
      lab = await Lab.start(backend, { cidr: "10.99.0.2/24", gateway: "10.99.0.1", pcap });
      driver = lab.driver;
    }, LAB_MS);

    afterAll(async () => {
      await lab?.remove();
      rmSync(dir, { recursive: true, force: true });
    }, LAB_MS);

    it(
      "answers `ping -c 5 -s 3000` from the kernel (fragmented both ways) with 5 replies",
      async () => {
        const output = lab.ns.exec("ping", ["-c", "5", "-s", "3000", "-i", "0.2", "-W", "2", "10.99.0.2"]);
        console.log(`[tcpip] ${backend}: ${output.trim().split("\n").slice(-2).join(" | ")}`);
        expect(output).toMatch(/5 packets transmitted, 5 received/);
        const { stats } = (await driver.command({ cmd: "stats" }, "stats")) as unknown as {
          stats: { ipv4: { reassembly: { reassembled: number }; txFragments: number } };
        };
        expect(stats.ipv4.reassembly.reassembled).toBeGreaterThanOrEqual(5);
        expect(stats.ipv4.txFragments).toBeGreaterThanOrEqual(15);
      },
      TEST_MS,
    );

    it("shows the unikernel's MAC in the kernel's neighbour table", () => {
      const neigh = lab.ns.exec("ip", ["neigh", "show", "10.99.0.2", "dev", lab.tap]);
      console.log(`[tcpip] ${backend}: ip neigh: ${neigh.trim()}`);
      expect(neigh).toContain("lladdr 02:00:00:00:00:02");
    });

    it(
      "echoes 1000 UDP datagrams of varied sizes (0 to 8000 bytes) exactly",
      async () => {
        // At most 8000 bytes each way per datagram.
        const output = lab.ns.exec(
          "node",
          [join(FIXTURES, "udp-echo-client.mjs"), "10.99.0.2", "7", "1000"],
          transferMs(2 * 1000 * 8000),
        );
        const result = JSON.parse(output.trim().split("\n").at(-1)!) as Record<string, number>;
        console.log(`[tcpip] ${backend}: UDP echo ${JSON.stringify(result)}`);
        expect(result).toMatchObject({ sent: 1000, matched: 1000, mismatched: 0, lost: 0 });
      },
      transferMs(2 * 1000 * 8000) + TEST_MS,
    );

    it(
      "pings the kernel from the stack, with a fragmented request",
      async () => {
        const small = await driver.command({ cmd: "ping", dst: "10.99.0.1" }, "ping");
        expect(small).toMatchObject({ ok: true });
        const large = await driver.command({ cmd: "ping", dst: "10.99.0.1", size: 4000 }, "ping");
        expect(large).toMatchObject({ ok: true });
      },
      TEST_MS,
    );

    it("wrote a pcap that `tcpdump -r` reads cleanly", () => {
      expect(statSync(pcap).size).toBeGreaterThan(24);
      const text = execFileSync("tcpdump", ["-n", "-r", pcap], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      console.log(`[tcpip] ${backend}: tcpdump -r read ${text.trim().split("\n").length} packets`);
      expect(text).toMatch(/ARP, Reply 10\.99\.0\.2 is-at 02:00:00:00:00:02/);
      expect(text).toMatch(/10\.99\.0\.1 > 10\.99\.0\.2: ICMP echo request/);
      expect(text).toMatch(/10\.99\.0\.2 > 10\.99\.0\.1: ICMP echo reply/);
      expect(text).toMatch(/UDP, length 7919/);
      // The kernel hands the tap partial checksums (offloads on): they are completed before the pcap.
      const verbose = execFileSync("tcpdump", ["-n", "-vv", "-r", pcap], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      expect(verbose).toMatch(/UDP, length 7919|udp sum ok/);
      expect(verbose).not.toMatch(/incorrect|bad udp cksum|bad cksum/);
    });
  });
}
