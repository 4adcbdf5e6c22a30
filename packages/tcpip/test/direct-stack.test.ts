/**
 * `DirectStack`, mirage-types' `Stack` over a network device, on a virtual switch and a virtual
 * clock: TCP echo and UDP between two stacks (as `Stack`, typed with `Ipaddr`), what IPv6
 * destinations give with `ipv4Only`, a stack configured by a scripted DHCP server, and disconnection.
 */

import { createHash } from "node:crypto";
import { type Ipaddr, Ipv4Addr, Ipv4Prefix, Ipv6Addr, Macaddr, type Stack, ppTcpError } from "@mirage-ts/mirage-types";
import { DirectStack, type DirectStackOptions, type LinkImpairments, type TcpConfig } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { FakeDhcpServer } from "./helpers/dhcp-server.js";
import { echoServer, floodSyn, stackOn } from "./helpers/direct-stacks.js";
import { type Lab, lab } from "./helpers/stacks.js";
import { drive, runUntil } from "./tcp/drive.js";
import { randomBytes } from "./tcp/transfer.js";

const IP_A = Ipv4Addr.parse("10.0.0.1");
const IP_B = Ipv4Addr.parse("10.0.0.2");
const V6 = Ipv6Addr.parse("2001:db8::1");

async function twoStacks(
  link: LinkImpairments = {},
  config: TcpConfig = {},
  extra: Partial<DirectStackOptions> = {},
): Promise<{ l: Lab; a: DirectStack; b: DirectStack }> {
  const l = lab(7);
  const tcp = { sendBufferSize: 1 << 20, receiveBufferSize: 1 << 20, ...config };
  const a = await stackOn(
    l,
    "02:00:00:00:00:0a",
    { ipv4: { cidr: Ipv4Prefix.parse("10.0.0.1/24") }, tcp, ...extra },
    link,
  );
  const b = await stackOn(
    l,
    "02:00:00:00:00:0b",
    { ipv4: { cidr: Ipv4Prefix.parse("10.0.0.2/24") }, tcp, ...extra },
    link,
  );
  return { l, a, b };
}

