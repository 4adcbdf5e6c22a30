import { Ipv4Addr, Macaddr } from "@mirage-ts/mirage-types";
import {
  Ethertype,
  IpProtocol,
  UnreachableCode,
  decodeEthernetFrame,
  decodeIcmpv4Message,
  decodeIpv4Packet,
  encodeArpPacket,
  encodeEchoRequest,
  encodeIcmpv4Message,
} from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { bytes, ethernetFrame, ipv4Frame, ipv4Header, ipv4Packet, udpDatagram } from "./helpers/frames.js";
import { run, runUntil } from "./helpers/simulation.js";
import { IP_A, IP_B, MAC_A, type RawPort, host, lab, pair, rawPort } from "./helpers/stacks.js";

const MAC_X = Macaddr.parse("02:00:00:00:00:99");
const IP_X = Ipv4Addr.parse("10.0.0.99");
const IP_Y = Ipv4Addr.parse("10.0.0.98");

function icmpMessages(frames: readonly Uint8Array[]) {
  return frames.flatMap((frame) => {
    const eth = decodeEthernetFrame(frame);
    if (!eth.ok || eth.value.header.ethertype !== Ethertype.ipv4) return [];
    const ip = decodeIpv4Packet(eth.value.payload);
    if (!ip.ok || ip.value.header.protocol !== IpProtocol.icmp) return [];
    const icmp = decodeIcmpv4Message(ip.value.payload);
    return icmp.ok ? [{ ip: ip.value.header, ...icmp.value }] : [];
  });
}

/**
 * Stack A at 10.0.0.1 with ARP answers for 10.0.0.99 and 10.0.0.98, both at a raw peer that records
 * everything.
 */
async function setup(icmp = {}) {
  const l = lab();
  const peer = rawPort(l, MAC_X);
  const a = await host(l, MAC_A, "10.0.0.1/24", {}, { icmp });
  for (const ip of [IP_X, IP_Y]) {
    // Teach A the peer's MAC through a query it asked for.
    const query = a.stack.arp.query(ip);
    await run(l.clock, 10);
    const body = new Uint8Array(28);
    encodeArpPacket({ operation: "reply", senderMac: MAC_X, senderIp: ip, targetMac: MAC_A, targetIp: IP_A }, body);
    await peer.send(ethernetFrame(MAC_A, MAC_X, Ethertype.arp, body));
    await run(l.clock, 10);
    expect((await query).ok).toBe(true);
  }
  peer.received.length = 0;
  return { l, peer, a };
}

const toA = (payload: Uint8Array, protocol: number, extra = {}, dst = IP_A, src = IP_X) =>
  ipv4Frame(MAC_A, MAC_X, ipv4Packet(ipv4Header(src, dst, protocol, extra), payload));

/** Sends `count` datagrams from `src` to a closed UDP port of A. */
async function toClosedPort(peer: RawPort, src: Ipv4Addr, count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    await peer.send(toA(udpDatagram(src, IP_A, 1, 9, bytes(4)), IpProtocol.udp, {}, IP_A, src));
}

/** The errors A sent to `dst`. */
const errorsTo = (peer: RawPort, dst: Ipv4Addr) => icmpMessages(peer.received).filter((m) => m.ip.dst.equals(dst));

