/**
 * Both network backends against the Linux kernel as the peer, in a network namespace this file
 * creates: the kernel's ARP request for the unikernel's address must arrive through the device, and
 * the reply written through it must make `ip neigh` show the unikernel's MAC (then ping works too).
 * Needs root, iproute2, socat and ping (and the addon for the tap): skipped with the reason in the title
 * otherwise, or failing in CI (test-support's strict mode).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type Network, ppNetError } from "@mirage-ts/mirage-types";
import { connectTap, connectUdpTunnel } from "@mirage-ts/mirage-unix";
import {
  describeRequiring,
  itRequiring,
  missingNamespaces,
  missingTapAddon,
  missingTools,
} from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { arpRequestFor, fillArpReply, fillEchoReply } from "./support/arp.js";
import { fixturesMs } from "./support/limits.js";
import {
  Processes,
  createNamespace,
  deleteNamespace,
  interfaceName,
  ip,
  linkExists,
  plugIntoNamespace,
  waitUntil,
} from "./support/netns.js";
import { freePort } from "./support/ports.js";
import { finished, runFixture, startFixture, waitForLine } from "./support/run-fixture.js";
import { runFixtureUnprivileged } from "./support/unprivileged.js";

const run = promisify(execFile);
const reason = missingNamespaces("ping");
const tapReason = reason ?? missingTapAddon();

describeRequiring(reason, "network backends against the kernel in a namespace", { timeout: fixturesMs(1) }, () => {
  let ns = "";
  const processes = new Processes();
  let subnet = 10;

  beforeAll(() => {
    ns = createNamespace();
  });

  afterAll(async () => {
    await processes.stopAll();
    deleteNamespace(ns);
  });

  /** Answers ARP and ping for the unikernel's address on `netif`, pings it from the kernel, checks. */
  async function kernelLearnsOurMac(netif: Network, link: string): Promise<void> {
    const kernelIp = `10.77.${subnet}.1`;
    const ourIp = `10.77.${subnet}.2`;
    subnet++;
    plugIntoNamespace(link, ns, `${kernelIp}/24`);
    const kernelMac = /link\/ether ([0-9a-f:]+)/.exec(ip("-n", ns, "link", "show", link))?.[1];
    let arpFrom: string | undefined;
    const reply = new Uint8Array(2048);
    const listening = netif.listen(14, async (frame) => {
      const request = arpRequestFor(frame, ourIp);
      const length = request
        ? fillArpReply(reply, request, netif.mac(), ourIp)
        : fillEchoReply(reply, frame, netif.mac(), ourIp);
      if (request) arpFrom = [...request.senderMac].map((b) => b.toString(16).padStart(2, "0")).join(":");
      if (length === 0) return;
      const written = await netif.write(length, (buffer) => {
        buffer.set(reply.subarray(0, length));
        return length;
      });
      if (!written.ok) throw new Error(ppNetError(written.error));
    });
    const ping = await run("ip", ["netns", "exec", ns, "ping", "-c", "2", "-W", "2", ourIp]);
    expect(ping.stdout).toContain("2 received");
    expect(arpFrom).toBe(kernelMac);
    expect(ip("-n", ns, "neigh", "show", ourIp, "dev", link)).toContain(`lladdr ${netif.mac().toString()}`);
    const stats = netif.getStatsCounters();
    expect(stats.rxPkts).toBeGreaterThanOrEqual(3); // ARP request and two echo requests
    expect(stats.txPkts).toBeGreaterThanOrEqual(3);
    await netif.disconnect();
    expect(await listening).toEqual({ ok: true, value: undefined });
  }

  it("UDP frame tunnel through socat: the kernel learns the unikernel's MAC", async () => {
    const link = interfaceName("u");
    const socatPort = await freePort("udp");
    const tunnel = await connectUdpTunnel({ remotePort: socatPort });
    try {
      const socat = processes.start("socat", [
        `TUN,tun-type=tap,tun-name=${link},iff-no-pi`,
        `UDP-DATAGRAM:127.0.0.1:${tunnel.localPort},bind=127.0.0.1:${socatPort}`,
      ]);
      await waitUntil(`socat to create ${link}`, () => linkExists(link) || socat.exitCode !== null);
      expect(socat.exitCode).toBeNull();
      await kernelLearnsOurMac(tunnel, link);
    } finally {
      await tunnel.disconnect();
      await processes.stopAll();
    }
  });

  it("socket stack: a connection attempt without a route fails with the system's reason", async () => {
    // The namespace has no route to 10.1.2.3: the kernel answers ENETUNREACH at once.
    const outcome = await runFixture("tcp-unreachable", ["10.1.2.3"], { command: ["ip", "netns", "exec", ns] });
    expect(outcome.stdout).toBe("msg: network is unreachable (ENETUNREACH)\n");
  });

  describeRequiring(tapReason, "native tap", {}, () => {
    it("the kernel learns the unikernel's MAC through the tap", async () => {
      const link = interfaceName("t");
      const tap = await connectTap(link);
      try {
        expect(tap.name).toBe(link);
        expect(tap.mac().isLocallyAdministered()).toBe(true);
        await kernelLearnsOurMac(tap, link);
        // Closing the descriptor removed the tap from the namespace.
        await waitUntil(`${link} to disappear`, () => !ip("-n", ns, "link", "show").includes(link));
      } finally {
        await tap.disconnect();
      }
    });

    it("ends listening with `disconnected` when the interface is deleted under it", async () => {
      const link = interfaceName("d");
      const tap = await connectTap(link);
      try {
        const listening = tap.listen(14, () => {});
        ip("link", "del", link);
        const outcome = await listening;
        expect(!outcome.ok && ppNetError(outcome.error)).toBe("network device is disconnected");
        const late = await tap.write(60, () => 60);
        expect(!late.ok && late.error.kind).toBe("disconnected");
      } finally {
        await tap.disconnect();
      }
    });

    it("lets the process exit by itself once the tap is disconnected", async () => {
      const link = interfaceName("x");
      const child = startFixture("tap-exit", [link]);
      const outcome = finished(child);
      await waitForLine(child, "listening");
      expect(linkExists(link)).toBe(true);
      child.kill("SIGUSR2"); // the fixture disconnects the tap
      const result = await outcome;
      expect(result.stderr).toBe("");
      expect(result.signal).toBeNull();
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("listening\nlisten ended: ok\n");
      expect(linkExists(link)).toBe(false);
    });

    itRequiring(missingTools("setpriv"), "explains permission and name problems", {}, async () => {
      await expect(connectTap("x".repeat(16))).rejects.toThrow("tap interface names have at most 15 bytes");
      const link = interfaceName("p");
      // Staged where nobody can read it: the checkout may be in a directory only root can enter.
      const unprivileged = await runFixtureUnprivileged("tap-open", [link]);
      expect(unprivileged.stdout).toContain(
        `Permission denied while opening the ${link} device. Please re-run using sudo`,
      );
      expect(unprivileged.stdout).toContain(`ip tuntap add ${link} mode tap user $USER`);
      expect(linkExists(link)).toBe(false);
    });
  });
});
