/**
 * Hostile IPv6 input at unit level, on the virtual switch: random and mutated packets never make a
 * decoder or the layer throw; extension-header chains past the bound, routing type 0, overlapping and
 * tiny fragments, NA spoofing against the override rules and ND cache exhaustion are refused and
 * counted, the tables stay within their bounds, and the host still answers a ping afterwards.
 */

import { Ipv6Addr, Ipv6Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { Icmpv6Type, NeighbourCache, NextHeader, solicitedNode } from "@mirage-ts/tcpip";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ethernet6, fragment, icmpv6, ipv6Packet, v6host } from "./helpers/ipv6.js";
import { run, runUntil } from "./helpers/simulation.js";
import { MAC_A, MAC_B, lab, rawPort } from "./helpers/stacks.js";

const A = Ipv6Addr.parse("2001:db8::a");
const B = Ipv6Addr.parse("2001:db8::b");
const EVIL = Ipv6Addr.parse("2001:db8::666");
const EVIL_MAC = Macaddr.parse("02:00:00:00:06:66");

async function victim(seed: number) {
  const l = lab(seed);
  const a = v6host(l, MAC_A, {
    config: { addresses: [Ipv6Prefix.parse("2001:db8::a/64")] },
    reassembly: { maxDatagrams: 8, maxFragments: 16, maxBytes: 65536 },
    neighbours: { maxEntries: 32 },
  });
  const b = v6host(l, MAC_B, { config: { addresses: [Ipv6Prefix.parse("2001:db8::b/64")] } });
  const raw = rawPort(l, EVIL_MAC);
  await run(l.clock, 3000);
  const send = (packet: Uint8Array) => raw.send(ethernet6(EVIL_MAC, MAC_A, packet));
  const stillAnswers = async () => {
    const reply = await runUntil(l.clock, b.ipv6.icmp.ping(A, { timeoutMs: 5000 }));
    expect(reply.ok).toBe(true);
  };
  return { l, a, b, raw, send, stillAnswers };
}

/** Destination options headers, `count` of them, then an ICMPv6 echo request. */
function chain(count: number, last: Uint8Array, lastNext: number): Uint8Array {
  const out = new Uint8Array(8 * count + last.length);
  for (let i = 0; i < count; i++) {
    out[8 * i] = i === count - 1 ? lastNext : NextHeader.destinationOptions;
    out.set([1, 4, 0, 0, 0, 0], 8 * i + 2); // PadN of 6 bytes
  }
  out.set(last, 8 * count);
  return out;
}

// The decoders alone on random bytes: decode-errors.test.ts.
describe("the IPv6 layer on random bytes", () => {
  it("the layer survives random packets behind a valid fixed header, and still answers", async () => {
    const { send, a, stillAnswers, l } = await victim(21);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 1400 }), async (next, payload) => {
        await send(ipv6Packet({ src: EVIL, dst: A, nextHeader: next, hopLimit: 255, payload }));
      }),
      { numRuns: 500 },
    );
    await run(l.clock, 70_000);
    expect(a.ipv6.stats().reassembly.datagrams).toBe(0);
    await stillAnswers();
  });
});

