import { Ipv4Addr, Ipv4Prefix, Macaddr, ppIpError } from "@mirage-ts/mirage-types";
import {
  Ethertype,
  IpProtocol,
  decodeArpPacket,
  decodeEthernetFrame,
  decodeIcmpv4Message,
  decodeIpv4Packet,
  encodeArpPacket,
  encodeEchoRequest,
  nextHop,
} from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { bytes, ethernetFrame, ipv4Frame, ipv4Header, ipv4Packet, udpDatagram } from "./helpers/frames.js";
import { run } from "./helpers/simulation.js";
import { IP_A, MAC_A, host, lab, rawPort } from "./helpers/stacks.js";

const MAC_X = Macaddr.parse("02:00:00:00:00:99");
const IP_X = Ipv4Addr.parse("10.0.0.99");
const GATEWAY = Ipv4Addr.parse("10.0.0.254");

function ipPackets(frames: readonly Uint8Array[]) {
  return frames.flatMap((frame) => {
    const eth = decodeEthernetFrame(frame);
    if (!eth.ok || eth.value.header.ethertype !== Ethertype.ipv4) return [];
    const ip = decodeIpv4Packet(eth.value.payload);
    return ip.ok ? [{ frameLength: frame.length, dst: eth.value.header.dst, ...ip.value }] : [];
  });
}

/** A stack at 10.0.0.1/24 with a gateway, and a raw peer at 10.0.0.99 that answers ARP for itself and the gateway. */
async function setup(config: { gateway?: Ipv4Addr } = { gateway: GATEWAY }) {
  const l = lab();
  const peer = rawPort(l, MAC_X);
  const a = await host(l, MAC_A, undefined);
  await a.stack.ipv4.configure({ cidr: Ipv4Prefix.parse("10.0.0.1/24"), ...config });
  void peer.netif.listen(14, (frame) => {
    peer.received.push(frame.slice());
    const eth = decodeEthernetFrame(frame);
    if (!eth.ok || eth.value.header.ethertype !== Ethertype.arp) return;
    const arp = decodeArpPacket(eth.value.payload);
    if (
      !arp.ok ||
      arp.value.operation !== "request" ||
      !(arp.value.targetIp.equals(IP_X) || arp.value.targetIp.equals(GATEWAY))
    )
      return;
    const body = new Uint8Array(28);
    encodeArpPacket(
      { operation: "reply", senderMac: MAC_X, senderIp: arp.value.targetIp, targetMac: MAC_A, targetIp: IP_A },
      body,
    );
    void peer.send(ethernetFrame(MAC_A, MAC_X, Ethertype.arp, body));
  });
  await run(l.clock, 10);
  peer.received.length = 0;
  return { l, peer, a };
}

const echo = (extra = {}) =>
  ipv4Frame(
    MAC_A,
    MAC_X,
    ipv4Packet(ipv4Header(IP_X, IP_A, IpProtocol.icmp, extra), encodeEchoRequest(1, 2, bytes(32))),
  );

describe("IPv4 routing", () => {
  const cidr = Ipv4Prefix.parse("10.0.0.1/24");
  const hop = (dst: string, gateway?: string) =>
    nextHop(gateway === undefined ? { cidr } : { cidr, gateway: Ipv4Addr.parse(gateway) }, Ipv4Addr.parse(dst));

  it("goes on-link inside the prefix and through the gateway outside it", () => {
    expect(hop("10.0.0.7", "10.0.0.254")).toEqual({
      ok: true,
      value: { kind: "resolve", ip: Ipv4Addr.parse("10.0.0.7") },
    });
    expect(hop("8.8.8.8", "10.0.0.254")).toEqual({
      ok: true,
      value: { kind: "resolve", ip: Ipv4Addr.parse("10.0.0.254") },
    });
    expect(hop("8.8.8.8")).toEqual({ ok: false, error: "8.8.8.8 is off-link and no gateway is configured" });
  });

  it("maps broadcast and multicast destinations straight to MACs", () => {
    const mac = (r: ReturnType<typeof hop>) => (r.ok && r.value.kind === "mac" ? r.value.mac.toString() : "");
    expect(mac(hop("255.255.255.255"))).toBe("ff:ff:ff:ff:ff:ff");
    expect(mac(hop("10.0.0.255"))).toBe("ff:ff:ff:ff:ff:ff");
    expect(mac(hop("239.129.2.3"))).toBe("01:00:5e:01:02:03");
    expect(nextHop(undefined, Ipv4Addr.broadcast).ok).toBe(true);
    expect(nextHop(undefined, Ipv4Addr.parse("10.0.0.2"))).toEqual({
      ok: false,
      error: "no IPv4 address is configured",
    });
    expect(hop("127.0.0.1").ok).toBe(false);
    expect(hop("0.0.0.0").ok).toBe(false);
  });

  it("sends off-link datagrams to the gateway's MAC", async () => {
    const { l, peer, a } = await setup();
    const sent = a.stack.udp.write(Ipv4Addr.parse("8.8.8.8"), 53, bytes(10));
    await run(l.clock, 100);
    expect((await sent).ok).toBe(true);
    const [packet] = ipPackets(peer.received);
    expect(packet!.dst.equals(MAC_X) && packet!.header.dst.toString() === "8.8.8.8").toBe(true);
    expect(a.stack.arp.entries().map((e) => e.ip.toString())).toEqual(["10.0.0.254"]);
  });

  it("reports no route when ARP gets no answer", async () => {
    const { l, a } = await setup();
    const sent = a.stack.udp.write(Ipv4Addr.parse("10.0.0.42"), 53, bytes(10));
    await run(l.clock, 5000);
    const result = await sent;
    expect(result).toEqual({ ok: false, error: { kind: "no_route", reason: "no ARP reply for 10.0.0.42" } });
    if (!result.ok) expect(ppIpError(result.error)).toBe("no route to destination: no ARP reply for 10.0.0.42");
  });
});

