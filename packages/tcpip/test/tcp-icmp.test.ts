/**
 * ICMP errors reaching TCP (RFC 1122 §4.2.3.9, RFC 5927, RFC 5461, RFC 1191), end to end through a
 * DirectStack: a raw peer answers SYNs with crafted ICMP errors, and a "router" between two stacks
 * drops segments too big for its next hop and reports fragmentation needed.
 */

import {
  type FillFunction,
  type FrameHandler,
  type Ipaddr,
  Ipv4Addr,
  Ipv4Prefix,
  Macaddr,
  type NetError,
  type NetStats,
  type Network,
  type Result,
  type TcpFlow,
  ok,
} from "@mirage-ts/mirage-types";
import {
  ArpLayer,
  type CongestionController,
  DirectStack,
  EthernetLayer,
  Ethertype,
  Icmpv4Layer,
  IpProtocol,
  Ipv4Layer,
  TcpLayer,
  UdpLayer,
  decodeEthernetFrame,
  decodeIpv4Packet,
  encodeArpPacket,
  encodeIcmpv4Message,
  icmpPortUnreachable,
  newReno,
} from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { bytes, ethernetFrame, expectBytes, ipv4Frame, ipv4Header, ipv4Packet } from "./helpers/frames.js";
import { run, runUntil, settle } from "./helpers/simulation.js";
import { IP_A, IP_B, type Lab, MAC_A, MAC_B, type RawPort, lab, rawPort } from "./helpers/stacks.js";

const MAC_X = Macaddr.parse("02:00:00:00:00:99");
const IP_X = Ipv4Addr.parse("10.0.0.99");
const ROUTER = Ipv4Addr.parse("10.0.0.254");

/** The IPv4 packet of an Ethernet frame carrying TCP, or undefined. */
function tcpPacket(frame: Uint8Array): Uint8Array | undefined {
  const eth = decodeEthernetFrame(frame);
  if (!eth.ok || eth.value.header.ethertype !== Ethertype.ipv4) return undefined;
  const ip = decodeIpv4Packet(eth.value.payload);
  if (!ip.ok || ip.value.header.protocol !== IpProtocol.tcp) return undefined;
  return eth.value.payload.subarray(0, (eth.value.payload[2]! << 8) | eth.value.payload[3]!);
}

/** An ICMP error from `from` to `to` quoting `packet` (its IP header and the first `quoteBytes` of TCP). */
function icmpErrorFrame(
  dstMac: Macaddr,
  from: Ipv4Addr,
  to: Ipv4Addr,
  type: number,
  code: number,
  packet: Uint8Array,
  rest = 0,
  quoteBytes = 8,
): Uint8Array {
  const headerLength = (packet[0]! & 0x0f) * 4;
  const icmp = encodeIcmpv4Message({ type, code, rest, data: packet.subarray(0, headerLength + quoteBytes) });
  return ipv4Frame(dstMac, MAC_X, ipv4Packet(ipv4Header(from, to, IpProtocol.icmp), icmp));
}

/** A copy of a TCP packet with its quoted fields changed (ports, sequence number, addresses). */
function altered(packet: Uint8Array, change: (copy: Uint8Array, tcp: DataView) => void): Uint8Array {
  const copy = packet.slice();
  change(copy, new DataView(copy.buffer, 20));
  return copy;
}

// ---------------------------------------------------------------- SYN-SENT against a raw peer

interface Client {
  readonly l: Lab;
  readonly peer: RawPort;
  readonly a: DirectStack;
}

/** Builds stack A at 10.0.0.1 over `netif`, with three SYN retries. */
type Build = (l: Lab, netif: Network) => Promise<DirectStack>;

const connect: Build = (l, netif) =>
  DirectStack.connect({
    netif,
    clock: l.clock,
    random: l.random,
    ipv4: { cidr: Ipv4Prefix.parse("10.0.0.1/24") },
    tcp: { synRetries: 3 },
  });

const ofLayers: Build = async (l, netif) => {
  const { clock, random } = l;
  const ethernet = new EthernetLayer(netif);
  const arp = new ArpLayer(ethernet, { clock });
  const ipv4 = await Ipv4Layer.connect(ethernet, arp, {
    clock,
    random,
    config: { cidr: Ipv4Prefix.parse("10.0.0.1/24") },
  });
  const icmp = new Icmpv4Layer(ipv4, { clock });
  const udp = new UdpLayer(ipv4, { random, onPortUnreachable: icmpPortUnreachable(icmp) });
  const tcp = new TcpLayer<Ipv4Addr>({ ip: ipv4, clock, random, config: { synRetries: 3 } });
  return DirectStack.ofLayers({ netif, ethernet, arp, ipv4, icmp, udp, tcp });
};