describe("hostile IPv6 on the virtual switch", () => {
  it("drops chains past the bound and routing type 0, answering parameter problems", async () => {
    const { send, a, raw, l, stillAnswers } = await victim(22);
    const echo = icmpv6(EVIL, A, Icmpv6Type.echoRequest, 0, 1, new Uint8Array(8));
    await send(
      ipv6Packet({
        src: EVIL,
        dst: A,
        nextHeader: NextHeader.destinationOptions,
        payload: chain(8, echo, NextHeader.icmpv6),
      }),
    );
    await send(
      ipv6Packet({
        src: EVIL,
        dst: A,
        nextHeader: NextHeader.destinationOptions,
        payload: chain(9, echo, NextHeader.icmpv6),
      }),
    );
    await send(
      ipv6Packet({
        src: EVIL,
        dst: A,
        nextHeader: NextHeader.destinationOptions,
        payload: chain(180, echo, NextHeader.icmpv6),
      }),
    );
    const type0 = new Uint8Array(24 + echo.length);
    type0.set([NextHeader.icmpv6, 2, 0, 1]);
    type0.set(echo, 24);
    await send(ipv6Packet({ src: EVIL, dst: A, nextHeader: NextHeader.routing, payload: type0 }));
    await run(l.clock, 100);
    const stats = a.ipv6.stats();
    expect(stats.rxChainTooLong).toBe(2);
    expect(stats.rxRoutingType0).toBe(1);
    expect(a.ipv6.icmp.stats().echoReplies).toBe(1); // the chain of 8 is within the bound
    await stillAnswers();
    // The routing header is answered with a parameter problem pointing at its type (byte 42).
    expect(a.ipv6.icmp.stats().errorsSent).toBe(1);
    expect(raw.received.length).toBeGreaterThan(0);
  });

  it("discards datagrams with overlapping fragments (RFC 5722) and tiny ones, within bounds", async () => {
    const { send, a, l, stillAnswers } = await victim(23);
    const echo = icmpv6(EVIL, A, Icmpv6Type.echoRequest, 0, 2, new Uint8Array(2000));
    const frag = (offset: number, more: boolean, id: number, data: Uint8Array) =>
      send(
        ipv6Packet({
          src: EVIL,
          dst: A,
          nextHeader: NextHeader.fragment,
          payload: fragment(NextHeader.icmpv6, offset, more, id, data),
        }),
      );
    await frag(0, true, 1, echo.subarray(0, 1024));
    await frag(1016, false, 1, echo.subarray(1016)); // overlaps the first by 8 bytes
    await frag(0, true, 2, echo.subarray(0, 1024));
    await frag(1024, false, 2, echo.subarray(1024)); // a clean pair: answered
    await frag(0, true, 3, echo.subarray(0, 4)); // a first fragment without the whole ICMPv6 header (RFC 7112)
    await frag(8, true, 4, echo.subarray(8, 12)); // a middle fragment not a multiple of 8: invalid
    for (let id = 100; id < 1100; id++) await frag(8, true, id, new Uint8Array(8)); // a flood of tiny fragments
    await run(l.clock, 100);
    const r = a.ipv6.stats().reassembly;
    expect(r.overlaps).toBe(1);
    expect(r.reassembled).toBe(1);
    expect(r.invalid).toBe(1);
    expect(a.ipv6.stats().rxIncompleteChain).toBe(1);
    expect(r.datagrams).toBeLessThanOrEqual(8);
    expect(r.bufferedBytes).toBeLessThanOrEqual(65536);
    expect(a.ipv6.icmp.stats().echoReplies).toBe(1);
    await stillAnswers();
  });

  it("does not let an unsolicited NA without the override flag replace a known address", async () => {
    const { send, a, b, l, raw } = await victim(24);
    await runUntil(l.clock, a.ipv6.icmp.ping(B));
    expect(a.ipv6.neighbours().find((n) => n.ip.equals(B))).toMatchObject({ state: "reachable", mac: MAC_B });
    const option = new Uint8Array([2, 1, 0, 0, 0, 0, 0, 0]);
    EVIL_MAC.write(option, 2);
    const body = new Uint8Array([...B.toBytes(), ...option]);
    const spoof = (flags: number) =>
      send(
        ipv6Packet({
          src: EVIL,
          dst: A,
          nextHeader: NextHeader.icmpv6,
          hopLimit: 255,
          payload: icmpv6(EVIL, A, Icmpv6Type.neighborAdvertisement, 0, flags, body),
        }),
      );
    await spoof(0x40000000); // solicited, no override
    await spoof(0); // unsolicited, no override
    await run(l.clock, 10);
    expect(
      a.ipv6
        .neighbours()
        .find((n) => n.ip.equals(B))
        ?.mac?.equals(MAC_B),
    ).toBe(true);
    expect(a.ipv6.stats().neighbours.overridesRefused).toBe(2);
    // A forged NA with a hop limit below 255 is not ND at all.
    await send(
      ipv6Packet({
        src: EVIL,
        dst: A,
        nextHeader: NextHeader.icmpv6,
        hopLimit: 64,
        payload: icmpv6(EVIL, A, Icmpv6Type.neighborAdvertisement, 0, 0x20000000, body),
      }),
    );
    await run(l.clock, 10);
    expect(a.ipv6.stats().ndp.ndInvalid).toBe(1);
    expect(
      a.ipv6
        .neighbours()
        .find((n) => n.ip.equals(B))
        ?.mac?.equals(MAC_B),
    ).toBe(true);
    expect((await runUntil(l.clock, a.ipv6.icmp.ping(B))).ok).toBe(true);
    expect(raw.received.length).toBeGreaterThan(0);
    void b;
  });

  it("keeps the neighbour cache bounded under thousands of soliciting sources and asked targets", async () => {
    const { send, a, l, stillAnswers } = await victim(25);
    for (let i = 0; i < 2000; i++) {
      const src = Ipv6Addr.parse(`2001:db8::1:${i.toString(16)}`);
      const option = new Uint8Array([1, 1, 2, 0, 0, 0, i >> 8, i & 0xff]);
      const ns = icmpv6(
        src,
        solicitedNode(A),
        Icmpv6Type.neighborSolicitation,
        0,
        0,
        new Uint8Array([...A.toBytes(), ...option]),
      );
      await send(ipv6Packet({ src, dst: solicitedNode(A), nextHeader: NextHeader.icmpv6, hopLimit: 255, payload: ns }));
      if (i % 100 === 99) await run(l.clock, 1);
    }
    await run(l.clock, 10);
    expect(a.ipv6.stats().ndp.nsAnswered).toBe(2000);
    expect(a.ipv6.stats().neighbours).toMatchObject({ entries: 32, evicted: 2000 - 32 });
    // Writes to 2000 silent on-link targets: each waits for resolution, evicting the oldest waiting one.
    const writes = Array.from({ length: 2000 }, (_, i) =>
      a.ipv6.write(Ipv6Addr.parse(`2001:db8::2:${i.toString(16)}`), "udp", () => 0, [new Uint8Array(8)]),
    );
    await run(l.clock, 10_000);
    const results = await Promise.all(writes);
    expect(results.every((r) => !r.ok)).toBe(true);
    const n = a.ipv6.stats().neighbours;
    expect(n.entries).toBeLessThanOrEqual(32);
    // The writes pushed out the 32 learnt (STALE) entries, then each the oldest unresolved one; the
    // last 32 failed after 3 solicitations.
    expect(n.evicted).toBe(2000 - 32 + 32 + (2000 - 32));
    expect(n.resolutionFailures).toBe(32);
    await stillAnswers();
  });

  it("a cache entry that never answers fails its waiters after three solicitations", () => {
    const cache = new NeighbourCache({ maxEntries: 2 });
    const seen: (Macaddr | undefined)[] = [];
    const target = Ipv6Addr.parse("fe80::5");
    expect(cache.resolve(target, 0, (m) => seen.push(m)).kind).toBe("wait");
    expect(cache.tick(1000)).toHaveLength(1);
    expect(cache.tick(2000)).toHaveLength(1);
    expect(cache.tick(3000)).toHaveLength(0);
    expect(seen).toEqual([undefined]);
    expect(cache.stats()).toMatchObject({ entries: 0, resolutionFailures: 1 });
  });
});
