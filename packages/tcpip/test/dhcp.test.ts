import { type LogEvent, setReporter } from "@mirage-ts/mirage-runtime";
import { Ipv4Addr, Ipv4Prefix, Macaddr } from "@mirage-ts/mirage-types";
import {
  ArpLayer,
  type ArpPacket,
  type ArpProber,
  DhcpClient,
  type DhcpClientOptions,
  DhcpIpv4Layer,
  type DhcpLease,
  DhcpOption,
  EthernetLayer,
  Ethertype,
  DhcpMessageType as T,
  decodeArpPacket,
  decodeEthernetFrame,
  encodeArpPacket,
  leaseConfig,
} from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { FakeDhcpServer, type ServerOptions, offeredAfter } from "./helpers/dhcp-server.js";
import { ethernetFrame } from "./helpers/frames.js";
import { dhcpFrames } from "./helpers/mutations.js";
import { run, runUntil } from "./helpers/simulation.js";
import { type Lab, MAC_A, type RawPort, host, lab, rawPort } from "./helpers/stacks.js";
import { runUntil as until } from "./tcp/drive.js";

function probing(client: ClientOptions, arp: ArpProber): { arp?: ArpProber } {
  const chosen = "arp" in client ? client.arp : arp;
  return chosen === undefined ? {} : { arp: chosen };
}

const MAC_SQUATTER = Macaddr.parse("02:00:00:00:00:5e");
const ZERO_MAC = Macaddr.fromBytes(new Uint8Array(6));

/** The ARP packets a raw port received, with when they arrived. */
function arpSeen(port: RawPort): Array<ArpPacket & { at: number; dst: string }> {
  const out: Array<ArpPacket & { at: number; dst: string }> = [];
  port.received.forEach((frame, i) => {
    const eth = decodeEthernetFrame(frame);
    if (!eth.ok || eth.value.header.ethertype !== Ethertype.arp) return;
    const arp = decodeArpPacket(eth.value.payload);
    if (arp.ok) out.push({ ...arp.value, at: port.arrivals[i]!, dst: eth.value.header.dst.toString() });
  });
  return out;
}

const isProbe = (p: ArpPacket, ip: string) =>
  p.operation === "request" && p.senderIp.isUnspecified() && p.targetIp.toString() === ip;
const isAnnouncement = (p: ArpPacket, ip: string) => p.senderIp.toString() === ip && p.senderMac.equals(MAC_A);

/**
 * A host that already uses the addresses `claims` accepts: it answers ARP requests (probes
 * included) for them, as Linux does. It counts its answers.
 */
function squatter(l: Lab, claims: (ip: string) => boolean): { answers: number } {
  const netif = l.sw.connect({ mac: MAC_SQUATTER });
  const state = { answers: 0 };
  void netif.listen(14, (frame) => {
    const eth = decodeEthernetFrame(frame);
    if (!eth.ok || eth.value.header.ethertype !== Ethertype.arp) return;
    const arp = decodeArpPacket(eth.value.payload);
    if (!arp.ok || arp.value.operation !== "request" || !claims(arp.value.targetIp.toString())) return;
    const body = new Uint8Array(28);
    const answer: ArpPacket = {
      operation: "reply",
      senderMac: MAC_SQUATTER,
      senderIp: arp.value.targetIp,
      targetMac: arp.value.senderMac,
      targetIp: arp.value.senderIp,
    };
    encodeArpPacket(answer, body);
    // A probe's sender has no address yet: the answer is broadcast (RFC 5227 §2.1.1 makes either count).
    const reply = ethernetFrame(
      arp.value.senderIp.isUnspecified() ? Macaddr.broadcast : arp.value.senderMac,
      MAC_SQUATTER,
      Ethertype.arp,
      body,
    );
    state.answers++;
    void netif.write(reply.length, (b) => {
      b.set(reply);
      return reply.length;
    });
  });
  return state;
}

type ClientOptions = Partial<Omit<DhcpClientOptions, "arp">> & { readonly arp?: DhcpClientOptions["arp"] | undefined };

/**
 * A server and a client on a switch; the client probes with its stack's ARP layer unless `arp` is given (even
 * `undefined`).
 */