/** Stack A at 10.0.0.1 and a raw peer at 10.0.0.99 that records what A sends. */
async function client(build = connect): Promise<Client> {
  const l = lab();
  const peer = rawPort(l, MAC_X);
  const a = await build(l, l.sw.connect({ mac: MAC_A }));
  const query = a.layers.arp.query(IP_X);
  await run(l.clock, 10);
  const body = new Uint8Array(28);
  encodeArpPacket({ operation: "reply", senderMac: MAC_X, senderIp: IP_X, targetMac: MAC_A, targetIp: IP_A }, body);
  await peer.send(ethernetFrame(MAC_A, MAC_X, Ethertype.arp, body));
  await run(l.clock, 10);
  expect((await query).ok).toBe(true);
  peer.received.length = 0;
  return { l, peer, a };
}

/** Starts a connection from A to the peer's port 80 and returns it with A's SYN as sent. */
async function connecting(c: Client) {
  let result: Result<TcpFlow<Ipaddr>, unknown> | undefined;
  const opened = c.a.tcp().createConnection(IP_X, 80);
  void opened.then((r) => (result = r));
  await run(c.l.clock, 1);
  const syn = c.peer.received.map(tcpPacket).find((p) => p !== undefined);
  expect(syn).toBeDefined();
  return { opened, syn: syn!, result: () => result };
}

describe("ICMP errors answering a SYN", () => {
  it.each([
    ["DirectStack.connect", connect],
    ["DirectStack.ofLayers", ofLayers],
  ])(
    "port unreachable fails the connection at once with refused, and leaves nothing behind (%s)",
    async (_name, build) => {
      const c = await client(build);
      const start = c.l.clock.now();
      const { opened, syn } = await connecting(c);
      await c.peer.send(icmpErrorFrame(MAC_A, IP_X, IP_A, 3, 3, syn));
      const result = await runUntil(c.l.clock, opened);
      expect(result).toEqual({ ok: false, error: { kind: "refused" } });
      // Well under the first SYN retransmission (1 s), let alone the whole retry time.
      expect(c.l.clock.now() - start).toBeLessThan(100);
      expect(c.a.stats().icmp).toMatchObject({ rxErrors: 1, rxErrorsDelivered: 1 });
      expect(c.a.stats().tcp).toMatchObject({
        icmpErrors: 1,
        icmpIgnored: 0,
        connections: 0,
        timers: 0,
        retransmittedSegments: 0,
      });
    },
  );

  it.each([
    ["protocol unreachable", 2],
    ["network administratively prohibited", 9],
    ["host administratively prohibited", 10],
    ["communication administratively prohibited", 13],
  ])("%s (code %i) is a hard error in SYN-SENT: refused", async (_name, code) => {
    const c = await client();
    const { opened, syn } = await connecting(c);
    await c.peer.send(icmpErrorFrame(MAC_A, ROUTER, IP_A, 3, code, syn));
    expect(await runUntil(c.l.clock, opened, 500)).toEqual({ ok: false, error: { kind: "refused" } });
  });

  const ignoresErrorsTitle =
    "ignores and counts errors that do not match the connection " +
    "or quote a sequence number out of flight (RFC 5927)";
  it(ignoresErrorsTitle, async () => {
    const c = await client();
    const { opened, syn, result } = await connecting(c);
    const iss = new DataView(syn.buffer, syn.byteOffset + 20).getUint32(4);
    const blind = [
      altered(syn, (_, tcp) => tcp.setUint32(4, (iss + 1) >>> 0)), // SND.NXT: not in flight
      altered(syn, (_, tcp) => tcp.setUint32(4, (iss - 1) >>> 0)), // before SND.UNA
      altered(syn, (_, tcp) => tcp.setUint32(4, (iss + 0x40000000) >>> 0)), // a blind guess
      altered(syn, (_, tcp) => tcp.setUint16(0, (tcp.getUint16(0) + 1) & 0xffff)), // another local port
      altered(syn, (_, tcp) => tcp.setUint16(2, 81)), // another remote port
      altered(syn, (copy) => copy.set([10, 0, 0, 98], 16)), // another remote address
    ];
    for (const packet of blind) await c.peer.send(icmpErrorFrame(MAC_A, IP_X, IP_A, 3, 3, packet));
    // Not about a datagram of ours, a quote too short for the sequence number, and source quench
    // (RFC 6633): not handed to TCP at all.
    await c.peer.send(
      icmpErrorFrame(
        MAC_A,
        IP_X,
        IP_A,
        3,
        3,
        altered(syn, (copy) => copy.set([10, 0, 0, 7], 12)),
      ),
    );
    await c.peer.send(icmpErrorFrame(MAC_A, IP_X, IP_A, 3, 3, syn, 0, 4));
    await c.peer.send(icmpErrorFrame(MAC_A, IP_X, IP_A, 4, 0, syn));
    await run(c.l.clock, 50);
    expect(result()).toBeUndefined();
    expect(c.a.stats().tcp).toMatchObject({ icmpErrors: 6, icmpIgnored: 6, connections: 1 });
    expect(c.a.stats().icmp).toMatchObject({ rxErrors: 9, rxErrorsDelivered: 6 });
    // The genuine error still ends the attempt.
    await c.peer.send(icmpErrorFrame(MAC_A, IP_X, IP_A, 3, 3, syn));
    expect(await runUntil(c.l.clock, opened, 500)).toEqual({ ok: false, error: { kind: "refused" } });
    expect(c.a.stats().tcp).toMatchObject({ icmpErrors: 7, icmpIgnored: 6 });
  });

  it.each([
    [3, 0, "network unreachable (ICMP)"],
    [3, 1, "host unreachable (ICMP)"],
    [3, 6, "network unreachable (ICMP)"],
    [3, 7, "host unreachable (ICMP)"],
    [11, 0, "time exceeded (ICMP)"],
    [12, 0, "parameter problem (ICMP)"],
  ])("type %i code %i is soft: the SYN retries go on, and their timeout reports %j", async (type, code, message) => {
    const c = await client();
    const start = c.l.clock.now();
    const { opened, syn, result } = await connecting(c);
    await c.peer.send(icmpErrorFrame(MAC_A, ROUTER, IP_A, type, code, syn));
    await run(c.l.clock, 2000);
    expect(result()).toBeUndefined();
    expect(await runUntil(c.l.clock, opened)).toEqual({ ok: false, error: { kind: "msg", message } });
    // Initial RTO 1 s, three retries: 1 + 2 + 4 + 8 s.
    expect(c.l.clock.now() - start).toBeGreaterThanOrEqual(15_000);
    expect(c.a.stats().tcp).toMatchObject({ icmpErrors: 1, icmpIgnored: 0, retransmittedSegments: 3, timedOut: 1 });
  });

  it("without an ICMP error, the same attempt times out plainly", async () => {
    const c = await client();
    const { opened } = await connecting(c);
    expect(await runUntil(c.l.clock, opened)).toEqual({ ok: false, error: { kind: "timeout" } });
  });
});

