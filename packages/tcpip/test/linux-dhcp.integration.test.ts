// The DHCP client against dnsmasq running in the test's namespace, over both NETWORK backends: it
// gets a lease, configures IPv4 from it, and then answers ping on the leased address.

import { readFileSync } from "node:fs";
import { type Dnsmasq, describeRequiring, startDnsmasq } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { COMMAND_MS, LAB_MS, TEST_MS } from "./helpers/limits.js";
import { type Backend, type Driver, Lab, interopUnavailable, missingBackend } from "./helpers/stack-lab.js";

const unavailable = interopUnavailable(["dnsmasq", "ss"]);

for (const backend of ["socat", "tap"] as const satisfies readonly Backend[]) {
  describeRequiring(unavailable ?? missingBackend(backend), `DHCP from dnsmasq over the ${backend} backend`, {}, () => {
    let lab: Lab;
    let dnsmasq: Dnsmasq;
    let driver: Driver;

    beforeAll(async () => {
      lab = await Lab.start(backend, {});
      driver = lab.driver;
      // Started once the tap is there, and waited for until it listens: the first DISCOVER is answered.
      dnsmasq = await startDnsmasq(lab.ns, lab.tap, "10.99.0.50,10.99.0.150,255.255.255.0,1h", [
        "--dhcp-option=option:router,10.99.0.1",
        "--dhcp-authoritative",
        "--no-ping",
      ]);
    }, LAB_MS);

    afterAll(() => lab?.remove(), LAB_MS);

    it(
      "gets a lease and answers ping on the leased address",
      async () => {
        const lease = await driver.command({ cmd: "dhcp" }, "lease", COMMAND_MS);
        expect(lease.dhcp).toMatchObject({ discoversSent: 1, offersReceived: 1, requestsSent: 1, acksReceived: 1 });
        expect(lease.cidr).toMatch(/^10\.99\.0\.(\d+)\/24$/);
        expect(lease.gateway).toBe("10.99.0.1");
        expect(lease.leaseTimeS).toBe(3600);
        const address = String(lease.cidr).split("/")[0]!;
        console.log(
          `[tcpip] ${backend}: DHCP lease ${String(lease.cidr)} via ${String(lease.gateway)} ` +
            `for ${String(lease.leaseTimeS)} s`,
        );
        const host = Number(address.split(".")[3]);
        expect(host).toBeGreaterThanOrEqual(50);
        expect(host).toBeLessThanOrEqual(150);
        const output = lab.ns.exec("ping", ["-c", "3", "-i", "0.2", "-W", "2", address]);
        expect(output).toMatch(/3 packets transmitted, 3 received/);
        expect(readFileSync(dnsmasq.leases, "utf8")).toContain(`02:00:00:00:00:02 ${address} mirage-ts`);
        const log = readFileSync(dnsmasq.log, "utf8");
        for (const step of ["DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST", "DHCPACK"]) expect(log).toContain(step);
      },
      TEST_MS,
    );
  });
}