describe("DirectStack over a virtual switch", () => {
  it("echoes 1 MiB over TCP through loss and reordering, then every table is empty", async () => {
    const { l, a, b } = await twoStacks({ delayMs: 1, loss: 0.01, reorder: 0.01 });
    echoServer(a);
    const client: Stack = b;
    const opened = await drive(l.clock, client.tcp().createConnection(IP_A, 7));
    if (!opened.ok) throw new Error(ppTcpError(opened.error));
    const flow = opened.value;
    expect(flow.dst()).toEqual({ addr: IP_A, port: 7 });
    expect(flow.src().addr.equals(IP_B)).toBe(true);
    const data = randomBytes(1 << 20, 3);
    const echoed = createHash("sha256");
    let received = 0;
    let done = false;
    void (async () => {
      for (;;) {
        const r = await flow.read();
        if (!r.ok || r.value.kind === "eof") break;
        echoed.update(r.value.data);
        received += r.value.data.length;
      }
      done = true;
    })();
    void (async () => {
      for (let off = 0; off < data.length; off += 50_000) await flow.write(data.subarray(off, off + 50_000));
      await flow.shutdown("write");
    })();
    await runUntil(l.clock, () => done);
    expect(received).toBe(data.length);
    expect(echoed.digest("hex")).toBe(createHash("sha256").update(data).digest("hex"));
    await flow.close();
    await runUntil(l.clock, () => a.tcp().stats().connections === 0 && b.tcp().stats().connections === 0);
    for (const s of [a, b]) {
      expect(s.stats().tcp).toMatchObject({
        timers: 0,
        sendBufferedBytes: 0,
        receiveBufferedBytes: 0,
        internalErrors: 0,
      });
    }
    expect(a.stats().tcp.retransmittedSegments + b.stats().tcp.retransmittedSegments).toBeGreaterThan(0);
  }, 60_000);

  it("exchanges UDP datagrams through the Ipaddr-typed layer", async () => {
    const { l, a, b } = await twoStacks();
    const seen: Array<[Ipaddr, Ipaddr, number, string]> = [];
    a.udp().listen(53, (src, dst, srcPort, payload) => {
      seen.push([src, dst, srcPort, new TextDecoder().decode(payload)]);
      void a.udp().write(src, srcPort, payload.slice().reverse(), { srcPort: 53 });
    });
    const replies: string[] = [];
    b.udp().listen(4000, (_src, _dst, _port, payload) => void replies.push(new TextDecoder().decode(payload)));
    const sent = await drive(l.clock, b.udp().write(IP_A, 53, new TextEncoder().encode("hello"), { srcPort: 4000 }));
    expect(sent).toEqual({ ok: true, value: undefined });
    await runUntil(l.clock, () => replies.length === 1);
    expect(replies).toEqual(["olleh"]);
    expect(seen).toHaveLength(1);
    expect(seen[0]![0].equals(IP_B)).toBe(true);
    expect(seen[0]![1].equals(IP_A)).toBe(true);
    expect(seen[0]![2]).toBe(4000);
    expect(a.stats().udp.rxDelivered).toBe(1);
  });

  it("with ipv4Only, fails IPv6 destinations with no_route, at once, and never delivers IPv6 input", async () => {
    const { l, a, b } = await twoStacks({}, {}, { ipv4Only: true });
    const noRoute = { kind: "no_route", reason: "IPv6 is not used by this stack" };
    expect(await a.udp().write(V6, 53, new Uint8Array(4))).toEqual({ ok: false, error: noRoute });
    expect(await a.udp().write(IP_B, 53, new Uint8Array(4), { src: V6 })).toEqual({ ok: false, error: noRoute });
    expect(await a.ip().write(V6, "udp", () => 0, [new Uint8Array(4)])).toEqual({ ok: false, error: noRoute });
    const tcp = await a.tcp().createConnection(V6, 80);
    expect(tcp.ok).toBe(false);
    if (!tcp.ok) expect(ppTcpError(tcp.error)).toBe("no route to destination: IPv6 is not used by this stack");
    expect(() => a.tcp().createConnection(V6, 0)).toThrow(RangeError);
    let delivered = 0;
    a.udp().listen(53, () => void delivered++);
    await a.udp().input(V6, V6, new Uint8Array(16));
    expect(delivered).toBe(0);
    expect(a.tcp().stats().connections).toBe(0);
    // The IP layer through the dual-stack signature.
    expect(a.ip().configuredIps().map(String)).toEqual(["10.0.0.1/24"]);
    expect(a.ip().src(IP_B).equals(IP_A)).toBe(true);
    expect(a.ip().src(V6).equals(Ipv6Addr.unspecified)).toBe(true);
    expect(a.ip().mtu(IP_B)).toBe(1480);
    expect(a.ip().mtu(V6)).toBe(1460);
    expect(() => a.ip().pseudoheader(V6, IP_B, "tcp", 0)).toThrow(TypeError);
    expect(a.ip().pseudoheader(IP_A, IP_B, "tcp", 20)).toHaveLength(12);
    await drive(l.clock, b.disconnect());
  });

  it("takes its address from DHCP by default, then serves TCP on it", async () => {
    const l = lab(9);
    const server = new FakeDhcpServer(l, { offer: "10.0.0.50" });
    const leases: string[] = [];
    const dhcpStack = await stackOn(l, "02:00:00:00:00:0c", {
      dhcp: { hostname: "direct", onLease: (lease) => void leases.push(String(lease?.cidr)) },
    });
    expect(leases).toEqual(["10.0.0.50/24"]);
    expect(dhcpStack.ip().configuredIps().map(String)).toEqual(["10.0.0.50/24"]);
    expect(dhcpStack.dhcpClient?.state()).toBe("bound");
    expect(dhcpStack.stats().dhcp).toMatchObject({ discoversSent: 1, requestsSent: 1, leasesObtained: 1 });
    expect(server.received.map((r) => r.type)).toEqual([1, 3]);

    echoServer(dhcpStack);
    const peer = await stackOn(l, "02:00:00:00:00:0d", { ipv4: { cidr: Ipv4Prefix.parse("10.0.0.60/24") } });
    expect(peer.dhcpClient).toBeUndefined();
    const opened = await drive(l.clock, peer.tcp().createConnection(Ipv4Addr.parse("10.0.0.50"), 7));
    if (!opened.ok) throw new Error(ppTcpError(opened.error));
    await drive(l.clock, opened.value.write(new TextEncoder().encode("ping")));
    const echoed = await drive(l.clock, opened.value.read());
    expect(echoed.ok && echoed.value.kind === "data" && new TextDecoder().decode(echoed.value.data)).toBe("ping");
    await drive(l.clock, opened.value.close());
    await drive(l.clock, dhcpStack.disconnect());
    expect(dhcpStack.dhcpClient?.state()).toBe("stopped");
  });

  it("refuses a static address together with DHCP, and can stay unconfigured", async () => {
    const l = lab(3);
    const netif = l.sw.connect({ mac: Macaddr.parse("02:00:00:00:00:0e") });
    await expect(
      DirectStack.connect({
        netif,
        clock: l.clock,
        random: l.random,
        ipv4: { cidr: Ipv4Prefix.parse("10.0.0.9/24") },
        dhcp: true,
      }),
    ).rejects.toThrow(TypeError);
    const bare = await DirectStack.connect({ netif, clock: l.clock, random: l.random, dhcp: false });
    expect(bare.ip().configuredIps()).toEqual([]);
    expect(await bare.udp().write(IP_A, 9, new Uint8Array(1))).toEqual({
      ok: false,
      error: { kind: "no_route", reason: "no IPv4 address is configured" },
    });
    await bare.layers.ipv4.configure({ cidr: Ipv4Prefix.parse("10.0.0.9/24") });
    expect(bare.ip().configuredIps().map(String)).toEqual(["10.0.0.9/24"]);
    await bare.disconnect();
  });

  const disconnectsTitle =
    "disconnect resets connections, cancels every timer and resolves listen(); so does losing the device";
  it(disconnectsTitle, async () => {
    const { l, a, b } = await twoStacks();
    echoServer(a);
    const opened = await drive(l.clock, b.tcp().createConnection(IP_A, 7));
    expect(opened.ok).toBe(true);
    let stopped = false;
    void a.listen().then(() => (stopped = true));
    await drive(l.clock, a.disconnect());
    await a.disconnect();
    await runUntil(l.clock, () => stopped);
    expect(a.stats().tcp).toMatchObject({ connections: 0, timers: 0, listeners: 0 });
    let bStopped = false;
    void b.listen().then(() => (bStopped = true));
    await b.layers.netif.disconnect();
    await runUntil(l.clock, () => bStopped);
  });

  /** 1000 SYNs from spoofed, unreachable addresses into `a`'s port 7. */
  async function synFlood(a: DirectStack): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      const src = Ipv4Addr.fromNumber(0x0a010000 + i); // off-link and unreachable: no gateway
      const segment = floodSyn(a, src, IP_A, i);
      await a.tcp().input(src, IP_A, segment);
    }
  }

  it("lets a real client through a spoofed SYN flood at once, with SYN cookies", async () => {
    const { l, a, b } = await twoStacks();
    echoServer(a);
    await synFlood(a);
    // The backlog (128) holds the first SYNs; the rest got cookies and left no state.
    expect(a.tcp().stats()).toMatchObject({ halfOpen: 128, synCookiesSent: 872, listenOverflows: 0 });
    const opened = await drive(l.clock, b.tcp().createConnection(IP_A, 7));
    if (!opened.ok) throw new Error(ppTcpError(opened.error));
    // No SYN retransmission was needed: the client's first SYN got a cookie, its ACK made the connection.
    expect(l.clock.now()).toBeLessThan(1000);
    expect(a.tcp().stats()).toMatchObject({ synCookiesSent: 873, synCookiesValid: 1, synCookiesInvalid: 0 });
    await drive(l.clock, opened.value.write(new TextEncoder().encode("through")));
    const echoed = await drive(l.clock, opened.value.read());
    expect(echoed.ok && echoed.value.kind === "data" && new TextDecoder().decode(echoed.value.data)).toBe("through");
  });

  const synFloodTitle =
    "without SYN cookies, lets a real client through a spoofed SYN flood " +
    "once the flood's half-open entries have waited an RTO";
  it(synFloodTitle, async () => {
    const { l, a, b } = await twoStacks({}, { synCookies: false });
    echoServer(a);
    await synFlood(a);
    // Fresh entries hold the backlog (128): the rest of the flood is dropped, nothing evicted yet.
    expect(a.tcp().stats()).toMatchObject({ halfOpen: 128, listenOverflows: 872, halfOpenEvicted: 0 });
    // The client's first SYN is dropped too; its retransmission a second later evicts an aged entry.
    const opened = await drive(l.clock, b.tcp().createConnection(IP_A, 7));
    expect(opened.ok).toBe(true);
    expect(a.tcp().stats().halfOpenEvicted).toBeGreaterThanOrEqual(1);
    expect(a.tcp().stats().halfOpen).toBeLessThanOrEqual(128);
    expect(l.clock.now()).toBeLessThan(5_000);
  });
});