// ---------------------------------------------------------------- a router between two stacks

/** What the router does with a TCP packet A sends: forward it, or drop it (and maybe answer). */
type Verdict = "forward" | "drop";

/** A's device, seen through a router that may drop A's TCP packets and send A ICMP errors. */
class Router implements Network {
  readonly #netif: Network;
  /** IPv4 total lengths of the TCP packets forwarded, in order. */
  readonly forwarded: number[] = [];
  /** TCP packets dropped. */
  dropped = 0;
  /** TCP packets sent without don't-fragment. */
  fragmentable = 0;
  decide: (packet: Uint8Array) => Verdict = () => "forward";
  #receive: FrameHandler | undefined;

  constructor(netif: Network) {
    this.#netif = netif;
  }

  /** Delivers a frame to A as if it came from the wire. */
  inject(frame: Uint8Array): void {
    void Promise.resolve().then(() => this.#receive?.(frame));
  }

  async write(size: number, fill: FillFunction): Promise<Result<void, NetError>> {
    const buffer = new Uint8Array(size);
    const length = fill(buffer);
    const frame = buffer.subarray(0, length);
    const packet = tcpPacket(frame);
    if (packet !== undefined) {
      if ((packet[6]! & 0x40) === 0) this.fragmentable++;
      if (this.decide(packet) === "drop") {
        this.dropped++;
        return ok(undefined);
      }
      this.forwarded.push(packet.length);
    }
    return this.#netif.write(length, (out) => {
      out.set(frame);
      return length;
    });
  }

  listen(headerSize: number, handler: FrameHandler): Promise<Result<void, NetError>> {
    this.#receive = handler;
    return this.#netif.listen(headerSize, handler);
  }

  mac(): Macaddr {
    return this.#netif.mac();
  }

  mtu(): number {
    return this.#netif.mtu();
  }

  getStatsCounters(): NetStats {
    return this.#netif.getStatsCounters();
  }

  resetStatsCounters(): void {
    this.#netif.resetStatsCounters();
  }

  disconnect(): Promise<void> {
    return this.#netif.disconnect();
  }
}

