/**
 * Both network backends against the Linux kernel as the peer, in a network namespace this file
 * creates: the kernel's ARP request for the unikernel's address must arrive through the device, and
 * the reply written through it must make `ip neigh` show the unikernel's MAC (then ping works too).
 * Needs root, iproute2, socat and ping (and the addon for the tap): skipped with the reason in the title
 * otherwise, or failing in CI (test-support's strict mode).
 */
import { readFileSync } from "node:fs";
import { type Network, ppNetError } from "@mirage-ts/mirage-types";
import { connectNetif, connectTap, connectUdpTunnel } from "@mirage-ts/mirage-unix";
import {
  Namespace,
  createTap,
  describeRequiring,
  freeUdpPort,
  interfaceName,
  ip,
  itRequiring,
  linkExists,
  missingNamespaces,
  missingTapAddon,
  missingTools,
  socatTunnel,
  waitFor,
} from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { arpRequestFor, fillArpReply, fillEchoReply } from "./support/arp.js";
import { fixturesMs } from "./support/limits.js";
import { finished, runFixture, startFixture, waitForLine } from "./support/run-fixture.js";
import { runFixtureUnprivileged } from "./support/unprivileged.js";

const reason = missingNamespaces("ping");
const tapReason = reason ?? missingTapAddon();

