import { Ipv4Addr, Macaddr, ppArpError } from "@mirage-ts/mirage-types";
import { type ArpPacket, Ethertype, decodeArpPacket, decodeEthernetFrame, encodeArpPacket } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { ethernetFrame } from "./helpers/frames.js";
import { run, runUntil, settle } from "./helpers/simulation.js";
import { IP_A, MAC_A, host, lab, rawPort } from "./helpers/stacks.js";

const MAC_X = Macaddr.parse("02:00:00:00:00:99");
const MAC_EVIL = Macaddr.parse("02:00:00:00:0e:e1");
const IP_X = Ipv4Addr.parse("10.0.0.99");
const ZERO = Macaddr.fromBytes(new Uint8Array(6));

function arpFrame(packet: ArpPacket, dst = Macaddr.broadcast, src = packet.senderMac): Uint8Array {
  const body = new Uint8Array(28);
  encodeArpPacket(packet, body);
  return ethernetFrame(dst, src, Ethertype.arp, body);
}

function arpPackets(frames: readonly Uint8Array[]): Array<ArpPacket & { dst: string }> {
  const out: Array<ArpPacket & { dst: string }> = [];
  for (const frame of frames) {
    const eth = decodeEthernetFrame(frame);
    if (!eth.ok || eth.value.header.ethertype !== Ethertype.arp) continue;
    const arp = decodeArpPacket(eth.value.payload);
    if (arp.ok) out.push({ ...arp.value, dst: eth.value.header.dst.toString() });
  }
  return out;
}

async function setup(arp = {}) {
  const l = lab();
  const peer = rawPort(l, MAC_X);
  const a = await host(l, MAC_A, "10.0.0.1/24", {}, { arp });
  await run(l.clock, 10);
  return { l, peer, a };
}

const reply = (senderMac: Macaddr, senderIp: Ipv4Addr): ArpPacket => ({
  operation: "reply",
  senderMac,
  senderIp,
  targetMac: MAC_A,
  targetIp: IP_A,
});

