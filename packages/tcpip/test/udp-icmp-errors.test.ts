/**
 * ICMP errors reaching UDP applications (`Udp.onIcmpError`) on a dual-stack `DirectStack`: the
 * peer's port unreachable over IPv4 and IPv6 through the `Stack` signature, a Packet Too Big quoting
 * a UDP datagram, and forged or unclaimed errors dropped and counted.
 */

import { type Ipaddr, Ipv4Addr, Ipv6Addr, Macaddr, type UdpIcmpError } from "@mirage-ts/mirage-types";
import { Icmpv6Type, NextHeader } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { dualPair } from "./helpers/direct-stacks.js";
import { ethernet6, icmpv6, ipv6Packet } from "./helpers/ipv6.js";
import { rawPort } from "./helpers/stacks.js";
import { drive, runUntil } from "./tcp/drive.js";

const V6_A = Ipv6Addr.parse("2001:db8::1");
const V6_B = Ipv6Addr.parse("2001:db8::2");
const ROUTER = Ipv6Addr.parse("2001:db8::99");
const MAC_A = Macaddr.parse("02:00:00:00:00:0a");
const PEER_MAC = Macaddr.parse("02:00:00:00:00:99");

/** The fields of a report that name addresses, as strings, beside the rest. */
function plain(e: UdpIcmpError<Ipaddr>) {
  return { ...e, from: e.from.toString(), src: e.src.toString(), dst: e.dst.toString(), quote: [...e.quote] };
}

/** An ICMPv6 error from ROUTER to A quoting a UDP datagram `src`:`srcPort` -> B:53. */
function icmpv6Error(type: number, code: number, rest: number, src: Ipv6Addr, srcPort: number): Uint8Array {
  const udp = Uint8Array.of(srcPort >>> 8, srcPort & 0xff, 0, 53, 0, 12, 0, 0, 1, 2, 3, 4);
  const quoted = ipv6Packet({ src, dst: V6_B, nextHeader: NextHeader.udp, payload: udp });
  const message = icmpv6(ROUTER, V6_A, type, code, rest, quoted);
  return ethernet6(
    PEER_MAC,
    MAC_A,
    ipv6Packet({ src: ROUTER, dst: V6_A, nextHeader: NextHeader.icmpv6, payload: message }),
  );
}

describe("ICMP errors to UDP applications", () => {
  for (const [family, target, source] of [
    [4, Ipv4Addr.parse("10.0.0.1"), "10.0.0.2"],
    [6, V6_A, "2001:db8::2"],
  ] as const) {
    it(`delivers the peer's port unreachable over IPv${family} with the quoted ports and payload`, async () => {
      const { l, b } = await dualPair();
      const errors: UdpIcmpError<Ipaddr>[] = [];
      const udp = b.udp();
      udp.onIcmpError?.((e) => errors.push(e));
      const sent = await drive(l.clock, udp.write(target, 9, Uint8Array.of(7, 8, 9), { srcPort: 4000 }));
      expect(sent.ok).toBe(true);
      await runUntil(l.clock, () => errors.length === 1);
      expect(plain(errors[0]!)).toEqual({
        kind: "port_unreachable",
        from: target.toString(),
        type: family === 4 ? 3 : Icmpv6Type.destinationUnreachable,
        code: family === 4 ? 3 : 4,
        nextHopMtu: 0,
        src: source,
        srcPort: 4000,
        dst: target.toString(),
        dstPort: 9,
        quote: [7, 8, 9],
      });
      const stats = b.stats();
      expect(family === 4 ? stats.udp.rxIcmpErrors : stats.udp6!.rxIcmpErrors).toBe(1);
      // Once the callback is removed, the next error is only counted.
      udp.onIcmpError?.(undefined);
      await drive(l.clock, udp.write(target, 9, Uint8Array.of(1), { srcPort: 4001 }));
      const dropped = () => (family === 4 ? b.stats().udp.rxIcmpErrorsDropped : b.stats().udp6!.rxIcmpErrorsDropped);
      await runUntil(l.clock, () => dropped() === 1);
      expect(errors).toHaveLength(1);
    });
  }

  it("hands a Packet Too Big quoting a UDP datagram to the application, with the MTU floored at 1280", async () => {
    const { l, a } = await dualPair();
    const errors: UdpIcmpError<Ipaddr>[] = [];
    a.udp().onIcmpError?.((e) => errors.push(e));
    const raw = rawPort(l, PEER_MAC);
    await raw.send(icmpv6Error(Icmpv6Type.packetTooBig, 0, 1000, V6_A, 5353));
    await runUntil(l.clock, () => errors.length === 1);
    expect(plain(errors[0]!)).toMatchObject({
      kind: "fragmentation_needed",
      from: ROUTER.toString(),
      nextHopMtu: 1280,
      srcPort: 5353,
      dstPort: 53,
      quote: [1, 2, 3, 4],
    });
    expect(a.ip().mtu(V6_B)).toBe(1240);
  });

  it("drops an error quoting a datagram from an address that is not ours", async () => {
    const { l, a } = await dualPair();
    const errors: UdpIcmpError<Ipaddr>[] = [];
    a.udp().onIcmpError?.((e) => errors.push(e));
    const raw = rawPort(l, PEER_MAC);
    await raw.send(icmpv6Error(Icmpv6Type.destinationUnreachable, 4, 0, Ipv6Addr.parse("2001:db8::77"), 4000));
    await runUntil(l.clock, () => a.stats().udp6!.rxIcmpErrorsDropped === 1);
    // A real one after it gets through: the forged one was dropped, not delayed.
    await raw.send(icmpv6Error(Icmpv6Type.destinationUnreachable, 4, 0, V6_A, 4000));
    await runUntil(l.clock, () => errors.length === 1);
    expect(errors[0]!.src.toString()).toBe(V6_A.toString());
    expect(a.stats().udp6!.rxIcmpErrors).toBe(1);
  });
});
