// Hostile input from the kernel side of the tap (scapy, run with Debian's python3): truncated
// headers, bad checksums, bad lengths, fragment floods, overlapping and oversized fragments, ARP
// spoofing. Afterwards the stack still answers ping, keeps the kernel's real MAC, and its tables
// and memory stay within their bounds. Over both NETWORK backends.

import { join } from "node:path";
import { describeRequiring, missingScapy } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LAB_MS, SCAPY_MS, TEST_MS } from "./helpers/limits.js";
import { type Backend, type Driver, FIXTURES, Lab, interopUnavailable, missingBackend } from "./helpers/stack-lab.js";

const unavailable = interopUnavailable([]) ?? missingScapy();

interface Stats {
  readonly arp: { entries: number; pending: number; conflicts: number; unsolicited: number; malformed: number };
  readonly ipv4: {
    rxBadChecksum: number;
    rxTruncated: number;
    rxBadTotalLength: number;
    rxBadHeaderLength: number;
    reassembly: { datagrams: number; bufferedBytes: number; overlaps: number; oversized: number; evicted: number };
  };
  readonly udp: { rxBadChecksum: number; rxBadLength: number; rxTruncated: number };
  readonly icmp: { rxMalformed: number; errorsRateLimited: number };
  readonly listenerErrors: number;
}

/**
 * Pings the stack until it answers (a bounded count of tries): the echo request crossed the link after
 * every frame sent before it, so once it is answered, the stack has taken all of those in.
 */
function drained(lab: Lab): void {
  for (let attempt = 1; ; attempt++) {
    try {
      lab.ns.exec("ping", ["-c", "1", "-W", "5", "10.99.0.2"]);
      return;
    } catch (error) {
      if (attempt === 12) throw error;
    }
  }
}

async function snapshot(driver: Driver) {
  const event = await driver.command({ cmd: "stats" }, "stats");
  return { stats: event.stats as Stats, arp: event.arp as Array<[string, string]>, heapUsed: event.heapUsed as number };
}

for (const backend of ["socat", "tap"] as const satisfies readonly Backend[]) {
  describeRequiring(unavailable ?? missingBackend(backend), `hostile input over the ${backend} backend`, {}, () => {
    let lab: Lab;
    let driver: Driver;

    beforeAll(async () => {
      lab = await Lab.start(backend, { cidr: "10.99.0.2/24", gateway: "10.99.0.1" });
      driver = lab.driver;
    }, LAB_MS);

    afterAll(async () => {
      await lab?.remove();
    }, LAB_MS);

    it(
      "survives the attack, still answers ping, and stays within its bounds",
      async () => {
        expect(lab.ns.exec("ping", ["-c", "2", "-i", "0.2", "-W", "2", "10.99.0.2"])).toMatch(/2 received/);
        const kernelMac = lab.ns.exec("cat", [`/sys/class/net/${lab.tap}/address`]).trim();
        const before = await snapshot(driver);
        expect(before.arp).toContainEqual(["10.99.0.1", kernelMac]);

        const output = lab.ns.exec(
          "/usr/bin/python3",
          [join(FIXTURES, "hostile.py"), lab.tap, "02:00:00:00:00:02", "10.99.0.2", "10.99.0.1"],
          SCAPY_MS,
        );
        const sent = JSON.parse(output.trim().split("\n").at(-1)!) as Record<string, number>;
        expect(Object.values(sent).reduce((a, b) => a + b, 0)).toBeGreaterThan(6000);
        drained(lab);

        expect(lab.ns.exec("ping", ["-c", "3", "-i", "0.2", "-W", "2", "10.99.0.2"])).toMatch(
          /3 packets transmitted, 3 received/,
        );
        expect(lab.ns.exec("ping", ["-c", "2", "-s", "3000", "-i", "0.2", "-W", "2", "10.99.0.2"])).toMatch(
          /2 received/,
        );
        const after = await snapshot(driver);
        const s = after.stats;
        // Every kind of attack was seen and counted.
        expect(s.ipv4.rxBadChecksum).toBeGreaterThan(0);
        expect(s.ipv4.rxTruncated + s.ipv4.rxBadHeaderLength + s.ipv4.rxBadTotalLength).toBeGreaterThan(0);
        expect(s.udp.rxBadChecksum + s.udp.rxBadLength + s.udp.rxTruncated).toBeGreaterThan(0);
        expect(s.icmp.rxMalformed).toBeGreaterThan(0);
        expect(s.ipv4.reassembly.overlaps).toBeGreaterThan(0);
        expect(s.ipv4.reassembly.oversized).toBeGreaterThan(0);
        expect(s.ipv4.reassembly.evicted).toBeGreaterThan(0);
        expect(s.arp.conflicts + s.arp.unsolicited).toBeGreaterThan(0);
        expect(s.listenerErrors).toBe(0);
        // The tables stayed within their documented bounds.
        expect(s.ipv4.reassembly.datagrams).toBeLessThanOrEqual(64);
        expect(s.ipv4.reassembly.bufferedBytes).toBeLessThanOrEqual(1 << 20);
        expect(s.arp.entries).toBeLessThanOrEqual(512);
        expect(s.arp.pending).toBeLessThanOrEqual(64);
        // The spoofed claims did not replace the kernel's MAC.
        expect(after.arp).toContainEqual(["10.99.0.1", kernelMac]);
        expect(after.arp.some(([, mac]) => mac === "de:ad:be:ef:00:01")).toBe(false);
        // Memory after a GC stays near where it started (what is held is bounded by the tables).
        expect(after.heapUsed - before.heapUsed).toBeLessThan(32 * 1024 * 1024);
        console.log(
          `[tcpip] hostile (${backend}): sent ${JSON.stringify(sent)}; ` +
            `heap ${(before.heapUsed / 1e6).toFixed(1)} -> ${(after.heapUsed / 1e6).toFixed(1)} MB; ` +
            `reassembly ${JSON.stringify(s.ipv4.reassembly)}; arp ${JSON.stringify(s.arp)}`,
        );
      },
      SCAPY_MS + TEST_MS,
    );
  });
}
