// Hostile IPv6 from the kernel side of the tap (scapy, run with Debian's python3): extension-header
// chains past the bound, routing type 0, overlapping and tiny fragments, an RA flood with 40 000
// prefixes, NA spoofing against the override rules, and ND cache exhaustion with thousands of
// sources. Afterwards the dual stack still answers `ping -6`, keeps the kernel's real MAC, and its
// tables and memory stay within their bounds. Over both NETWORK backends: the tap fd, and the socat
// UDP tunnel (scapy writes on socat's tap, whose frames cross loopback to the stack).

import { join } from "node:path";
import { describeRequiring, missingScapy } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LAB_MS, SCAPY_MS, TEST_MS } from "./helpers/limits.js";
import { type Backend, type Driver, FIXTURES, Lab, interopUnavailable, missingBackend } from "./helpers/stack-lab.js";

const unavailable = interopUnavailable([]) ?? missingScapy();
const UNIKERNEL = "2001:db8:99::2";
const KERNEL = "2001:db8:99::1";

interface Ipv6Stats {
  rxChainTooLong: number;
  rxRoutingType0: number;
  rxBadExtensionHeaders: number;
  reassembly: { datagrams: number; bufferedBytes: number; overlaps: number; invalid: number; evicted: number };
  neighbours: { entries: number; evicted: number; refused: number; overridesRefused: number };
  ndp: { raAccepted: number; raEntriesRefused: number; routers: number; prefixes: number; addresses: number };
}

/**
 * Pings the stack until it answers (a bounded count of tries): the echo request crossed the link after
 * every frame sent before it, so once it is answered, the stack has taken all of those in.
 */
function drained(lab: Lab): void {
  for (let attempt = 1; ; attempt++) {
    try {
      lab.ns.exec("ping", ["-6", "-c", "1", "-W", "5", UNIKERNEL]);
      return;
    } catch (error) {
      if (attempt === 12) throw error;
    }
  }
}

async function snapshot(driver: Driver) {
  const event = await driver.command({ cmd: "stats" }, "stats");
  const v6 = (await driver.command({ cmd: "ipv6" }, "ipv6")) as unknown as {
    neighbours: { ip: string; mac?: string; state: string }[];
  };
  return {
    ipv6: (event.stats as { ipv6: Ipv6Stats }).ipv6,
    neighbours: v6.neighbours,
    heapUsed: event.heapUsed as number,
  };
}

for (const backend of ["socat", "tap"] as const satisfies readonly Backend[]) {
  describeRequiring(
    unavailable ?? missingBackend(backend),
    `hostile IPv6 input over the ${backend} backend`,
    {},
    () => {
      let lab: Lab;
      let driver: Driver;

      beforeAll(async () => {
        lab = await Lab.start(backend, { cidr: "10.99.0.2/24", direct: true, ipv6: `${UNIKERNEL}/64` });
        driver = lab.driver;
        for (let i = 0; i < 50; i++) {
          const state = (await driver.command({ cmd: "ipv6" }, "ipv6")) as unknown as {
            addresses: { state: string }[];
          };
          if (state.addresses.every((a) => a.state === "preferred")) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }, LAB_MS);

      afterAll(() => lab?.remove(), LAB_MS);

      it(
        "survives the attack, still answers ping -6, and stays within its bounds",
        async () => {
          expect(lab.ns.exec("ping", ["-6", "-c", "2", "-i", "0.2", "-W", "2", UNIKERNEL])).toMatch(/2 received/);
          const kernelMac = lab.ns.exec("cat", [`/sys/class/net/${lab.tap}/address`]).trim();
          const before = await snapshot(driver);
          expect(before.neighbours.find((n) => n.ip === KERNEL)?.mac).toBe(kernelMac);

          const started = performance.now();
          const output = lab.ns.exec(
            "/usr/bin/python3",
            [join(FIXTURES, "hostile6.py"), lab.tap, "02:00:00:00:00:02", UNIKERNEL, KERNEL, kernelMac],
            SCAPY_MS,
          );
          const sent = JSON.parse(output.trim().split("\n").at(-1)!) as Record<string, number>;
          const seconds = (performance.now() - started) / 1000;
          expect(Object.values(sent).reduce((a, b) => a + b, 0)).toBeGreaterThan(8_000);
          drained(lab);
          // The stack still answers, fragmented too.
          expect(lab.ns.exec("ping", ["-6", "-c", "3", "-i", "0.2", "-W", "5", UNIKERNEL])).toMatch(/3 received/);
          expect(lab.ns.exec("ping", ["-6", "-c", "2", "-s", "4000", "-i", "0.2", "-W", "5", UNIKERNEL])).toMatch(
            /2 received/,
          );
          const after = await snapshot(driver);
          const s = after.ipv6;
          console.log(
            `[tcpip] hostile IPv6 (${backend}): sent ${JSON.stringify(sent)} in ${seconds.toFixed(1)} s; ` +
              `heap ${(before.heapUsed / 1e6).toFixed(1)} -> ${(after.heapUsed / 1e6).toFixed(1)} MB; ` +
              `reassembly ${JSON.stringify(s.reassembly)}; neighbours ${JSON.stringify(s.neighbours)}; ` +
              `ndp ${JSON.stringify(s.ndp)}; chains ${s.rxChainTooLong}, routing0 ${s.rxRoutingType0}`,
          );
          // Every attack was seen and counted.
          expect(s.rxChainTooLong).toBeGreaterThan(0);
          expect(s.rxRoutingType0).toBeGreaterThan(0);
          expect(s.reassembly.overlaps).toBeGreaterThan(0);
          expect(s.reassembly.evicted).toBeGreaterThan(0);
          expect(s.ndp.raAccepted).toBeGreaterThan(0);
          expect(s.ndp.raEntriesRefused).toBeGreaterThan(1000);
          expect(s.neighbours.overridesRefused).toBeGreaterThan(0);
          expect(s.neighbours.evicted + s.neighbours.refused).toBeGreaterThan(0);
          // The tables stayed within their documented bounds.
          expect(s.reassembly.datagrams).toBeLessThanOrEqual(64);
          expect(s.reassembly.bufferedBytes).toBeLessThanOrEqual(1 << 20);
          expect(s.neighbours.entries).toBeLessThanOrEqual(512);
          expect(s.ndp.routers).toBeLessThanOrEqual(8);
          expect(s.ndp.prefixes).toBeLessThanOrEqual(16 + 1);
          expect(s.ndp.addresses).toBeLessThanOrEqual(16);
          // The spoofed advertisements did not replace the kernel's MAC.
          const kernel = after.neighbours.find((n) => n.ip === KERNEL);
          if (kernel !== undefined) expect(kernel.mac).toBe(kernelMac);
          expect(after.heapUsed - before.heapUsed).toBeLessThan(32 * 1024 * 1024);
        },
        SCAPY_MS + TEST_MS,
      );
    },
  );
}
