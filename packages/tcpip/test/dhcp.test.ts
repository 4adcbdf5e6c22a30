import { describe, expect, it } from "vitest";
import { Ipv4Addr, Ipv4Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { DhcpClient, type DhcpLease, DhcpMessageType as T, DhcpOption, leaseConfig } from "@mirage-ts/tcpip";
import { type Lab, MAC_A, host, lab, rawPort } from "./helpers/stacks.js";
import { dhcpFrames } from "./helpers/mutations.js";
import { run, runUntil } from "./helpers/simulation.js";
import { FakeDhcpServer, type ServerOptions } from "./helpers/dhcp-server.js";

async function setup(server: ServerOptions = {}, client: Partial<ConstructorParameters<typeof DhcpClient>[0]> = {}) {
  const l: Lab = lab(3);
  const srv = new FakeDhcpServer(l, server);
  const a = await host(l, MAC_A, undefined);
  const leases: Array<DhcpLease | undefined> = [];
  const dhcp = new DhcpClient({
    udp: a.stack.udp,
    ipv4: a.stack.ipv4,
    mac: MAC_A,
    clock: l.clock,
    random: l.random,
    onLease: (lease) => leases.push(lease),
    ...client,
  });
  await dhcp.start();
  return { l, srv, a, dhcp, leases };
}

describe("DHCP client", () => {
  it("gets a lease with DISCOVER, OFFER, REQUEST, ACK and configures IPv4 from it", async () => {
    const { l, srv, a, dhcp, leases } = await setup({ leaseS: 3600 });
    const lease = await runUntil(l.clock, dhcp.waitForLease());
    expect(srv.types()).toEqual([T.discover, T.request]);
    const [discover, request] = srv.received;
    expect(discover).toMatchObject({ broadcast: true, ciaddr: "0.0.0.0", ipDst: "255.255.255.255" });
    expect(discover!.clientId).toEqual([1, ...MAC_A.toBytes()]);
    expect(discover!.paramList).toEqual([1, 3, 6, 15, 26, 51, 58, 59]);
    expect(request).toMatchObject({ requested: "10.0.0.50", server: "10.0.0.1", xid: discover!.xid, broadcast: true });
    expect(lease.cidr.toString()).toBe("10.0.0.50/24");
    expect(lease.gateway?.toString()).toBe("10.0.0.1");
    expect(lease.dnsServers.map(String)).toEqual(["10.0.0.1", "9.9.9.9"]);
    expect(lease).toMatchObject({ domainName: "test.local", mtu: 1500, leaseTimeS: 3600, renewalTimeS: 1800, rebindingTimeS: 3150 });
    expect(dhcp.state()).toBe("bound");
    expect(dhcp.lease()).toBe(lease);
    expect(leases).toEqual([lease]);
    expect(a.stack.ipv4.configuredIps().map(String)).toEqual(["10.0.0.50/24"]);
    expect(a.stack.ipv4.config()?.gateway?.toString()).toBe("10.0.0.1");
    expect(a.stack.arp.getIps().map(String)).toEqual(["10.0.0.50"]);
    expect(leaseConfig(lease)).toEqual(a.stack.ipv4.config());
  });

  it("then answers ping on the leased address", async () => {
    const { l, dhcp } = await setup();
    await runUntil(l.clock, dhcp.waitForLease());
    const peer = await host(l, Macaddr.parse("02:00:00:00:00:0b"), "10.0.0.2/24");
    const reply = await runUntil(l.clock, peer.stack.icmp.ping(Ipv4Addr.parse("10.0.0.50")));
    expect(reply.ok).toBe(true);
  });

  it("asks for the options requested, and sends its host name", async () => {
    const { l, srv, dhcp } = await setup({}, { requestedOptions: [1, 3, 42], hostname: "unikernel" });
    await runUntil(l.clock, dhcp.waitForLease());
    expect(srv.received[0]!.paramList).toEqual([1, 3, 42]);
    expect(() => new DhcpClient({ udp: undefined as never, ipv4: undefined as never, mac: MAC_A, clock: l.clock, random: l.random, hostname: "no spaces" })).toThrow(RangeError);
  });

  it("retransmits DISCOVER with exponential backoff from 4 s to 64 s, ±1 s", async () => {
    const { l, srv, dhcp } = await setup();
    srv.mode = "silent";
    await run(l.clock, 250_000);
    const gaps = srv.received.slice(1).map((r, i) => r.at - srv.received[i]!.at);
    const nominal = [4000, 8000, 16000, 32000, 64000, 64000];
    expect(gaps.length).toBeGreaterThanOrEqual(nominal.length);
    nominal.forEach((n, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(n - 1000);
      expect(gaps[i]).toBeLessThanOrEqual(n + 1000);
    });
    expect(new Set(srv.received.map((r) => r.xid)).size).toBe(1);
    expect(srv.received.at(-1)!.secs).toBeGreaterThan(100);
    expect(dhcp.state()).toBe("selecting");
  });

  it("renews with its server at T1 (unicast), keeping the address", async () => {
    const { l, srv, a, dhcp, leases } = await setup({ leaseS: 600, t1S: 300, t2S: 500 });
    const first = await runUntil(l.clock, dhcp.waitForLease());
    await run(l.clock, 299_000);
    expect(srv.received).toHaveLength(2);
    await run(l.clock, 2000);
    const renewal = srv.received[2]!;
    expect(renewal).toMatchObject({ type: T.request, ciaddr: "10.0.0.50", ipDst: "10.0.0.1", broadcast: false });
    expect(renewal.requested).toBeUndefined();
    expect(dhcp.state()).toBe("bound");
    expect(dhcp.lease()!.grantedAtMs).toBeGreaterThan(first.grantedAtMs);
    expect(leases).toHaveLength(2);
    expect(a.stack.ipv4.configuredIps().map(String)).toEqual(["10.0.0.50/24"]);
  });

  it("rebinds by broadcast at T2 when its server does not answer, retransmitting in between", async () => {
    const { l, srv, dhcp } = await setup({ leaseS: 1000, t1S: 400, t2S: 800 });
    await runUntil(l.clock, dhcp.waitForLease());
    const granted = dhcp.lease()!.grantedAtMs;
    srv.mode = "silent";
    await run(l.clock, 799_000);
    const renewals = srv.received.slice(2);
    // T1 at 400 s, then half the time left to T2, but at least 60 s apart: 600, 700 and 760 s.
    expect(renewals.map((r) => Math.round((r.at - granted) / 1000))).toEqual([400, 600, 700, 760]);
    expect(renewals.every((r) => r.ipDst === "10.0.0.1")).toBe(true);
    expect(dhcp.state()).toBe("renewing");
    srv.mode = "answer";
    await run(l.clock, 2000);
    const rebind = srv.received[6]!;
    expect(rebind).toMatchObject({ type: T.request, ipDst: "255.255.255.255", ciaddr: "10.0.0.50" });
    expect(dhcp.state()).toBe("bound");
  });

  it("loses the address when the lease expires, and starts over", async () => {
    const { l, srv, a, dhcp, leases } = await setup({ leaseS: 120 });
    await runUntil(l.clock, dhcp.waitForLease());
    srv.mode = "silent";
    await run(l.clock, 121_000);
    expect(dhcp.lease()).toBeUndefined();
    expect(leases.at(-1)).toBeUndefined();
    expect(a.stack.ipv4.configuredIps()).toEqual([]);
    expect(dhcp.state()).toBe("selecting");
    expect(srv.types().at(-1)).toBe(T.discover);
    expect(dhcp.stats().expirations).toBe(1);
    srv.mode = "answer";
    await run(l.clock, 70_000);
    expect(dhcp.state()).toBe("bound");
  });

  it("starts over on a NAK, backing off when the server keeps refusing", async () => {
    const { l, srv, dhcp } = await setup();
    srv.mode = "nak";
    await run(l.clock, 100);
    expect(srv.types()).toEqual([T.discover, T.request]);
    expect(dhcp.stats().naksReceived).toBe(1);
    expect(dhcp.state()).toBe("init");
    await run(l.clock, 60_000);
    const discovers = srv.received.filter((r) => r.type === T.discover).map((r) => r.at);
    const gaps = discovers.slice(1).map((t, i) => t - discovers[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(gaps[1]!).toBeGreaterThan(gaps[0]!);
    srv.mode = "answer";
    await run(l.clock, 70_000);
    expect(dhcp.state()).toBe("bound");
  });

  it("gives up a REQUEST after its attempts and discovers again", async () => {
    const { l, srv, dhcp } = await setup({}, { requestAttempts: 2 });
    srv.mode = "offer-only";
    await run(l.clock, 30_000);
    expect(srv.types().slice(0, 5)).toEqual([T.discover, T.request, T.request, T.discover, T.request]);
    expect(dhcp.state()).toBe("requesting"); // the new DISCOVER got a new OFFER
  });

  it("accepts offers and acks unicast to the offered address", async () => {
    const { l, dhcp } = await setup({ unicast: true });
    const lease = await runUntil(l.clock, dhcp.waitForLease());
    expect(lease.cidr.toString()).toBe("10.0.0.50/24");
  });

  it("ignores replies for another transaction or another client", async () => {
    const { l, srv, dhcp } = await setup();
    srv.mode = "silent";
    await run(l.clock, 10);
    const xid = srv.received[0]!.xid;
    const raw = rawPort(l, Macaddr.parse("02:00:00:00:00:66"));
    for (const frame of [
      ...dhcpFrames({ mac: MAC_A, ip: Ipv4Addr.broadcast }, (xid + 1) >>> 0),
      ...dhcpFrames({ mac: Macaddr.parse("02:00:00:00:00:77"), ip: Ipv4Addr.broadcast }, xid),
    ]) {
      await raw.send(frame);
    }
    await run(l.clock, 10);
    expect(dhcp.stats()).toMatchObject({ ignored: 6, offersReceived: 0 });
    expect(dhcp.state()).toBe("selecting");
    await raw.send(dhcpFrames({ mac: MAC_A, ip: Ipv4Addr.broadcast }, xid)[0]!);
    await run(l.clock, 10);
    expect(dhcp.stats().offersReceived).toBe(1);
    expect(dhcp.state()).toBe("requesting");
  });

  it("releases the lease on stop({ release: true })", async () => {
    const { l, srv, a, dhcp } = await setup();
    await runUntil(l.clock, dhcp.waitForLease());
    await runUntil(l.clock, dhcp.stop({ release: true })); // the RELEASE goes unicast: ARP first
    await run(l.clock, 100);
    expect(srv.types().at(-1)).toBe(T.release);
    expect(a.stack.ipv4.configuredIps()).toEqual([]);
    expect(dhcp.state()).toBe("stopped");
    await run(l.clock, 10_000_000);
    expect(srv.types().at(-1)).toBe(T.release);
  });

  it("falls back to the classful mask and default T1/T2 when the server omits them, and honours infinite leases", async () => {
    const { l, dhcp } = await setup({ leaseS: 0xffffffff, mask: "255.255.0.0" });
    const lease = await runUntil(l.clock, dhcp.waitForLease());
    expect(lease.leaseTimeS).toBe(Infinity);
    expect(lease.cidr.toString()).toBe("10.0.0.50/16");
    const pending = l.clock.pendingTimers;
    await run(l.clock, 1e10);
    expect(dhcp.state()).toBe("bound");
    expect(pending).toBe(0);
    expect(Ipv4Prefix.parse("10.0.0.50/8").bits).toBe(8);
    expect(DhcpOption.subnetMask).toBe(1);
  });
});