/** Congestion events a connection reported to its controller. */
const congestionEvents: string[] = [];
function spiedNewReno(mss: number): CongestionController {
  const cc = newReno(mss);
  return {
    name: cc.name,
    get cwnd() {
      return cc.cwnd;
    },
    get ssthresh() {
      return cc.ssthresh;
    },
    onAck: (...args) => cc.onAck(...args),
    onCongestion: (flight, now) => {
      congestionEvents.push("congestion");
      cc.onCongestion(flight, now);
    },
    onRecoveryEnd: (now) => cc.onRecoveryEnd(now),
    onTimeout: (flight, now) => {
      congestionEvents.push("timeout");
      cc.onTimeout(flight, now);
    },
    onUndo: (now) => cc.onUndo(now),
  };
}

async function routedPair(tcp = {}) {
  const l = lab(5);
  const router = new Router(l.sw.connect({ mac: MAC_A, link: { delayMs: 5 } }));
  const common = { clock: l.clock, random: l.random, tcp: { congestionControl: spiedNewReno, ...tcp } };
  const a = await DirectStack.connect({ ...common, netif: router, ipv4: { cidr: Ipv4Prefix.parse("10.0.0.1/24") } });
  const b = await DirectStack.connect({
    ...common,
    netif: l.sw.connect({ mac: MAC_B, link: { delayMs: 5 } }),
    ipv4: { cidr: Ipv4Prefix.parse("10.0.0.2/24") },
  });
  await settle();
  congestionEvents.length = 0;
  return { l, router, a, b };
}

/** Sends `data` from A to B's port 80 and returns what B read. */
async function send(p: Awaited<ReturnType<typeof routedPair>>, data: Uint8Array): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const received = new Promise<void>((resolve) => {
    p.b.tcp().listen(80, async (flow) => {
      for (;;) {
        const r = await flow.read();
        if (!r.ok || r.value.kind === "eof") break;
        chunks.push(r.value.data);
      }
      await flow.close();
      resolve();
    });
  });
  const opened = await runUntil(p.l.clock, p.a.tcp().createConnection(IP_B, 80));
  if (!opened.ok) throw new Error("connect failed");
  const flow = opened.value;
  expect((await runUntil(p.l.clock, flow.write(data))).ok).toBe(true);
  await flow.close();
  await runUntil(p.l.clock, received);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** A router whose next hop carries `limit` bytes, reporting `reportedMtu` for bigger packets. */
function limitTo(p: Awaited<ReturnType<typeof routedPair>>, limit: number, reportedMtu = limit): void {
  p.router.decide = (packet) => {
    if (packet.length <= limit) return "forward";
    p.router.inject(icmpErrorFrame(MAC_A, ROUTER, IP_A, 3, 4, packet, reportedMtu, packet.length - 20));
    return "drop";
  };
}

const DATA = bytes(64 * 1024, 9);

