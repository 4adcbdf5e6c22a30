/**
 * DAD failure of the link-local address disabling IPv6 (RFC 4862 §5.4.5), and MLDv2 (RFC 3810):
 * state-change reports repeated per the Robustness Variable, leaves when an address goes and when
 * the layer stops, and answers to General and Multicast Address Specific Queries within their
 * Maximum Response Delay. A virtual peer on the switch answers DAD probes and sends queries.
 */

import { Ipv6Addr, Ipv6Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { Icmpv6Type, NextHeader, eui64Address, solicitedNode } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { ethernet6, icmpv6, ipv6Packet, ipv6Packets, v6host } from "./helpers/ipv6.js";
import { run } from "./helpers/simulation.js";
import { MAC_A, type RawPort, lab, rawPort } from "./helpers/stacks.js";

const PEER_MAC = Macaddr.parse("02:00:00:00:00:99");
const PEER_LL = Ipv6Addr.parse("fe80::99");
const ALL_NODES = Ipv6Addr.parse("ff02::1");
const LINK_LOCAL = eui64Address(Ipv6Addr.parse("fe80::"), MAC_A);
// Its solicited-node group (ff02::1:ff01:2345) differs from the link-local address's.
const STATIC = Ipv6Addr.parse("2001:db8::1:2345");

interface Report {
  readonly at: number;
  readonly src: string;
  readonly records: { type: number; group: string }[];
}

/** The MLDv2 reports among the frames `raw` received (behind their hop-by-hop Router Alert). */
function reports(raw: RawPort): Report[] {
  const out: Report[] = [];
  ipv6Packets(raw.received).forEach(({ src, next, packet }, i) => {
    if (next !== NextHeader.hopByHop || packet[48] !== Icmpv6Type.mldv2Report) return;
    const count = (packet[54]! << 8) | packet[55]!;
    const records = Array.from({ length: count }, (_, r) => ({
      type: packet[56 + 20 * r]!,
      group: Ipv6Addr.read(packet, 60 + 20 * r).toString(),
    }));
    out.push({ at: raw.arrivals[i]!, src: src.toString(), records });
  });
  return out;
}

/** Answers every DAD probe for `targets` with an override NA to all nodes, as a node holding them does. */
function defend(raw: RawPort, targets: readonly Ipv6Addr[]): () => void {
  let seen = 0;
  return () => {
    const packets = ipv6Packets(raw.received);
    for (const { src, next, packet } of packets.slice(seen)) {
      if (next !== NextHeader.icmpv6 || packet[40] !== Icmpv6Type.neighborSolicitation || !src.isUnspecified())
        continue;
      const target = Ipv6Addr.read(packet, 48);
      if (!targets.some((t) => t.equals(target))) continue;
      const body = Uint8Array.of(...target.toBytes(), 2, 1, ...PEER_MAC.toBytes());
      const na = icmpv6(PEER_LL, ALL_NODES, Icmpv6Type.neighborAdvertisement, 0, 0x20000000, body);
      const frame = ipv6Packet({
        src: PEER_LL,
        dst: ALL_NODES,
        nextHeader: NextHeader.icmpv6,
        hopLimit: 255,
        payload: na,
      });
      void raw.send(ethernet6(PEER_MAC, undefined, frame));
    }
    seen = packets.length;
  };
}

/** Runs the clock in 10 ms steps for `ms`, calling `each` between them (a peer reacting to frames). */
async function runWith(l: ReturnType<typeof lab>, ms: number, each: () => void): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    each();
    await run(l.clock, 10);
  }
}

/** An MLD query from the peer: General (group `::`, to ff02::1) or Address Specific (to the group). */
function query(group: Ipv6Addr, maxResponseMs: number, hopLimit = 1): Uint8Array {
  const dst = group.isUnspecified() ? ALL_NODES : group;
  const body = new Uint8Array(20);
  group.write(body, 0);
  const message = icmpv6(PEER_LL, dst, Icmpv6Type.mldQuery, 0, (maxResponseMs << 16) >>> 0, body);
  return ethernet6(
    PEER_MAC,
    undefined,
    ipv6Packet({ src: PEER_LL, dst, nextHeader: NextHeader.icmpv6, hopLimit, payload: message }),
  );
}