describe("ICMPv4", () => {
  it("answers echo requests with the same identifier, sequence and data, from the address asked", async () => {
    const { l, peer } = await setup();
    await peer.send(toA(encodeEchoRequest(0x1234, 7, bytes(100)), IpProtocol.icmp));
    await run(l.clock, 10);
    const [reply] = icmpMessages(peer.received);
    expect(reply).toMatchObject({ type: 0, code: 0, rest: (0x1234 << 16) | 7 });
    expect(reply!.data).toEqual(bytes(100));
    expect(reply!.ip.src.equals(IP_A) && reply!.ip.dst.equals(IP_X)).toBe(true);
  });

  it("ignores malformed messages and echo requests to broadcast", async () => {
    const { l, peer, a } = await setup();
    const bad = encodeEchoRequest(1, 1, bytes(10));
    bad[9]! ^= 1;
    await peer.send(toA(bad, IpProtocol.icmp));
    await peer.send(toA(bad.subarray(0, 5), IpProtocol.icmp));
    await peer.send(toA(encodeEchoRequest(1, 1, bytes(10)), IpProtocol.icmp, {}, Ipv4Addr.broadcast));
    await run(l.clock, 10);
    expect(icmpMessages(peer.received)).toEqual([]);
    expect(a.stack.stats().icmp).toMatchObject({ rxMalformed: 2, echoIgnored: 1, echoRepliesSent: 0 });
  });

  it("sends port unreachable for a closed UDP port, quoting the datagram", async () => {
    const { l, peer, a } = await setup();
    const datagram = udpDatagram(IP_X, IP_A, 4000, 9, bytes(30));
    const frame = toA(datagram, IpProtocol.udp);
    await peer.send(frame);
    await run(l.clock, 10);
    const [error] = icmpMessages(peer.received);
    expect(error).toMatchObject({ type: 3, code: UnreachableCode.port });
    expect(error!.data).toEqual(frame.subarray(14));
    expect(a.stack.stats().udp.rxNoListener).toBe(1);
  });

  it("sends protocol unreachable for an unknown protocol", async () => {
    const { l, peer } = await setup();
    await peer.send(toA(bytes(12), 200));
    await run(l.clock, 10);
    expect(icmpMessages(peer.received)).toMatchObject([{ type: 3, code: UnreachableCode.protocol }]);
  });

  it("never sends errors about broadcasts, non-first fragments or ICMP errors (RFC 1122 §3.2.2)", async () => {
    const { l, peer, a } = await setup();
    await peer.send(toA(udpDatagram(IP_X, Ipv4Addr.broadcast, 1, 9, bytes(4)), IpProtocol.udp, {}, Ipv4Addr.broadcast));
    const unreachable = encodeIcmpv4Message({ type: 3, code: 3, rest: 0, data: bytes(28) });
    await a.stack.icmp.sendUnreachable(
      UnreachableCode.protocol,
      ipv4Packet(ipv4Header(IP_X, IP_A, IpProtocol.icmp), unreachable),
    );
    await a.stack.icmp.sendUnreachable(
      UnreachableCode.port,
      ipv4Packet(ipv4Header(IP_X, IP_A, IpProtocol.udp, { fragmentOffset: 8 }), bytes(8)),
    );
    await a.stack.icmp.sendUnreachable(
      UnreachableCode.port,
      ipv4Packet(ipv4Header(Ipv4Addr.any, IP_A, IpProtocol.udp), bytes(8)),
    );
    await run(l.clock, 10);
    expect(icmpMessages(peer.received)).toEqual([]);
    expect(a.stack.stats().icmp.errorsSuppressed).toBe(4);
  });

  it("rate-limits error messages over all destinations", async () => {
    // No limit per destination: this is the host-wide bucket alone.
    const { l, peer, a } = await setup({ errorsPerSecond: 10, errorBurst: 5, errorIntervalMs: 0 });
    await toClosedPort(peer, IP_X, 50);
    await run(l.clock, 10);
    expect(icmpMessages(peer.received)).toHaveLength(5);
    await run(l.clock, 1000);
    await toClosedPort(peer, IP_X, 50);
    await run(l.clock, 10);
    expect(icmpMessages(peer.received)).toHaveLength(10);
    expect(a.stack.stats().icmp.errorsRateLimited).toBe(90);
  });

  it("rate-limits error messages per destination, by default as Linux: bursts of 6, then one a second", async () => {
    const { l, peer, a } = await setup();
    await toClosedPort(peer, IP_X, 20);
    await toClosedPort(peer, IP_Y, 20);
    await run(l.clock, 10);
    expect(errorsTo(peer, IP_X)).toHaveLength(6);
    expect(errorsTo(peer, IP_Y)).toHaveLength(6);
    expect(a.stack.stats().icmp).toMatchObject({
      errorsSent: 12,
      errorsDestinationRateLimited: 28,
      errorsRateLimited: 0,
    });
    await run(l.clock, 990);
    await toClosedPort(peer, IP_X, 5);
    await run(l.clock, 3000);
    await toClosedPort(peer, IP_X, 10);
    await run(l.clock, 10);
    expect(errorsTo(peer, IP_X)).toHaveLength(6 + 1 + 3);
    expect(a.stack.stats().icmp).toMatchObject({ errorsSent: 16, errorsDestinationRateLimited: 28 + 4 + 7 });
  });

  it("charges neither limit for an error the other stops", async () => {
    // A host-wide bucket of 8 that never refills.
    const { l, peer, a } = await setup({ errorsPerSecond: 0, errorBurst: 8 });
    await toClosedPort(peer, IP_X, 20);
    await toClosedPort(peer, IP_Y, 20);
    await run(l.clock, 10);
    // X's 14 errors over its limit left the host's bucket 2 tokens for Y.
    expect(errorsTo(peer, IP_X)).toHaveLength(6);
    expect(errorsTo(peer, IP_Y)).toHaveLength(2);
    expect(a.stack.stats().icmp).toMatchObject({ errorsDestinationRateLimited: 14, errorsRateLimited: 18 });
  });

  it("ping times out without a reply, and bounds the pings outstanding", async () => {
    const l = lab();
    const a = await host(l, MAC_A, "10.0.0.1/24", {}, { icmp: { maxPings: 2 } });
    const b = await host(l, Macaddr.parse("02:00:00:00:00:0b"), "10.0.0.2/24");
    await b.netif.disconnect();
    const first = a.stack.icmp.ping(IP_B, { timeoutMs: 500 });
    const second = a.stack.icmp.ping(IP_B, { timeoutMs: 500 });
    expect(await a.stack.icmp.ping(IP_B)).toEqual({ ok: false, error: { kind: "timeout" } });
    await run(l.clock, 5000);
    expect(await first).toMatchObject({ ok: false });
    expect(await second).toMatchObject({ ok: false });
    expect(a.stack.stats().icmp.pingsOutstanding).toBe(0);
  });

  it("measures round trips on the virtual clock", async () => {
    const { l, a } = await pair(1, { delayMs: 5 });
    await runUntil(l.clock, a.stack.icmp.ping(IP_B)); // resolves ARP first
    const reply = await runUntil(l.clock, a.stack.icmp.ping(IP_B));
    expect(reply.ok && reply.value.rttMs).toBe(20); // 5 ms on each of the 4 link crossings
  });
});