describe("ARP", () => {
  it("announces its address with a gratuitous ARP request at start", async () => {
    const { peer } = await setup();
    const [garp] = arpPackets(peer.received);
    expect(garp).toMatchObject({ operation: "request", dst: "ff:ff:ff:ff:ff:ff" });
    expect(garp!.senderIp.equals(IP_A) && garp!.targetIp.equals(IP_A) && garp!.targetMac.equals(ZERO)).toBe(true);
    expect(garp!.senderMac.equals(MAC_A)).toBe(true);
  });

  it("answers requests for its own address only", async () => {
    const { l, peer, a } = await setup();
    peer.received.length = 0;
    await peer.send(
      arpFrame({
        operation: "request",
        senderMac: MAC_X,
        senderIp: IP_X,
        targetMac: ZERO,
        targetIp: Ipv4Addr.parse("10.0.0.77"),
      }),
    );
    await run(l.clock, 10);
    expect(arpPackets(peer.received)).toEqual([]);
    expect(a.stack.arp.entries()).toEqual([]); // a request for another address adds no entry
    await peer.send(
      arpFrame({ operation: "request", senderMac: MAC_X, senderIp: IP_X, targetMac: ZERO, targetIp: IP_A }),
    );
    await run(l.clock, 10);
    const [answer] = arpPackets(peer.received);
    expect(answer).toMatchObject({ operation: "reply", dst: MAC_X.toString() });
    expect(answer!.senderMac.equals(MAC_A) && answer!.senderIp.equals(IP_A) && answer!.targetIp.equals(IP_X)).toBe(
      true,
    );
    // A request to us teaches us its sender (RFC 826), so answering it needs no query.
    expect(a.stack.arp.entries().map((e) => `${e.ip.toString()} ${e.mac.toString()}`)).toEqual([
      "10.0.0.99 02:00:00:00:00:99",
    ]);
  });

  it("resolves a query from the reply, sharing one request between concurrent callers", async () => {
    const { l, peer, a } = await setup();
    peer.received.length = 0;
    const first = a.stack.arp.query(IP_X);
    const second = a.stack.arp.query(IP_X);
    await run(l.clock, 10);
    expect(arpPackets(peer.received).map((p) => [p.operation, p.targetIp.toString(), p.dst])).toEqual([
      ["request", "10.0.0.99", "ff:ff:ff:ff:ff:ff"],
    ]);
    await peer.send(arpFrame(reply(MAC_X, IP_X), MAC_A));
    await run(l.clock, 10);
    for (const result of [await first, await second]) expect(result.ok && result.value.equals(MAC_X)).toBe(true);
    expect(a.stack.arp.entries().map((e) => `${e.ip.toString()} ${e.mac.toString()}`)).toEqual([
      "10.0.0.99 02:00:00:00:00:99",
    ]);
    const cached = await a.stack.arp.query(IP_X);
    expect(cached.ok).toBe(true);
    expect(arpPackets(peer.received)).toHaveLength(1);
  });

  it("retries, then fails with upstream's timeout error", async () => {
    const { l, peer, a } = await setup();
    peer.received.length = 0;
    peer.arrivals.length = 0;
    const start = l.clock.now();
    const query = a.stack.arp.query(IP_X);
    await run(l.clock, 3500);
    const times = peer.arrivals.map((t) => t - start);
    expect(times).toEqual([0, 1000, 2000]);
    const result = await query;
    expect(result).toEqual({ ok: false, error: { kind: "timeout" } });
    if (!result.ok)
      expect(ppArpError(result.error)).toBe("could not determine a link-level address for the IP address given");
    expect(a.stack.stats().arp).toMatchObject({ timeouts: 1, pending: 0 });
  });

  it("ignores unsolicited replies and announcements: they never add an entry", async () => {
    const { l, peer, a } = await setup();
    await peer.send(arpFrame(reply(MAC_EVIL, Ipv4Addr.parse("10.0.0.1"))));
    await peer.send(arpFrame(reply(MAC_EVIL, Ipv4Addr.parse("10.0.0.254")), MAC_A));
    await peer.send(
      arpFrame({
        operation: "request",
        senderMac: MAC_EVIL,
        senderIp: Ipv4Addr.parse("10.0.0.254"),
        targetMac: ZERO,
        targetIp: Ipv4Addr.parse("10.0.0.254"),
      }),
    );
    await run(l.clock, 10);
    expect(a.stack.arp.entries()).toEqual([]);
    expect(a.stack.stats().arp).toMatchObject({ unsolicited: 1, conflicts: 1 });
  });

  it("does not let a spoofed reply overwrite an entry while the real owner answers the probe", async () => {
    const { l, peer, a } = await setup();
    const query = a.stack.arp.query(IP_X);
    await run(l.clock, 10);
    await peer.send(arpFrame(reply(MAC_X, IP_X), MAC_A));
    await run(l.clock, 10);
    expect((await query).ok).toBe(true);
    peer.received.length = 0;
    await peer.send(arpFrame(reply(MAC_EVIL, IP_X), MAC_A, MAC_EVIL));
    await run(l.clock, 10);
    // Still the original MAC, and a unicast probe went to it.
    expect(a.stack.arp.entries()[0]!.mac.equals(MAC_X)).toBe(true);
    const [probe] = arpPackets(peer.received);
    expect(probe).toMatchObject({ operation: "request", dst: MAC_X.toString() });
    await peer.send(arpFrame(reply(MAC_X, IP_X), MAC_A));
    await run(l.clock, 5000);
    expect(a.stack.arp.entries()[0]!.mac.equals(MAC_X)).toBe(true);
    expect(a.stack.stats().arp).toMatchObject({ conflicts: 1, pending: 0 });
  });

  it("forgets an entry whose MAC stops answering after a conflicting claim (address takeover)", async () => {
    const { l, peer, a } = await setup();
    const query = a.stack.arp.query(IP_X);
    await run(l.clock, 10);
    await peer.send(arpFrame(reply(MAC_X, IP_X), MAC_A));
    await run(l.clock, 10);
    await query;
    peer.received.length = 0;
    await peer.send(
      arpFrame(
        { operation: "request", senderMac: MAC_EVIL, senderIp: IP_X, targetMac: ZERO, targetIp: IP_X },
        Macaddr.broadcast,
        MAC_EVIL,
      ),
    );
    await run(l.clock, 5000);
    expect(arpPackets(peer.received).filter((p) => p.dst === MAC_X.toString())).toHaveLength(3);
    expect(a.stack.arp.entries()).toEqual([]);
    // The next query resolves afresh by broadcast.
    void a.stack.arp.query(IP_X);
    await run(l.clock, 10);
    expect(arpPackets(peer.received).at(-1)).toMatchObject({ dst: "ff:ff:ff:ff:ff:ff" });
  });

  it("refreshes an entry on the same MAC and resolves again after its lifetime", async () => {
    const { l, peer, a } = await setup({ entryLifetimeMs: 10_000 });
    const query = a.stack.arp.query(IP_X);
    await run(l.clock, 10);
    await peer.send(arpFrame(reply(MAC_X, IP_X), MAC_A));
    await run(l.clock, 10);
    await query;
    await run(l.clock, 8000);
    await peer.send(
      arpFrame({ operation: "request", senderMac: MAC_X, senderIp: IP_X, targetMac: ZERO, targetIp: IP_A }),
    );
    await run(l.clock, 8000);
    expect(a.stack.arp.entries()).toHaveLength(1);
    await run(l.clock, 3000);
    expect(a.stack.arp.entries()).toEqual([]);
    peer.received.length = 0;
    void a.stack.arp.query(IP_X);
    await run(l.clock, 10);
    expect(arpPackets(peer.received).map((p) => p.operation)).toEqual(["request"]);
  });

  it("bounds the cache (least recently used evicted), pending queries and waiters", async () => {
    const { l, peer, a } = await setup({ maxEntries: 3, maxPending: 2, maxWaiters: 2 });
    const ip = (n: number) => Ipv4Addr.parse(`10.0.0.${n}`);
    for (const n of [10, 11, 12, 13]) {
      const query = a.stack.arp.query(ip(n));
      await run(l.clock, 10);
      await peer.send(arpFrame(reply(MAC_X, ip(n)), MAC_A));
      await run(l.clock, 10);
      expect((await query).ok).toBe(true);
      if (n === 11) await a.stack.arp.query(ip(10)); // 10 becomes most recently used
    }
    expect(
      a.stack.arp
        .entries()
        .map((e) => e.ip.toString())
        .sort(),
    ).toEqual(["10.0.0.10", "10.0.0.12", "10.0.0.13"]);
    expect(a.stack.stats().arp.evictions).toBe(1);
    const pending = [a.stack.arp.query(ip(20)), a.stack.arp.query(ip(21))];
    expect(await a.stack.arp.query(ip(22))).toEqual({ ok: false, error: { kind: "timeout" } });
    const third = a.stack.arp.query(ip(20));
    expect(await a.stack.arp.query(ip(20))).toEqual({ ok: false, error: { kind: "timeout" } });
    await run(l.clock, 4000);
    for (const p of [...pending, third]) expect((await p).ok).toBe(false);
    expect(a.stack.stats().arp.pending).toBe(0);
  });

  it("counts malformed packets and ignores broadcast senders", async () => {
    const { l, peer, a } = await setup();
    await peer.send(ethernetFrame(MAC_A, MAC_X, Ethertype.arp, new Uint8Array(10)));
    await peer.send(arpFrame({ ...reply(Macaddr.broadcast, IP_X) }, MAC_A, MAC_X));
    await run(l.clock, 10);
    expect(a.stack.stats().arp.malformed).toBe(2);
  });

  it("fails pending queries and cancels its timers on disconnect", async () => {
    const { l, a } = await setup();
    const query = a.stack.arp.query(IP_X);
    await settle();
    await a.stack.arp.disconnect();
    expect(await query).toEqual({ ok: false, error: { kind: "timeout" } });
    await run(l.clock, 10); // the request already on the wire arrives
    expect(l.clock.pendingTimers).toBe(0);
    expect(await a.stack.arp.query(IP_X)).toEqual({ ok: false, error: { kind: "timeout" } });
  });

  it("answers for every address set, and addIp/removeIp change them", async () => {
    const { l, peer, a } = await setup();
    const extra = Ipv4Addr.parse("10.0.0.5");
    await a.stack.arp.addIp(extra);
    expect(a.stack.arp.getIps().map(String)).toEqual(["10.0.0.1", "10.0.0.5"]);
    expect((await a.stack.arp.query(extra)).ok).toBe(true); // our own address resolves to our MAC
    await run(l.clock, 10);
    // announced
    expect(arpPackets(peer.received).at(-1)).toMatchObject({ operation: "request", dst: "ff:ff:ff:ff:ff:ff" });
    peer.received.length = 0;
    await peer.send(
      arpFrame({ operation: "request", senderMac: MAC_X, senderIp: IP_X, targetMac: ZERO, targetIp: extra }),
    );
    await run(l.clock, 10);
    expect(arpPackets(peer.received)).toHaveLength(1);
    await a.stack.arp.removeIp(extra);
    await peer.send(
      arpFrame({ operation: "request", senderMac: MAC_X, senderIp: IP_X, targetMac: ZERO, targetIp: extra }),
    );
    await run(l.clock, 10);
    expect(arpPackets(peer.received)).toHaveLength(1);
  });
});