describeRequiring(reason, "network backends against the kernel in a namespace", { timeout: fixturesMs(1) }, () => {
  let ns: Namespace;
  let subnet = 10;

  beforeAll(() => {
    ns = Namespace.create("mu-test");
  });

  afterAll(() => ns?.remove());

  /** Answers ARP and ping for the unikernel's address on `netif`, pings it from the kernel, checks. */
  async function kernelLearnsOurMac(netif: Network, link: string): Promise<void> {
    const kernelIp = `10.77.${subnet}.1`;
    const ourIp = `10.77.${subnet}.2`;
    subnet++;
    await ns.adopt(link, [`${kernelIp}/24`]);
    const kernelMac = /link\/ether ([0-9a-f:]+)/.exec(ns.ip("link", "show", link))?.[1];
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
    const ping = await ns.run("ping", ["-c", "2", "-W", "2", ourIp]);
    expect(ping.stdout.toString()).toContain("2 received");
    expect(arpFrom).toBe(kernelMac);
    expect(ns.ip("neigh", "show", ourIp, "dev", link)).toContain(`lladdr ${netif.mac().toString()}`);
    const stats = netif.getStatsCounters();
    expect(stats.rxPkts).toBeGreaterThanOrEqual(3); // ARP request and two echo requests
    expect(stats.txPkts).toBeGreaterThanOrEqual(3);
    await netif.disconnect();
    expect(await listening).toEqual({ ok: true, value: undefined });
  }

  it("UDP frame tunnel through socat: the kernel learns the unikernel's MAC", async () => {
    const link = interfaceName("muu");
    const socatPort = await freeUdpPort();
    const tunnel = await connectUdpTunnel({ remotePort: socatPort });
    try {
      const { socat } = await socatTunnel(ns, link, { socatPort, peerPort: tunnel.localPort });
      expect(socat.exitCode).toBeNull();
      await kernelLearnsOurMac(tunnel, link);
    } finally {
      await tunnel.disconnect();
    }
  });

  it("socket stack: a connection attempt without a route fails with the system's reason", async () => {
    // The namespace has no route to 10.1.2.3: the kernel answers ENETUNREACH at once.
    const outcome = await runFixture("tcp-unreachable", ["10.1.2.3"], { command: ["ip", "netns", "exec", ns.name] });
    expect(outcome.stdout).toBe("msg: network is unreachable (ENETUNREACH)\n");
  });

  describeRequiring(tapReason, "native tap", {}, () => {
    it("the kernel learns the unikernel's MAC through the tap", async () => {
      const link = interfaceName("mut");
      const tap = await connectTap(link);
      try {
        expect(tap.name).toBe(link);
        expect(tap.mac().isLocallyAdministered()).toBe(true);
        await kernelLearnsOurMac(tap, link);
        // Closing the descriptor removed the tap from the namespace.
        await waitFor(`${link} to disappear`, () => !ns.hasLink(link));
      } finally {
        await tap.disconnect();
      }
    });

    it("ends listening with `disconnected` when the interface is deleted under it", async () => {
      const link = interfaceName("mud");
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
      const link = interfaceName("mux");
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
      const link = interfaceName("mup");
      // Staged where nobody can read it: the checkout may be in a directory only root can enter.
      const unprivileged = await runFixtureUnprivileged("tap-open", [link]);
      expect(unprivileged.stdout).toContain(
        `Permission denied while opening the ${link} device. Please re-run using sudo`,
      );
      expect(unprivileged.stdout).toContain(`ip tuntap add ${link} mode tap user $USER`);
      expect(linkExists(link)).toBe(false);
    });

    it("sets the interface's queue length: 4096 by default, never lowered by it, or as asked", async () => {
      const [defaulted, asked, longer] = [interfaceName("muq"), interfaceName("muq"), interfaceName("muq")];
      const queueOf = (link: string) => readFileSync(`/sys/class/net/${link}/tx_queue_len`, "utf8").trim();
      const tap = createTap(longer);
      try {
        ip("link", "set", longer, "txqueuelen", "10000");
        const taps = [
          await connectTap(defaulted),
          await connectNetif(`tap:${asked},queue=64`),
          await connectTap(longer),
        ];
        try {
          expect(taps.map((tap) => ("queueLength" in tap ? tap.queueLength : 0))).toEqual([4096, 64, 10000]);
          expect([defaulted, asked, longer].map(queueOf)).toEqual(["4096", "64", "10000"]);
          expect(ip("-d", "link", "show", asked)).toContain(" qlen 64");
        } finally {
          await Promise.all(taps.map((tap) => tap.disconnect()));
        }
      } finally {
        tap.remove();
      }
    });

    it("counts the frames the kernel drops while the unikernel does not read", async () => {
      const link = interfaceName("muq");
      const [kernelIp, ourIp] = [`10.77.${subnet}.1`, `10.77.${subnet}.2`];
      subnet++;
      const burst = 100;
      // Not listening yet: nothing reads the tap, so its queue fills with 8 frames and the rest are dropped.
      const tap = await connectTap(link, { queueLength: 8 });
      try {
        await ns.adopt(link, [`${kernelIp}/24`]);
        ns.ip("neigh", "replace", ourIp, "lladdr", tap.mac().toString(), "dev", link, "nud", "permanent");
        const send =
          `const s = require("node:dgram").createSocket("udp4"); let left = ${burst};` +
          `const next = () => (left-- > 0 ? s.send(new Uint8Array(64), 9, "${ourIp}", next) : s.close()); next();`;
        expect((await ns.run(process.execPath, ["-e", send])).code).toBe(0);
        // The kernel's own count, in the namespace the tap was moved to; the device reads it there too.
        type Link = { stats64: { tx: { packets: number; dropped: number } } };
        const kernel = () => (JSON.parse(ns.ip("-s", "-j", "link", "show", link)) as [Link])[0].stats64.tx;
        await expect.poll(() => tap.getStatsCounters().rxDropped).toBeGreaterThanOrEqual(burst - 8);
        expect(tap.getStatsCounters().rxDropped).toBe(kernel().dropped);
        // Reading now delivers the 8 frames that waited: each frame the kernel sent was read or counted.
        const listening = tap.listen(14, () => {});
        await expect.poll(() => tap.getStatsCounters().rxPkts).toBe(8);
        expect(kernel()).toMatchObject({ packets: 8, dropped: tap.getStatsCounters().rxDropped });
        tap.resetStatsCounters();
        expect(tap.getStatsCounters()).toMatchObject({ rxPkts: 0, rxDropped: 0, txDropped: 0 });
        await tap.disconnect();
        expect((await listening).ok).toBe(true);
      } finally {
        await tap.disconnect();
      }
    });

    itRequiring(
      missingTools("setpriv"),
      "without CAP_NET_ADMIN: warns for the default, fails for a choice",
      {},
      async () => {
        const link = interfaceName("muu");
        // A persistent tap of this user, up, as `ip tuntap add … user $USER` and an administrator make one;
        // then this user without CAP_NET_ADMIN (root's file access kept: /dev/net/tun may be root's only).
        const tap = createTap(link, { user: process.getuid?.() ?? 0 });
        ip("link", "set", link, "up");
        const withoutNetAdmin = { command: ["setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin"] };
        const connect = (...args: string[]) => runFixture("tap-queue", [link, ...args], withoutNetAdmin);
        try {
          const defaulted = await connect();
          expect(defaulted.stdout).toBe(
            `warning: ${link}: its queue holds 1000 frames, not the default 4096: setting txqueuelen needs ` +
              "CAP_NET_ADMIN. A burst beyond 1000 frames is dropped (counted in rxDropped); set it beforehand: " +
              `\`sudo ip link set ${link} txqueuelen 4096\`.\nqueue 1000\n`,
          );
          expect((await connect("64")).stdout).toBe(
            `Cannot set the queue length of ${link} to 64 frames: setting txqueuelen needs CAP_NET_ADMIN. Re-run ` +
              `using sudo, or set it beforehand: \`sudo ip link set ${link} txqueuelen 64\`.\n`,
          );
          // Already the length asked: nothing to set, no privilege needed.
          expect((await connect("1000")).stdout).toBe("queue 1000\n");
        } finally {
          tap.remove();
        }
      },
    );
  });
});
