/**
 * IPv6 on the virtual switch, on a virtual clock: DAD (passing and conflicting), neighbour states,
 * echo with fragments both ways, Path MTU from Packet Too Big down to 1280, reassembly timeout with
 * Time Exceeded, router advertisements with SLAAC and router lifetime expiry, MLDv2 reports (more in
 * ipv6-dad-mld.test.ts, with the link-local DAD conflict).
 */

import { Ipv6Addr, Ipv6Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { Icmpv6Type, NextHeader, eui64Address, solicitedNode } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { ethernet6, fragment, icmpv6, ipv6Packet, ipv6Packets, v6host } from "./helpers/ipv6.js";
import { run, runUntil } from "./helpers/simulation.js";
import { MAC_A, MAC_B, lab, rawPort } from "./helpers/stacks.js";

const A = Ipv6Addr.parse("2001:db8::a");
const B = Ipv6Addr.parse("2001:db8::b");
const PEER_MAC = Macaddr.parse("02:00:00:00:00:99");
const PEER_LL = Ipv6Addr.parse("fe80::99");

function twoHosts(seed = 1) {
  const l = lab(seed);
  const a = v6host(l, MAC_A, { config: { addresses: [Ipv6Prefix.parse("2001:db8::a/64")] } });
  const b = v6host(l, MAC_B, { config: { addresses: [Ipv6Prefix.parse("2001:db8::b/64")] } });
  return { l, a, b };
}

describe("IPv6 addresses and DAD", () => {
  it("makes link-local and static addresses preferred after DAD, joining their solicited-node groups", async () => {
    const { l, a } = twoHosts();
    expect(a.ipv6.addresses().map((x) => x.state)).toEqual(["tentative", "tentative"]);
    expect(a.ipv6.configuredIps()).toEqual([]);
    await run(l.clock, 3000);
    expect(a.ipv6.addresses().map((x) => [x.cidr.address.toString(), x.origin, x.state])).toEqual([
      [eui64Address(Ipv6Addr.parse("fe80::"), MAC_A).toString(), "link-local", "preferred"],
      ["2001:db8::a", "static", "preferred"],
    ]);
    expect(a.ipv6.groups().map(String)).toContain(solicitedNode(A).toString());
    expect(a.ipv6.stats().ndp.dadCompleted).toBe(2);
    // fe80::ff:fe00:a and 2001:db8::a share one solicited-node group: one join, reported twice
    // (Robustness Variable 2, RFC 3810 §6.1).
    expect(a.ipv6.stats().ndp.mldReports).toBe(2);
  });

  it("gives up an address another node already holds (DAD conflict)", async () => {
    const l = lab(2);
    const first = v6host(l, MAC_A, { config: { addresses: [Ipv6Prefix.parse("2001:db8::a/64")] } });
    await run(l.clock, 3000);
    const second = v6host(l, MAC_B, { config: { addresses: [Ipv6Prefix.parse("2001:db8::a/64")] } });
    await run(l.clock, 3000);
    expect(first.ipv6.addresses().some((x) => x.cidr.address.equals(A))).toBe(true);
    expect(second.ipv6.addresses().some((x) => x.cidr.address.equals(A))).toBe(false);
    expect(second.ipv6.stats().ndp.dadConflicts).toBe(1);
    // The link-local addresses differ (different MACs), so both keep theirs.
    expect(second.ipv6.addresses().map((x) => x.origin)).toEqual(["link-local"]);
  });
  it("announces each address that passed DAD with an unsolicited override NA to all nodes (§7.2.6)", async () => {
    const l = lab(4);
    const raw = rawPort(l, PEER_MAC);
    const a = v6host(l, MAC_A, { config: { addresses: [Ipv6Prefix.parse("2001:db8::a/64")] } });
    await run(l.clock, 3000);
    const announced = raw.received
      .filter((f) => f[12] === 0x86 && f[13] === 0xdd && f[20] === NextHeader.icmpv6)
      .filter((f) => f[54] === Icmpv6Type.neighborAdvertisement)
      .map((f) => ({
        src: Ipv6Addr.read(f, 22).toString(),
        dst: Ipv6Addr.read(f, 38).toString(),
        flags: f[58],
        target: Ipv6Addr.read(f, 62).toString(),
        option: [f[78], f[79], Macaddr.read(f, 80).toString()],
      }));
    const linkLocal = eui64Address(Ipv6Addr.parse("fe80::"), MAC_A).toString();
    expect(announced).toEqual(
      [linkLocal, "2001:db8::a"].map((target) => ({
        src: target,
        dst: "ff02::1",
        flags: 0x20,
        target,
        option: [2, 1, MAC_A.toString()],
      })),
    );
    expect(a.ipv6.stats().ndp.naUnsolicited).toBe(2);
  });
});

describe("IPv6 neighbours, echo and fragments", () => {
  it("pings across the switch with neighbour entries REACHABLE, then STALE after REACHABLE_TIME", async () => {
    const { l, a, b } = twoHosts();
    await run(l.clock, 3000);
    const reply = await runUntil(l.clock, a.ipv6.icmp.ping(B));
    expect(reply.ok).toBe(true);
    expect(a.ipv6.neighbours().find((n) => n.ip.equals(B))?.state).toBe("reachable");
    expect(b.ipv6.neighbours().find((n) => n.ip.equals(A))?.state).toMatch(/stale|delay|reachable/);
    await run(l.clock, 50_000);
    expect(a.ipv6.neighbours().find((n) => n.ip.equals(B))?.state).toBe("stale");
  });

  it("pings with 8000 bytes: fragmented both ways and reassembled", async () => {
    const { l, a, b } = twoHosts();
    await run(l.clock, 3000);
    const data = new Uint8Array(8000).map((_, i) => i * 7);
    const reply = await runUntil(l.clock, a.ipv6.icmp.ping(B, { data }));
    expect(reply.ok && reply.value.data).toEqual(data);
    expect(a.ipv6.stats().txFragments).toBe(6);
    expect(b.ipv6.stats().txFragments).toBe(6);
    expect(b.ipv6.stats().reassembly.reassembled).toBe(1);
    expect(a.ipv6.stats().reassembly.reassembled).toBe(1);
  });

  it("lowers the path MTU on Packet Too Big, never below 1280, and fragments to it", async () => {
    const { l, a, b } = twoHosts();
    await run(l.clock, 3000);
    expect(a.ipv6.mtu(B)).toBe(1460);
    // B says the path to B is 1000 bytes: A keeps 1280 (RFC 8201 §4).
    const quoted = ipv6Packet({ src: A, dst: B, nextHeader: NextHeader.udp, payload: new Uint8Array(1400) });
    const ptb = icmpv6(B, A, Icmpv6Type.packetTooBig, 0, 1000, quoted.subarray(0, 1232));
    const raw = rawPort(l, PEER_MAC);
    await raw.send(
      ethernet6(PEER_MAC, MAC_A, ipv6Packet({ src: B, dst: A, nextHeader: NextHeader.icmpv6, payload: ptb })),
    );
    await run(l.clock, 10);
    expect(a.ipv6.mtu(B)).toBe(1240);
    expect(a.ipv6.stats().pathMtu.pathMtuLowered).toBe(1);
    const data = new Uint8Array(1400);
    const reply = await runUntil(l.clock, a.ipv6.icmp.ping(B, { data }));
    expect(reply.ok).toBe(true);
    // 1408 bytes of ICMPv6 over 1280: 1232 + 176 bytes of fragment data.
    expect(a.ipv6.stats().txFragments).toBe(2);
    expect(b.ipv6.stats().reassembly.reassembled).toBe(1);
  });

  it("answers a reassembly timeout with ICMPv6 Time Exceeded quoting the first fragment", async () => {
    const l = lab(3);
    const a = v6host(l, MAC_A, { config: { addresses: [Ipv6Prefix.parse("2001:db8::a/64")] } });
    await run(l.clock, 3000);
    const raw = rawPort(l, PEER_MAC);
    const peer = Ipv6Addr.parse("2001:db8::99");
    // The peer solicits A first, so A learns its link-layer address (STALE) and answers.
    const option = new Uint8Array([1, 1, 0, 0, 0, 0, 0, 0]);
    PEER_MAC.write(option, 2);
    const ns = icmpv6(
      peer,
      solicitedNode(A),
      Icmpv6Type.neighborSolicitation,
      0,
      0,
      new Uint8Array([...A.toBytes(), ...option]),
    );
    await raw.send(
      ethernet6(
        PEER_MAC,
        undefined,
        ipv6Packet({ src: peer, dst: solicitedNode(A), nextHeader: NextHeader.icmpv6, hopLimit: 255, payload: ns }),
      ),
    );
    await run(l.clock, 10);
    expect(a.ipv6.neighbours().find((n) => n.ip.equals(peer))?.state).toBe("stale");
    const advertised = ipv6Packets(raw.received).filter(
      (p) => p.packet[40] === Icmpv6Type.neighborAdvertisement && p.dst.equals(peer),
    );
    expect(advertised).toHaveLength(1);
    // The first of two fragments of an echo request; the second never comes.
    const echo = icmpv6(peer, A, Icmpv6Type.echoRequest, 0, 0x10001, new Uint8Array(2000));
    const first = fragment(NextHeader.icmpv6, 0, true, 77, echo.subarray(0, 1232));
    await raw.send(
      ethernet6(PEER_MAC, MAC_A, ipv6Packet({ src: peer, dst: A, nextHeader: NextHeader.fragment, payload: first })),
    );
    await run(l.clock, 59_000);
    expect(a.ipv6.stats().reassembly.datagrams).toBe(1);
    await run(l.clock, 5_000);
    expect(a.ipv6.stats().reassembly.datagrams).toBe(0);
    expect(a.ipv6.stats().rxReassemblyTimeouts).toBe(1);
    const exceeded = ipv6Packets(raw.received).filter((p) => p.next === NextHeader.icmpv6 && p.packet[40] === 3);
    expect(exceeded).toHaveLength(1);
    expect(exceeded[0]!.packet[41]).toBe(1); // code 1: fragment reassembly time exceeded
    expect(exceeded[0]!.dst.equals(peer)).toBe(true);
  });
});

describe("IPv6 router advertisements", () => {
  function ra(lifetime: number, prefixes: { prefix: string; valid: number; preferred: number }[]): Uint8Array {
    const body = new Uint8Array(8 + 8 + 32 * prefixes.length);
    body.set([1, 1], 8);
    PEER_MAC.write(body, 10);
    prefixes.forEach((p, i) => {
      const at = 16 + 32 * i;
      const view = new DataView(body.buffer);
      body.set([3, 4, 64, 0xc0], at);
      view.setUint32(at + 4, p.valid);
      view.setUint32(at + 8, p.preferred);
      Ipv6Addr.parse(p.prefix).write(body, at + 16);
    });
    const message = icmpv6(
      PEER_LL,
      Ipv6Addr.parse("ff02::1"),
      Icmpv6Type.routerAdvertisement,
      0,
      (64 << 24) | lifetime,
      body,
    );
    return ethernet6(
      PEER_MAC,
      undefined,
      ipv6Packet({
        src: PEER_LL,
        dst: Ipv6Addr.parse("ff02::1"),
        nextHeader: NextHeader.icmpv6,
        hopLimit: 255,
        payload: message,
      }),
    );
  }

  it("solicits routers, forms a SLAAC (EUI-64) address, and drops the router when its lifetime ends", async () => {
    const l = lab(4);
    const raw = rawPort(l, PEER_MAC);
    const a = v6host(l, MAC_A);
    await run(l.clock, 5000);
    const solicitations = ipv6Packets(raw.received).filter((p) => p.packet[40] === Icmpv6Type.routerSolicitation);
    expect(solicitations.length).toBeGreaterThanOrEqual(1);
    await raw.send(ra(30, [{ prefix: "2001:db8:7::", valid: 86400, preferred: 14400 }]));
    await run(l.clock, 3000);
    const slaac = eui64Address(Ipv6Addr.parse("2001:db8:7::"), MAC_A);
    expect(a.ipv6.addresses().find((x) => x.origin === "slaac")).toMatchObject({ state: "preferred" });
    expect(
      a.ipv6
        .addresses()
        .find((x) => x.origin === "slaac")
        ?.cidr.address.equals(slaac),
    ).toBe(true);
    expect(a.ipv6.routers().map(String)).toEqual(["fe80::99"]);
    expect(a.ipv6.src(Ipv6Addr.parse("2001:db8:9::1")).equals(slaac)).toBe(true);
    await run(l.clock, 28_000);
    expect(a.ipv6.routers()).toEqual([]);
    expect(a.ipv6.stats().ndp.expired).toBe(1);
    const off = await runUntil(
      l.clock,
      a.ipv6.write(Ipv6Addr.parse("2001:db8:9::1"), "udp", () => 0, [new Uint8Array(4)]),
    );
    expect(off.ok).toBe(false);
  });

  it("keeps its lists bounded under an RA flood of thousands of prefixes", async () => {
    const l = lab(5);
    const raw = rawPort(l, PEER_MAC);
    const a = v6host(l, MAC_A);
    await run(l.clock, 2000);
    for (let i = 0; i < 100; i++) {
      const prefixes = Array.from({ length: 40 }, (_, j) => ({
        prefix: `2001:db8:${i}:${j}::`,
        valid: 3600,
        preferred: 1800,
      }));
      await raw.send(ra(1800, prefixes));
    }
    await run(l.clock, 3000);
    const stats = a.ipv6.stats().ndp;
    expect(stats.raAccepted).toBe(100);
    expect(stats.prefixes).toBe(16);
    expect(stats.addresses).toBe(16);
    expect(stats.raEntriesRefused).toBeGreaterThan(3900);
  });
});