describe("ARP address probing (RFC 5227)", () => {
  const IP_NEW = Ipv4Addr.parse("10.0.0.42");
  const probesOf = (frames: readonly Uint8Array[]) =>
    arpPackets(frames).filter(
      (p) => p.operation === "request" && p.senderIp.isUnspecified() && p.targetIp.equals(IP_NEW),
    );

  const probingTitle =
    "sends the probes from 0.0.0.0 to broadcast, and declares the address free an interval after the last";
  it(probingTitle, async () => {
    const { l, peer, a } = await setup();
    peer.received.length = 0;
    const start = l.clock.now();
    let done: unknown;
    void a.stack.arp.probe(IP_NEW, { attempts: 3, intervalMs: 500 }).then((r) => (done = r));
    await run(l.clock, 1400);
    expect(done).toBeUndefined();
    const probes = probesOf(peer.received);
    expect(probes).toHaveLength(3);
    for (const probe of probes) {
      expect(probe.dst).toBe("ff:ff:ff:ff:ff:ff");
      expect(probe.senderMac.equals(MAC_A) && probe.targetMac.equals(ZERO)).toBe(true);
    }
    expect(peer.arrivals.slice(-3).map((t) => t - start)).toEqual([0, 500, 1000]);
    await run(l.clock, 200);
    expect(done).toBe("free");
    expect(l.clock.now() - start).toBe(1600);
    expect(a.stack.arp.getIps().map(String)).toEqual(["10.0.0.1"]); // probing takes nothing
    expect(a.stack.arp.stats()).toMatchObject({ pending: 0, conflicts: 0 });
    expect(l.clock.pendingTimers).toBe(0);
    expect(arpPackets(peer.received).some((p) => p.senderIp.equals(IP_NEW))).toBe(false); // nothing announced
  });

  it("probes with RFC 5227's count and a 1 s interval by default", async () => {
    const { l, peer, a } = await setup();
    peer.received.length = 0;
    const start = l.clock.now();
    const result = await runUntil(l.clock, a.stack.arp.probe(IP_NEW));
    expect(result).toBe("free");
    expect(probesOf(peer.received)).toHaveLength(3);
    expect(l.clock.now() - start).toBe(3000);
  });

  it("reports a conflict when another MAC answers from the address, or probes it too", async () => {
    for (const packet of [
      { operation: "reply", senderMac: MAC_X, senderIp: IP_NEW, targetMac: MAC_A, targetIp: Ipv4Addr.any },
      { operation: "request", senderMac: MAC_X, senderIp: IP_NEW, targetMac: ZERO, targetIp: IP_NEW },
      { operation: "request", senderMac: MAC_X, senderIp: Ipv4Addr.any, targetMac: ZERO, targetIp: IP_NEW },
    ] satisfies ArpPacket[]) {
      const { l, peer, a } = await setup();
      const pending = a.stack.arp.probe(IP_NEW, { attempts: 3, intervalMs: 1000 });
      await run(l.clock, 1200);
      await peer.send(arpFrame(packet));
      const result = await runUntil(l.clock, pending, 100);
      expect(result).toEqual({ conflict: MAC_X });
      expect(a.stack.arp.stats()).toMatchObject({ pending: 0, conflicts: 1 });
      expect(probesOf(peer.received)).toHaveLength(2); // it stopped probing at the conflict
      expect(l.clock.pendingTimers).toBe(0);
    }
  });

  const notFooledTitle =
    "is not fooled by its own looped-back probes, by a host querying the address, " +
    "or by traffic about other addresses";
  it(notFooledTitle, async () => {
    const { l, peer, a } = await setup();
    const pending = a.stack.arp.probe(IP_NEW, { attempts: 2, intervalMs: 1000 });
    await run(l.clock, 10);
    for (const packet of [
      // A DHCP server checking the address before offering it asks from its own address (RFC 2131 §4.4.1).
      { operation: "request", senderMac: MAC_X, senderIp: IP_X, targetMac: ZERO, targetIp: IP_NEW },
      { operation: "request", senderMac: MAC_A, senderIp: Ipv4Addr.any, targetMac: ZERO, targetIp: IP_NEW },
      { operation: "reply", senderMac: MAC_X, senderIp: IP_X, targetMac: MAC_A, targetIp: IP_NEW },
      { operation: "request", senderMac: MAC_X, senderIp: Ipv4Addr.any, targetMac: ZERO, targetIp: IP_X },
    ] satisfies ArpPacket[]) {
      await peer.send(arpFrame(packet));
    }
    expect(await runUntil(l.clock, pending)).toBe("free");
  });

  it("runs one probe per address, and ends it on cancelProbe and disconnect without leaving timers", async () => {
    const { l, peer, a } = await setup({ maxPending: 2 });
    peer.received.length = 0;
    const first = a.stack.arp.probe(IP_NEW, { attempts: 3, intervalMs: 1000 });
    const joined = a.stack.arp.probe(IP_NEW, { attempts: 9, intervalMs: 1 });
    expect(joined).toBe(first);
    const other = a.stack.arp.probe(Ipv4Addr.parse("10.0.0.43"));
    expect(await a.stack.arp.probe(Ipv4Addr.parse("10.0.0.44"))).toBe("cancelled"); // maxPending reached
    expect(a.stack.arp.stats().pending).toBe(2);
    await run(l.clock, 10);
    expect(probesOf(peer.received)).toHaveLength(1);
    a.stack.arp.cancelProbe(IP_NEW);
    expect(await first).toBe("cancelled");
    a.stack.arp.cancelProbe(IP_NEW); // nothing left to cancel
    await a.stack.arp.disconnect();
    expect(await other).toBe("cancelled");
    expect(await a.stack.arp.probe(IP_NEW)).toBe("cancelled");
    expect(a.stack.arp.stats().pending).toBe(0);
    expect(l.clock.pendingTimers).toBe(0);
  });

  it("refuses to probe a non-unicast address or with bad settings", async () => {
    const { a } = await setup();
    expect(() => a.stack.arp.probe(Ipv4Addr.any)).toThrow(RangeError);
    expect(() => a.stack.arp.probe(Ipv4Addr.broadcast)).toThrow(RangeError);
    expect(() => a.stack.arp.probe(Ipv4Addr.parse("224.0.0.1"))).toThrow(RangeError);
    expect(() => a.stack.arp.probe(IP_NEW, { attempts: 0 })).toThrow(RangeError);
    expect(() => a.stack.arp.probe(IP_NEW, { intervalMs: 0 })).toThrow(RangeError);
  });
});