describe("RFC 4862 §5.4.5: a duplicate link-local address disables IPv6", () => {
  it("disables the interface when a peer answers the DAD probe for the EUI-64 link-local address", async () => {
    const l = lab(5);
    const raw = rawPort(l, PEER_MAC);
    const a = v6host(l, MAC_A, { config: { addresses: [Ipv6Prefix.parse("2001:db8::a/64")] } });
    await runWith(l, 3000, defend(raw, [LINK_LOCAL]));
    const ipv6 = a.ipv6;
    expect(ipv6.disabled()).toMatch(
      new RegExp(`link-local address ${LINK_LOCAL.toString()} used by another node; IPv6 is disabled`),
    );
    const stats = ipv6.stats();
    expect(stats.ndp.linkLocalConflicts).toBe(1);
    expect(ipv6.configuredIps()).toEqual([]);
    // Nothing goes out any more: writes fail with the reason, counted.
    const sentBefore = raw.received.length;
    const ping = await ipv6.icmp.ping(Ipv6Addr.parse("2001:db8::99"));
    expect(ping).toEqual({ ok: false, error: { kind: "no_route", reason: ipv6.disabled() } });
    // Nor is anything received: the peer's echo request is dropped and counted.
    const echo = icmpv6(PEER_LL, LINK_LOCAL, Icmpv6Type.echoRequest, 0, 1, new Uint8Array(8));
    await raw.send(
      ethernet6(
        PEER_MAC,
        MAC_A,
        ipv6Packet({ src: PEER_LL, dst: LINK_LOCAL, nextHeader: NextHeader.icmpv6, payload: echo }),
      ),
    );
    await run(l.clock, 60_000);
    expect(raw.received.length).toBe(sentBefore);
    expect(ipv6.stats()).toMatchObject({ rxDisabled: 1, txDisabled: 1 });
    // No timer is left: router solicitations, DAD and the static address's announcement all stopped.
    expect(l.clock.nextDue()).toBeUndefined();
  });

  it("keeps IPv6 when only a static address is duplicate", async () => {
    const l = lab(6);
    const raw = rawPort(l, PEER_MAC);
    const a = v6host(l, MAC_A, { config: { addresses: [Ipv6Prefix.make(STATIC, 64)] } });
    await runWith(l, 3000, defend(raw, [STATIC]));
    expect(a.ipv6.disabled()).toBeUndefined();
    expect(a.ipv6.stats().ndp).toMatchObject({ dadConflicts: 1, linkLocalConflicts: 0 });
    expect(a.ipv6.configuredIps().map((p) => p.address.toString())).toEqual([LINK_LOCAL.toString()]);
  });
});

describe("MLDv2 (RFC 3810)", () => {
  it("repeats each state change within the Unsolicited Report Interval; leaves a removed address's group", async () => {
    const l = lab(7);
    const raw = rawPort(l, PEER_MAC);
    const a = v6host(l, MAC_A, { config: { addresses: [Ipv6Prefix.make(STATIC, 64)] } });
    await runWith(l, 4000, defend(raw, [STATIC]));
    const lls = solicitedNode(LINK_LOCAL).toString();
    const ss = solicitedNode(STATIC).toString();
    const seen = reports(raw);
    // The joins (CHANGE_TO_EXCLUDE, 4) at start and once more within 1 s.
    const joins = seen.filter((r) => r.records.some((x) => x.type === 4));
    expect(joins).toHaveLength(2);
    for (const r of joins)
      expect(
        r.records
          .filter((x) => x.type === 4)
          .map((x) => x.group)
          .sort(),
      ).toEqual([lls, ss].sort());
    expect(joins[1]!.at - joins[0]!.at).toBeLessThanOrEqual(1000);
    // DAD failed for STATIC: its group is left (CHANGE_TO_INCLUDE({}), 3), twice, and never the link-local's.
    const leaves = seen.filter((r) => r.records.some((x) => x.type === 3));
    expect(leaves.map((r) => r.records.map((x) => `${x.type} ${x.group}`))).toEqual([[`3 ${ss}`], [`3 ${ss}`]]);
    expect(leaves[1]!.at - leaves[0]!.at).toBeLessThanOrEqual(1000);
    expect(a.ipv6.groups().map(String)).toEqual([ALL_NODES.toString(), lls]);
    expect(a.ipv6.stats().ndp).toMatchObject({ mldReports: 4, mldLeaves: 1 });
    // Stopping leaves every group in one report; ff02::1 is never reported.
    await a.ipv6.disconnect();
    await run(l.clock, 10);
    expect(reports(raw).at(-1)!.records).toEqual([{ type: 3, group: lls }]);
  });

  it("answers a General Query with every group, and an Address Specific one with its group, in time", async () => {
    const l = lab(8);
    const raw = rawPort(l, PEER_MAC);
    const a = v6host(l, MAC_A, { config: { addresses: [Ipv6Prefix.make(STATIC, 64)] } });
    await run(l.clock, 5000);
    const lls = solicitedNode(LINK_LOCAL).toString();
    const ss = solicitedNode(STATIC).toString();
    const before = reports(raw).length;

    const sentAt = l.clock.now();
    await raw.send(query(Ipv6Addr.unspecified, 2000));
    await run(l.clock, 2000);
    const general = reports(raw).slice(before);
    expect(general).toHaveLength(1);
    expect(general[0]!.at - sentAt).toBeLessThanOrEqual(2000);
    expect(general[0]!.src).toBe(LINK_LOCAL.toString());
    expect(general[0]!.records.map((x) => `${x.type} ${x.group}`).sort()).toEqual([`2 ${lls}`, `2 ${ss}`].sort());

    await raw.send(query(solicitedNode(STATIC), 500));
    await run(l.clock, 500);
    expect(
      reports(raw)
        .slice(before + 1)
        .map((r) => r.records),
    ).toEqual([[{ type: 2, group: ss }]]);

    // A query for a group A has not joined is not for A; one with hop limit 64 is invalid.
    await raw.send(query(Ipv6Addr.parse("ff02::1:ff99:9999"), 100));
    await raw.send(query(Ipv6Addr.unspecified, 100, 64));
    await run(l.clock, 1000);
    expect(reports(raw)).toHaveLength(before + 2);
    expect(a.ipv6.stats().ndp).toMatchObject({ mldQueries: 2, mldQueriesInvalid: 1 });
  });
});