describe("fragmentation needed (RFC 1191)", () => {
  const lowersMssTitle =
    "lowers the segment size to the next-hop MTU, resends promptly without a congestion response, " +
    "and delivers 64 KiB intact";
  it(lowersMssTitle, async () => {
    const p = await routedPair();
    limitTo(p, 1000);
    expectBytes(await send(p, DATA), DATA);
    expect(p.router.dropped).toBeGreaterThan(0);
    // Every segment after the first error fits the next hop, and fills it.
    expect(Math.max(...p.router.forwarded)).toBe(1000);
    expect(p.a.stats().tcp).toMatchObject({ pmtuReductions: 1, timeouts: 0, fastRecoveries: 0, internalErrors: 0 });
    expect(p.a.stats().tcp.retransmittedSegments).toBeGreaterThan(0);
    expect(congestionEvents).toEqual([]);
    // TCP sets don't-fragment, so routers answer with ICMP instead of fragmenting (RFC 1191 §6).
    expect(p.router.fragmentable).toBe(0);
    await run(p.l.clock, 120_000);
    expect(p.a.stats().tcp).toMatchObject({ connections: 0, timers: 0, sendBufferedBytes: 0, allocatedBufferBytes: 0 });
  });

  it("never raises the segment size: a later error with a larger MTU is ignored", async () => {
    const p = await routedPair();
    let raised = false;
    p.router.decide = (packet) => {
      if (packet.length > 1000) {
        p.router.inject(icmpErrorFrame(MAC_A, ROUTER, IP_A, 3, 4, packet, 1000, 8));
        return "drop";
      }
      if (!raised && packet.length > 500) {
        // Quoting a segment in flight, so only the MTU rule can reject it.
        raised = true;
        p.router.inject(icmpErrorFrame(MAC_A, ROUTER, IP_A, 3, 4, packet, 1400, 8));
      }
      return "forward";
    };
    expectBytes(await send(p, DATA), DATA);
    expect(raised).toBe(true);
    expect(Math.max(...p.router.forwarded)).toBe(1000);
    // The errors about the rest of the initial window repeat the MTU already taken: ignored too.
    expect(p.a.stats().tcp).toMatchObject({
      pmtuReductions: 1,
      icmpErrors: p.router.dropped + 1,
      icmpIgnored: p.router.dropped,
    });
  });

  it("never goes below the 88-byte floor, whatever MTU a router claims", async () => {
    const p = await routedPair();
    // The router claims 68 bytes but carries 128 (the floor: 88 + 40 bytes of headers).
    limitTo(p, 128, 68);
    expectBytes(await send(p, DATA), DATA);
    expect(Math.max(...p.router.forwarded)).toBe(128);
    expect(p.a.stats().tcp).toMatchObject({ pmtuReductions: 1, timeouts: 0 });
  });

  it("without a next-hop MTU, uses the RFC 1191 plateau below the dropped datagram's size", async () => {
    const p = await routedPair();
    // 1500-byte datagrams dropped, MTU field 0: the plateau below 1500 is 1492.
    limitTo(p, 1492, 0);
    expectBytes(await send(p, DATA), DATA);
    expect(Math.max(...p.router.forwarded)).toBe(1492);
    expect(p.a.stats().tcp).toMatchObject({ pmtuReductions: 1, timeouts: 0 });
  });
});

describe("soft errors on an established connection (RFC 5461)", () => {
  it("port unreachable does not abort it; when the peer then goes silent, the timeout names the error", async () => {
    const p = await routedPair({ userTimeoutMs: 10_000 });
    p.b.tcp().listen(80, () => undefined);
    const opened = await runUntil(p.l.clock, p.a.tcp().createConnection(IP_B, 80));
    if (!opened.ok) throw new Error("connect failed");
    const flow = opened.value;
    // From now on B is unreachable, and a "router" says so about the first segment.
    let reported = false;
    p.router.decide = (packet) => {
      if (!reported) {
        reported = true;
        p.router.inject(icmpErrorFrame(MAC_A, ROUTER, IP_A, 3, 3, packet));
      }
      return "drop";
    };
    void flow.write(bytes(3000));
    await run(p.l.clock, 2000);
    expect(reported).toBe(true);
    expect(p.a.stats().tcp).toMatchObject({ connections: 1, icmpErrors: 1, icmpIgnored: 0 });
    const read = await runUntil(p.l.clock, flow.read());
    expect(read).toEqual({ ok: false, error: { kind: "msg", message: "port unreachable (ICMP)" } });
    expect(p.a.stats().tcp).toMatchObject({ connections: 0, timedOut: 1, timers: 0 });
  });

  it("acknowledged progress forgets a soft error: a later timeout is a plain timeout", async () => {
    const p = await routedPair({ userTimeoutMs: 10_000 });
    p.b.tcp().listen(80, () => undefined);
    const opened = await runUntil(p.l.clock, p.a.tcp().createConnection(IP_B, 80));
    if (!opened.ok) throw new Error("connect failed");
    const flow = opened.value;
    // A host-unreachable about a segment that then gets through and is acknowledged.
    let phase = 0;
    p.router.decide = (packet) => {
      if (phase === 0) {
        phase = 1;
        p.router.inject(icmpErrorFrame(MAC_A, ROUTER, IP_A, 3, 1, packet));
        return "forward";
      }
      return phase === 1 ? "forward" : "drop";
    };
    await runUntil(p.l.clock, flow.write(bytes(1000)));
    await run(p.l.clock, 100);
    expect(p.a.stats().tcp).toMatchObject({ icmpErrors: 1, icmpIgnored: 0 });
    phase = 2;
    void flow.write(bytes(1000));
    expect(await runUntil(p.l.clock, flow.read())).toEqual({ ok: false, error: { kind: "timeout" } });
  });
});
