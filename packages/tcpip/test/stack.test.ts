import { Ipv4Addr } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { bytes } from "./helpers/frames.js";
import { run, runUntil } from "./helpers/simulation.js";
import { IP_B, MAC_A, host, lab, pair } from "./helpers/stacks.js";

describe("two stacks on vnetif", () => {
  it("resolve each other with ARP and ping", async () => {
    const { l, a, b } = await pair();
    const reply = await runUntil(l.clock, a.stack.icmp.ping(IP_B, { data: bytes(56) }));
    expect(reply.ok).toBe(true);
    expect(a.stack.arp.entries().map((e) => e.ip.toString())).toEqual(["10.0.0.2"]);
    expect(b.stack.stats().icmp.echoRepliesSent).toBe(1);
    if (reply.ok) expect(reply.value.data).toEqual(bytes(56));
  });

  it("ping with a payload larger than the MTU is fragmented both ways", async () => {
    const { l, a, b } = await pair();
    const data = bytes(3000, 5);
    const reply = await runUntil(l.clock, a.stack.icmp.ping(IP_B, { data }));
    expect(reply.ok && reply.value.data).toEqual(data);
    expect(a.stack.stats().ipv4.txFragments).toBe(3);
    expect(b.stack.stats().ipv4.txFragments).toBe(3);
    expect(b.stack.stats().ipv4.reassembly.reassembled).toBe(1);
    expect(a.stack.stats().ipv4.reassembly.reassembled).toBe(1);
  });

  it("exchange UDP datagrams", async () => {
    const { l, a, b } = await pair();
    const got: string[] = [];
    b.stack.udp.listen(7, async (src, _dst, srcPort, payload) => {
      got.push(`${src.toString()}:${payload.length}`);
      await b.stack.udp.write(src, srcPort, payload, { srcPort: 7 });
    });
    const echoed: Uint8Array[] = [];
    a.stack.udp.listen(5000, (_s, _d, _p, payload) => {
      echoed.push(payload.slice());
    });
    await runUntil(l.clock, a.stack.udp.write(IP_B, 7, bytes(100), { srcPort: 5000 }));
    await run(l.clock, 100);
    expect(got).toEqual(["10.0.0.1:100"]);
    expect(echoed).toEqual([bytes(100)]);
  });

  it("answers a closed UDP port with ICMP port unreachable", async () => {
    const { l, a, b } = await pair();
    await runUntil(l.clock, a.stack.udp.write(IP_B, 9999, bytes(10)));
    await run(l.clock, 100);
    expect(b.stack.stats().icmp.errorsSent).toBe(1);
    expect(a.stack.stats().icmp.rxErrors).toBe(1);
  });

  it("an unconfigured stack cannot route unicast", async () => {
    const l = lab();
    const c = await host(l, MAC_A, undefined);
    const result = await c.stack.udp.write(Ipv4Addr.parse("10.0.0.9"), 7, bytes(1));
    expect(result).toEqual({ ok: false, error: { kind: "no_route", reason: "no IPv4 address is configured" } });
  });

  const underLossTitle =
    "under 10% loss: ARP resolves, pings get through with retries, " +
    "and 500 UDP requests of varied sizes all echo back exactly";
  it(underLossTitle, async () => {
    const { l, a, b } = await pair(11, { loss: 0.1 });
    // Ping until one answer comes back (ARP retries underneath).
    let pinged = false;
    for (let seq = 0; seq < 10 && !pinged; seq++)
      pinged = (await runUntil(l.clock, a.stack.icmp.ping(IP_B, { seq }))).ok;
    expect(pinged).toBe(true);

    b.stack.udp.listen(7, (src, _dst, srcPort, payload) => {
      void b.stack.udp.write(src, srcPort, payload, { srcPort: 7 });
    });
    const expected = new Map<number, Uint8Array>();
    for (let id = 0; id < 500; id++) {
      const payload = bytes(4 + ((id * 37) % 3000), id); // up to 3003 bytes: fragmented above 1472
      new DataView(payload.buffer).setUint32(0, id);
      expected.set(id, payload);
    }
    const answered = new Map<number, Uint8Array>();
    a.stack.udp.listen(5000, (_s, _d, _p, payload) => {
      const id = new DataView(payload.buffer, payload.byteOffset).getUint32(0);
      answered.set(id, payload.slice());
    });
    let rounds = 0;
    for (; rounds < 30 && answered.size < expected.size; rounds++) {
      for (const [id, payload] of expected)
        if (!answered.has(id)) void a.stack.udp.write(IP_B, 7, payload, { srcPort: 5000 });
      await run(l.clock, 200);
    }
    expect(answered.size).toBe(500);
    expect(rounds).toBeGreaterThan(1); // losses did force retransmissions
    const mismatched = [...expected].filter(([id, payload]) => !Buffer.from(payload).equals(answered.get(id)!));
    expect(mismatched).toEqual([]);
    const lost = a.netif.linkStats().tx.lost + a.netif.linkStats().rx.lost;
    const offered = a.netif.linkStats().tx.offered + a.netif.linkStats().rx.offered;
    expect(lost / offered).toBeGreaterThan(0.07);
    expect(lost / offered).toBeLessThan(0.13);
    // Fragments of datagrams that lost a piece wait for their timeout, within the reassembly bound.
    expect(b.stack.stats().ipv4.reassembly.bufferedBytes).toBeLessThanOrEqual(1 << 20);
    await run(l.clock, 15_000);
    expect(b.stack.stats().ipv4.reassembly.datagrams).toBe(0);
  });

  it("survives duplication, reordering, corruption and delay on both links, delivering only intact data", async () => {
    const { l, a, b } = await pair(12, {
      duplicate: 0.05,
      reorder: 0.1,
      corrupt: 0.02,
      delayMs: 2,
      jitterMs: 1,
      bandwidth: 100_000_000,
    });
    const payloadOf = (id: number): Uint8Array => {
      const payload = bytes(100 + id * 7, id);
      new DataView(payload.buffer).setUint32(0, id);
      return payload;
    };
    const got = new Set<number>();
    let damaged = 0;
    b.stack.udp.listen(9, (_s, _d, _p, payload) => {
      const id = new DataView(payload.buffer, payload.byteOffset).getUint32(0);
      if (id >= 300 || !Buffer.from(payload).equals(payloadOf(id))) damaged++;
      else got.add(id);
    });
    for (let round = 0; round < 20 && got.size < 300; round++) {
      for (let id = 0; id < 300; id++) if (!got.has(id)) void a.stack.udp.write(IP_B, 9, payloadOf(id));
      await run(l.clock, 500);
    }
    expect(got.size).toBe(300);
    expect(damaged).toBe(0);
    expect(a.netif.linkStats().tx.corrupted + b.netif.linkStats().rx.corrupted).toBeGreaterThan(5);
    expect(a.netif.linkStats().tx.reordered + b.netif.linkStats().rx.reordered).toBeGreaterThan(5);
  });
});