describe("IPv4 receive", () => {
  it("verifies the header checksum: bad packets are dropped and counted", async () => {
    const { l, peer, a } = await setup();
    const bad = echo();
    bad[14 + 10]! ^= 0x40;
    await peer.send(bad);
    await run(l.clock, 100);
    expect(a.stack.stats().ipv4.rxBadChecksum).toBe(1);
    expect(a.stack.stats().icmp.rxMessages).toBe(0);
    await peer.send(echo());
    await run(l.clock, 100);
    expect(a.stack.stats().icmp.echoRepliesSent).toBe(1);
  });

  it("skips options, and answers a ping that carries some", async () => {
    const { l, peer, a } = await setup();
    await peer.send(echo({ options: Uint8Array.of(0x94, 4, 0, 0, 1, 2, 3, 0xff) }));
    await run(l.clock, 100);
    const [reply] = ipPackets(peer.received);
    const icmp = decodeIcmpv4Message(reply!.payload);
    expect(icmp.ok && icmp.value.type).toBe(0);
    expect(a.stack.stats().icmp.echoRepliesSent).toBe(1);
  });

  it("trims ethernet padding after the total length", async () => {
    const { l, peer, a } = await setup();
    const packet = ipv4Packet(ipv4Header(IP_X, IP_A, IpProtocol.udp), udpDatagram(IP_X, IP_A, 1, 7, Uint8Array.of(5)));
    const padded = new Uint8Array(46);
    padded.set(packet);
    padded.fill(0xee, packet.length);
    const got: number[][] = [];
    a.stack.udp.listen(7, (_s, _d, _p, payload) => {
      got.push([...payload]);
    });
    await peer.send(ipv4Frame(MAC_A, MAC_X, padded));
    await run(l.clock, 10);
    expect(got).toEqual([[5]]);
  });

  it("drops martian sources and packets for other hosts, and takes subnet broadcasts", async () => {
    const { l, peer, a } = await setup();
    const got: string[] = [];
    a.stack.udp.listen(7, (_s, dst) => {
      got.push(dst.toString());
    });
    const udp = (src: Ipv4Addr, dst: Ipv4Addr) =>
      ipv4Frame(
        Macaddr.broadcast,
        MAC_X,
        ipv4Packet(ipv4Header(src, dst, IpProtocol.udp), udpDatagram(src, dst, 1, 7, bytes(4))),
      );
    await peer.send(udp(Ipv4Addr.broadcast, IP_A));
    await peer.send(udp(Ipv4Addr.parse("224.0.0.5"), IP_A));
    await peer.send(udp(IP_X, Ipv4Addr.parse("10.0.0.7")));
    await peer.send(udp(IP_X, Ipv4Addr.parse("10.0.0.255")));
    await peer.send(udp(IP_X, Ipv4Addr.broadcast));
    await run(l.clock, 10);
    expect(a.stack.stats().ipv4).toMatchObject({ rxMartian: 2, rxNotForUs: 1 });
    expect(got).toEqual(["10.0.0.255", "255.255.255.255"]);
  });

  it("counts each kind of malformed header", async () => {
    const { l, peer, a } = await setup();
    const good = ipv4Packet(ipv4Header(IP_X, IP_A, IpProtocol.udp), udpDatagram(IP_X, IP_A, 1, 7, bytes(4)));
    const variant = (at: number, value: number) => {
      const copy = good.slice();
      copy[at] = value;
      return ipv4Frame(MAC_A, MAC_X, copy);
    };
    await peer.send(ipv4Frame(MAC_A, MAC_X, good.subarray(0, 12)));
    await peer.send(variant(0, 0x65));
    await peer.send(variant(0, 0x43));
    await peer.send(variant(3, 0xff));
    await run(l.clock, 10);
    expect(a.stack.stats().ipv4).toMatchObject({
      rxTruncated: 1,
      rxBadVersion: 1,
      rxBadHeaderLength: 1,
      rxBadTotalLength: 1,
      rxDelivered: 0,
    });
  });

  it("holds a reassembly timer only while fragments wait, and drops them at the timeout", async () => {
    const { l, peer, a } = await setup();
    await peer.send(
      ipv4Frame(
        MAC_A,
        MAC_X,
        ipv4Packet(ipv4Header(IP_X, IP_A, IpProtocol.udp, { moreFragments: true, id: 5 }), bytes(16)),
      ),
    );
    await run(l.clock, 10);
    expect(a.stack.stats().ipv4.reassembly.datagrams).toBe(1);
    await run(l.clock, 10_000);
    expect(a.stack.stats().ipv4.reassembly).toMatchObject({ datagrams: 0, timeouts: 1 });
    expect(l.clock.pendingTimers).toBe(0);
  });
});