async function setup(server: ServerOptions = {}, client: ClientOptions = {}, l: Lab = lab(3)) {
  const srv = new FakeDhcpServer(l, server);
  const a = await host(l, MAC_A, undefined);
  const leases: Array<DhcpLease | undefined> = [];
  const { arp: _chosenBelow, ...rest } = client;
  const dhcp = new DhcpClient({
    udp: a.stack.udp,
    ipv4: a.stack.ipv4,
    mac: MAC_A,
    clock: l.clock,
    random: l.random,
    onLease: (lease) => leases.push(lease),
    ...rest,
    ...probing(client, a.stack.arp),
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
    expect(lease).toMatchObject({
      domainName: "test.local",
      mtu: 1500,
      leaseTimeS: 3600,
      renewalTimeS: 1800,
      rebindingTimeS: 3150,
    });
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
    expect(
      () =>
        new DhcpClient({
          udp: undefined as never,
          ipv4: undefined as never,
          mac: MAC_A,
          clock: l.clock,
          random: l.random,
          hostname: "no spaces",
        }),
    ).toThrow(RangeError);
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

  it("warns once, naming the count and the wait, when no server answers its DISCOVERs", async () => {
    const events: LogEvent[] = [];
    setReporter((event) => events.push(event));
    try {
      const { l, srv } = await setup();
      srv.mode = "silent";
      await run(l.clock, 250_000);
      const warnings = events.filter((e) => e.source === "dhcp-client" && e.level === "warning");
      expect(warnings.map((e) => e.message)).toEqual([
        expect.stringMatching(/^no DHCP server answered 3 DHCPDISCOVERs in 1[0-4] s: still asking; is a DHCP server/u),
      ]);
    } finally {
      setReporter(() => undefined);
    }
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

  const fallsBackTitle =
    "falls back to the classful mask and default T1/T2 when the server omits them, and honours infinite leases";
  it(fallsBackTitle, async () => {
    const { l, dhcp } = await setup({ leaseS: 0xffffffff, mask: "255.255.0.0" });
    const lease = await runUntil(l.clock, dhcp.waitForLease());
    expect(lease.leaseTimeS).toBe(Infinity);
    expect(lease.cidr.toString()).toBe("10.0.0.50/16");
    await run(l.clock, 10); // the announcement crosses the switch
    const pending = l.clock.pendingTimers;
    await run(l.clock, 1e10);
    expect(dhcp.state()).toBe("bound");
    expect(pending).toBe(0);
    expect(Ipv4Prefix.parse("10.0.0.50/8").bits).toBe(8);
    expect(DhcpOption.subnetMask).toBe(1);
  });
});

describe("DHCP address conflict detection", () => {
  const probesAckedTitle =
    "probes the ACKed address 3 times from 0.0.0.0, 200 ms apart, and configures and announces it only after";
  it(probesAckedTitle, async () => {
    const l: Lab = lab(3);
    const sniffer = rawPort(l, Macaddr.parse("02:00:00:00:00:66"));
    const { srv, a, dhcp } = await setup({}, {}, l);
    await until(l.clock, () => srv.types().includes(T.request));
    await run(l.clock, 1);
    expect(dhcp.state()).toBe("probing");
    expect(a.stack.ipv4.configuredIps()).toEqual([]);
    expect(a.stack.arp.getIps()).toEqual([]);
    expect(a.stack.arp.stats().pending).toBe(1);
    await run(l.clock, 300);
    expect(a.stack.ipv4.configuredIps()).toEqual([]); // two probes out, not bound yet
    const lease = await runUntil(l.clock, dhcp.waitForLease());
    expect(lease.cidr.toString()).toBe("10.0.0.50/24");
    await run(l.clock, 10);
    const seen = arpSeen(sniffer);
    const probes = seen.filter((p) => isProbe(p, "10.0.0.50"));
    expect(probes).toHaveLength(3);
    for (const probe of probes) {
      expect(probe.dst).toBe("ff:ff:ff:ff:ff:ff");
      expect(probe.senderMac.equals(MAC_A) && probe.targetMac.equals(ZERO_MAC)).toBe(true);
    }
    expect(probes.map((p) => p.at - probes[0]!.at)).toEqual([0, 200, 400]);
    expect(probes[0]!.at).toBeGreaterThanOrEqual(srv.received[1]!.at);
    const announcements = seen.filter((p) => isAnnouncement(p, "10.0.0.50"));
    expect(announcements).toHaveLength(1);
    expect(announcements[0]!.at).toBe(probes[2]!.at + 200);
    expect(seen.indexOf(announcements[0]!)).toBeGreaterThan(seen.indexOf(probes[2]!));
    expect(a.stack.ipv4.configuredIps().map(String)).toEqual(["10.0.0.50/24"]);
    expect(dhcp.stats()).toMatchObject({ acksReceived: 1, leasesObtained: 1, declinesSent: 0 });
    expect(a.stack.arp.stats().pending).toBe(0);
  });

  const declinesTitle =
    "declines an address another host answers for, waits 10 s, discovers again and binds the next address";
  it(declinesTitle, async () => {
    const l: Lab = lab(3);
    const sniffer = rawPort(l, Macaddr.parse("02:00:00:00:00:66"));
    const other = squatter(l, (ip) => ip === "10.0.0.50");
    const { srv, a, dhcp, leases } = await setup({}, {}, l);
    await until(l.clock, () => srv.types().includes(T.decline));
    expect(other.answers).toBe(1);
    const decline = srv.received.find((r) => r.type === T.decline)!;
    const request = srv.received.find((r) => r.type === T.request)!;
    expect(decline).toMatchObject({
      requested: "10.0.0.50",
      server: "10.0.0.1",
      ciaddr: "0.0.0.0",
      ipDst: "255.255.255.255",
      xid: request.xid,
    });
    expect(decline.paramList).toEqual([]); // RFC 2131 table 5: no parameter request list in a DECLINE
    expect(decline.clientId).toEqual([1, ...MAC_A.toBytes()]);
    expect(dhcp.stats()).toMatchObject({ declinesSent: 1, leasesObtained: 0 });
    expect(dhcp.state()).toBe("init");
    expect(a.stack.ipv4.configuredIps()).toEqual([]);
    expect(leases).toEqual([]);
    expect(a.stack.arp.stats().conflicts).toBe(1);
    // The probe ended at the conflict: the decline follows the first probe, not a full probe window.
    const probes = arpSeen(sniffer).filter((p) => isProbe(p, "10.0.0.50"));
    expect(probes).toHaveLength(1);

    const lease = await runUntil(l.clock, dhcp.waitForLease());
    expect(lease.cidr.toString()).toBe(`${offeredAfter("10.0.0.50", 1)}/24`);
    await run(l.clock, 10);
    const discovers = srv.received.filter((r) => r.type === T.discover);
    expect(discovers).toHaveLength(2);
    expect(discovers[1]!.at - decline.at).toBe(10_000);
    expect(discovers[1]!.xid).not.toBe(discovers[0]!.xid);
    expect(srv.types()).toEqual([T.discover, T.request, T.decline, T.discover, T.request]);
    expect(a.stack.ipv4.configuredIps().map(String)).toEqual(["10.0.0.51/24"]);
    const seen = arpSeen(sniffer);
    expect(seen.filter((p) => isProbe(p, "10.0.0.51"))).toHaveLength(3);
    expect(seen.some((p) => isAnnouncement(p, "10.0.0.50"))).toBe(false); // never announced the taken address
    expect(seen.filter((p) => isAnnouncement(p, "10.0.0.51"))).toHaveLength(1);
    expect(dhcp.stats()).toMatchObject({ declinesSent: 1, leasesObtained: 1, acksReceived: 2 });
  });

  it("slows down to one attempt a minute after 10 conflicts in a row (RFC 5227 rate limiting)", async () => {
    const l: Lab = lab(3);
    squatter(l, () => true);
    const { srv, dhcp } = await setup({}, {}, l);
    await run(l.clock, 400_000);
    const declines = srv.received.filter((r) => r.type === T.decline);
    const discovers = srv.received.filter((r) => r.type === T.discover);
    expect(declines.length).toBeGreaterThanOrEqual(11);
    expect(declines.slice(0, 11).map((d) => d.requested)).toEqual(
      Array.from({ length: 11 }, (_, i) => offeredAfter("10.0.0.50", i)),
    );
    const waits = declines.slice(0, 11).map((d, i) => discovers[i + 1]!.at - d.at);
    expect(waits).toEqual([...Array<number>(9).fill(10_000), 60_000, 60_000]);
    expect(dhcp.stats().leasesObtained).toBe(0);
  });

  it("binds at once with conflictDetection: false, or without an ARP layer", async () => {
    for (const client of [{ conflictDetection: false }, { arp: undefined }] as const) {
      const l: Lab = lab(3);
      const sniffer = rawPort(l, Macaddr.parse("02:00:00:00:00:66"));
      const other = squatter(l, (ip) => ip === "10.0.0.50");
      const { srv, a, dhcp } = await setup({}, client, l);
      await until(l.clock, () => srv.types().includes(T.request));
      await run(l.clock, 1);
      expect(dhcp.state()).toBe("bound");
      expect(a.stack.ipv4.configuredIps().map(String)).toEqual(["10.0.0.50/24"]);
      expect(arpSeen(sniffer).some((p) => p.senderIp.isUnspecified())).toBe(false);
      expect(dhcp.stats().declinesSent).toBe(0);
      await run(l.clock, 10);
      expect(other.answers).toBe(1); // to the announcement, after the address was bound
    }
  });

  it("takes its probe count and interval from conflictDetection, and checks them", async () => {
    const l: Lab = lab(3);
    const sniffer = rawPort(l, Macaddr.parse("02:00:00:00:00:66"));
    const { dhcp, a } = await setup({}, { conflictDetection: { probes: 2, intervalMs: 1500 } }, l);
    await runUntil(l.clock, dhcp.waitForLease());
    await run(l.clock, 10);
    const probes = arpSeen(sniffer).filter((p) => isProbe(p, "10.0.0.50"));
    expect(probes.map((p) => p.at - probes[0]!.at)).toEqual([0, 1500]);
    expect(arpSeen(sniffer).find((p) => isAnnouncement(p, "10.0.0.50"))!.at).toBe(probes[1]!.at + 1500);
    const base = { udp: a.stack.udp, ipv4: a.stack.ipv4, mac: MAC_A, clock: l.clock, random: l.random };
    expect(() => new DhcpClient({ ...base, conflictDetection: true })).toThrow(TypeError);
    expect(() => new DhcpClient({ ...base, arp: a.stack.arp, conflictDetection: { probes: 0 } })).toThrow(RangeError);
    expect(() => new DhcpClient({ ...base, arp: a.stack.arp, conflictDetection: { intervalMs: 0 } })).toThrow(
      RangeError,
    );
  });

  it("does not probe again on renewals of the address it holds", async () => {
    const l: Lab = lab(3);
    const sniffer = rawPort(l, Macaddr.parse("02:00:00:00:00:66"));
    const { srv, dhcp } = await setup({ leaseS: 600, t1S: 300, t2S: 500 }, {}, l);
    await runUntil(l.clock, dhcp.waitForLease());
    sniffer.received.length = 0;
    sniffer.arrivals.length = 0;
    await run(l.clock, 301_000);
    expect(srv.types()).toEqual([T.discover, T.request, T.request]);
    expect(dhcp.state()).toBe("bound");
    expect(dhcp.stats()).toMatchObject({ leasesObtained: 2, acksReceived: 2 });
    expect(arpSeen(sniffer).some((p) => p.senderIp.isUnspecified())).toBe(false);
  });

  it("leaves no timer when stopped while probing, and never binds the probed address", async () => {
    const l: Lab = lab(3);
    const { srv, a, dhcp, leases } = await setup({}, {}, l);
    await until(l.clock, () => srv.types().includes(T.request));
    await run(l.clock, 250);
    expect(dhcp.state()).toBe("probing");
    await dhcp.stop();
    await run(l.clock, 0);
    expect(dhcp.state()).toBe("stopped");
    expect(a.stack.arp.stats().pending).toBe(0);
    expect(l.clock.pendingTimers).toBe(0);
    await run(l.clock, 100_000);
    expect(leases).toEqual([]);
    expect(a.stack.ipv4.configuredIps()).toEqual([]);
    expect(srv.types()).toEqual([T.discover, T.request]);
  });

  it("leaves no timer after stop once bound", async () => {
    const l: Lab = lab(3);
    const { dhcp } = await setup({}, {}, l);
    await runUntil(l.clock, dhcp.waitForLease());
    await run(l.clock, 10);
    expect(l.clock.pendingTimers).toBeGreaterThan(0); // T1
    await dhcp.stop();
    expect(l.clock.pendingTimers).toBe(0);
  });

  it("probes and declines through a DhcpIpv4Layer before any stack exists", async () => {
    const l: Lab = lab(5);
    const srv = new FakeDhcpServer(l);
    const other = squatter(l, (ip) => ip === "10.0.0.50");
    const netif = l.sw.connect({ mac: MAC_A });
    const ethernet = new EthernetLayer(netif);
    const arp = new ArpLayer(ethernet, { clock: l.clock });
    const ipv4 = await runUntil(
      l.clock,
      DhcpIpv4Layer.connect(ethernet, arp, { netif, clock: l.clock, random: l.random }),
    );
    expect(other.answers).toBe(1);
    expect(srv.types()).toEqual([T.discover, T.request, T.decline, T.discover, T.request]);
    expect(ipv4.configuredIps().map(String)).toEqual(["10.0.0.51/24"]);
    expect(ipv4.client.stats()).toMatchObject({ declinesSent: 1, leasesObtained: 1 });
    await run(l.clock, 10);
    await ipv4.disconnect();
    expect(l.clock.pendingTimers).toBe(0);
  });
});
