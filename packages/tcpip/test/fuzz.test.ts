import { Ipv4Addr } from "@mirage-ts/mirage-types";
import { DhcpClient, decodeDhcpMessage } from "@mirage-ts/tcpip";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dhcpFrames, mutatedFrame, randomFrame, seedFrames } from "./helpers/mutations.js";
import { run, settle } from "./helpers/simulation.js";
import { IP_A, MAC_A, MAC_B, host, lab } from "./helpers/stacks.js";

const LIMITS = {
  arp: { maxEntries: 8, maxPending: 4, maxWaiters: 4 },
  reassembly: { maxDatagrams: 4, maxFragments: 8, maxBytes: 8192, timeoutMs: 2000 },
  icmp: { maxPings: 4, errorsPerSecond: 10, errorBurst: 5 },
};

// Each decoder on random bytes and on mutations of a valid input: decode-errors.test.ts.
describe("parsers on random bytes", () => {
  it("never throw on DHCP-shaped input (valid cookie, random options)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 0, max: 3 }), (options, overload) => {
        const message = new Uint8Array(240 + options.length);
        message[0] = 2;
        message[1] = 1;
        message[2] = 6;
        message.set([0x63, 0x82, 0x53, 0x63], 236);
        message.set(options, 240);
        if (overload > 0 && options.length >= 3) message.set([52, 1, overload], 240);
        decodeDhcpMessage(message);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("a stack fed hostile frames", () => {
  it("never rejects, and every table stays within its bounds", async () => {
    const l = lab(7);
    const victim = await host(l, MAC_A, "10.0.0.1/24", {}, LIMITS);
    const target = { mac: MAC_A, ip: IP_A };
    const seeds = seedFrames(target);
    const frames = fc.sample(fc.oneof(mutatedFrame(seeds), randomFrame(target)), { numRuns: 4000, seed: 42 });
    let rejected = 0;
    // Inputs are not awaited one by one: answering may wait for ARP, which needs time to pass.
    for (const [i, frame] of frames.entries()) {
      void victim.stack.input(frame).catch(() => rejected++);
      if (i % 50 === 0) {
        // ARP queries and pings pending on replies that never come time out as time passes.
        void victim.stack.icmp.ping(Ipv4Addr.fromNumber(0x0a000000 + (i % 250)), { timeoutMs: 500 });
        await run(l.clock, 300);
      }
      const s = victim.stack.stats();
      expect(s.arp.entries).toBeLessThanOrEqual(8);
      expect(s.arp.pending).toBeLessThanOrEqual(4);
      expect(s.ipv4.reassembly.datagrams).toBeLessThanOrEqual(4);
      expect(s.ipv4.reassembly.bufferedBytes).toBeLessThanOrEqual(8192);
      expect(s.icmp.pingsOutstanding).toBeLessThanOrEqual(4);
    }
    expect(rejected).toBe(0);
    expect(victim.stack.stats().listenerErrors).toBe(0);
    // Everything drains once the input stops: no timer or entry lingers beyond its timeout.
    await run(l.clock, 20_000);
    const after = victim.stack.stats();
    expect(after.arp.pending).toBe(0);
    expect(after.ipv4.reassembly.datagrams).toBe(0);
    expect(after.ipv4.reassembly.bufferedBytes).toBe(0);
    expect(after.icmp.pingsOutstanding).toBe(0);
    expect(l.clock.pendingTimers).toBe(0);
    // The fuzzing reached deep: fragments reassembled, echo requests answered, UDP delivered or refused.
    expect(after.ipv4.rxFragments).toBeGreaterThan(100);
    expect(after.icmp.echoRequests).toBeGreaterThan(10);
    expect(after.udp.rxNoListener).toBeGreaterThan(10);
    // And the stack still works.
    const peer = await host(l, MAC_B, "10.0.0.2/24");
    const reply = peer.stack.icmp.ping(IP_A);
    await run(l.clock, 2000);
    expect((await reply).ok).toBe(true);
  });

  it("a DHCP client fed mutated replies to its own transaction never rejects and keeps a sane state", async () => {
    const l = lab(9);
    const victim = await host(l, MAC_A, undefined, {}, LIMITS);
    const sniffer = l.sw.connect();
    let xid = 0;
    void sniffer.listen(14, (frame) => {
      const dhcp = frame.subarray(42);
      const decoded = decodeDhcpMessage(dhcp);
      if (decoded.ok) xid = decoded.value.xid;
    });
    const client = new DhcpClient({
      udp: victim.stack.udp,
      ipv4: victim.stack.ipv4,
      mac: MAC_A,
      clock: l.clock,
      random: l.random,
    });
    await client.start();
    await settle();
    const target = { mac: MAC_A, ip: Ipv4Addr.broadcast };
    let rejected = 0;
    for (let round = 0; round < 20; round++) {
      const seeds = dhcpFrames(target, xid);
      const frames = [...seeds, ...fc.sample(mutatedFrame(seeds), { numRuns: 100, seed: round })];
      for (const frame of frames) void victim.stack.input(frame).catch(() => rejected++);
      // 30 s a round: the 256 s leases granted go through renewal, rebinding and expiry.
      await run(l.clock, 30_000);
    }
    expect(rejected).toBe(0);
    expect(["selecting", "requesting", "bound", "renewing", "rebinding"]).toContain(client.state());
    const stats = client.stats();
    expect(stats.ignored).toBeGreaterThan(100);
    expect(stats.offersReceived + stats.acksReceived + stats.naksReceived).toBeGreaterThanOrEqual(3);
    await client.stop();
    await victim.stack.disconnect();
  });
});