describe("IPv4 send", () => {
  it("fragments above the MTU, every frame within it", async () => {
    const { l, peer, a } = await setup();
    const sent = a.stack.udp.write(IP_X, 7, bytes(4000));
    await run(l.clock, 100);
    expect((await sent).ok).toBe(true);
    const packets = ipPackets(peer.received);
    expect(packets.map((p) => [p.header.fragmentOffset, p.header.moreFragments, p.payload.length])).toEqual([
      [0, true, 1480],
      [1480, true, 1480],
      [2960, false, 1048],
    ]);
    for (const p of packets) expect(p.frameLength).toBeLessThanOrEqual(1514);
    expect(new Set(packets.map((p) => p.header.id)).size).toBe(1);
    expect(a.stack.stats().ipv4).toMatchObject({ txPackets: 1, txFragments: 3 });
  });

  it("refuses to fragment when don't-fragment is asked for, and sets DF otherwise", async () => {
    const { l, peer, a } = await setup();
    const refused = await a.stack.ipv4.write(IP_X, "udp", () => 0, [bytes(1481)], { fragment: false });
    expect(refused).toEqual({ ok: false, error: { kind: "would_fragment" } });
    if (!refused.ok) expect(ppIpError(refused.error)).toBe("would fragment");
    const fits = a.stack.ipv4.write(IP_X, "udp", () => 0, [bytes(1480)], { fragment: false });
    await run(l.clock, 100);
    expect((await fits).ok).toBe(true);
    expect(ipPackets(peer.received)[0]!.header.dontFragment).toBe(true);
    expect(a.stack.ipv4.mtu(IP_X)).toBe(1480);
  });

  it("gives every datagram its own identification", async () => {
    const { l, peer, a } = await setup();
    const first = a.stack.arp.query(IP_X);
    await run(l.clock, 10);
    expect((await first).ok).toBe(true);
    for (let i = 0; i < 300; i++) void a.stack.udp.write(IP_X, 7, bytes(1));
    await run(l.clock, 100);
    const ids = ipPackets(peer.received).map((p) => p.header.id);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
  });

  it("writes the transport header from the fill function and the TTL asked for", async () => {
    const { l, peer, a } = await setup();
    const sent = a.stack.ipv4.write(
      IP_X,
      "tcp",
      (b) => {
        b.set([1, 2, 3]);
        return 3;
      },
      [Uint8Array.of(4, 5), Uint8Array.of(6)],
      { size: 20, ttl: 7 },
    );
    await run(l.clock, 100);
    expect((await sent).ok).toBe(true);
    const [packet] = ipPackets(peer.received);
    expect([...packet!.payload]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(packet!.header).toMatchObject({ ttl: 7, protocol: IpProtocol.tcp });
    expect(a.stack.ipv4.pseudoheader(IP_A, IP_X, "tcp", 6)).toEqual(
      Uint8Array.of(10, 0, 0, 1, 10, 0, 0, 99, 0, 6, 0, 6),
    );
    await expect(a.stack.ipv4.write(IP_X, "tcp", () => 5, [], { size: 2 })).rejects.toThrow(RangeError);
    await expect(a.stack.ipv4.write(IP_X, "tcp", () => 0, [], { ttl: 300 })).rejects.toThrow(RangeError);
  });

  it("is unconfigured until configured, and reports its configuration", async () => {
    const l = lab();
    const a = await host(l, MAC_A, undefined);
    expect(a.stack.ipv4.configuredIps()).toEqual([]);
    expect(a.stack.ipv4.src(IP_X).toString()).toBe("0.0.0.0");
    await a.stack.ipv4.configure({ cidr: Ipv4Prefix.parse("10.0.0.1/24") });
    expect(a.stack.ipv4.configuredIps().map(String)).toEqual(["10.0.0.1/24"]);
    expect(a.stack.arp.getIps().map(String)).toEqual(["10.0.0.1"]);
    await a.stack.ipv4.configure(undefined);
    expect(a.stack.arp.getIps()).toEqual([]);
  });
});
