// The per-packet fast paths: layers that pass frames along without promises of their own must keep
// the promise contract of the mirage-types signatures, and the helpers behind them must be sound.

import { type FrameHandler, Ipv4Addr, Ipv4Prefix, type Result, err, ok } from "@mirage-ts/mirage-types";
import { EthernetLayer, Ipv4Stack, VirtualClock, internetChecksum } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { KnownOutcome } from "../src/internal/known-outcome.js";
import { HeldClock } from "../src/tcp/internal/held-clock.js";
import { FrameSlab } from "../src/vnetif/frame-slab.js";
import { ethernetFrame } from "./helpers/frames.js";
import { run } from "./helpers/simulation.js";
import { IP_B, MAC_A, MAC_B, lab, pair } from "./helpers/stacks.js";

const IPV4 = 0x0800;

describe("Ethernet and IPv4 without async", () => {
  it("rejects the promise of input when a handler throws, instead of throwing to the device", async () => {
    const l = lab();
    const eth = new EthernetLayer(l.sw.connect({ mac: MAC_A }));
    const boom = new Error("handler failed");
    const handlers = {
      arpv4: () => undefined,
      ipv4: () => {
        throw boom;
      },
      ipv6: () => undefined,
    };
    const input = eth.input(ethernetFrame(MAC_A, MAC_B, IPV4, new Uint8Array(20)), handlers);
    await expect(input).rejects.toBe(boom);
    // A handler's own promise is what input returns, so its failure reaches the caller too.
    const failing = Promise.reject(boom);
    await expect(
      eth.input(ethernetFrame(MAC_A, MAC_B, IPV4, new Uint8Array(20)), { ...handlers, ipv4: () => failing }),
    ).rejects.toBe(boom);
  });

  it("rejects the promise of write when the fill function throws", async () => {
    const l = lab();
    const eth = new EthernetLayer(l.sw.connect({ mac: MAC_A }));
    const boom = new Error("fill failed");
    await expect(
      eth.write(
        MAC_B,
        "ipv4",
        () => {
          throw boom;
        },
        { size: 20 },
      ),
    ).rejects.toBe(boom);
    await expect(eth.write(MAC_B, "ipv4", () => 0, { size: 9001 })).resolves.toEqual({
      ok: false,
      error: { kind: "exceeds_mtu" },
    });
  });

  it("puts a datagram to a neighbour in the ARP cache on the link before write returns", async () => {
    const { l, a, b } = await pair();
    // The first write resolves the neighbour; the frame waits for the ARP reply.
    const before = a.netif.getStatsCounters().txPkts;
    const first = a.stack.ipv4.write(IP_B, "udp", () => 0, [new Uint8Array(8)]);
    expect(a.netif.getStatsCounters().txPkts).toBe(before + 1); // the ARP request only
    await run(l.clock, 10);
    expect(await first).toEqual({ ok: true, value: undefined });
    expect(a.stack.arp.cached(IP_B)?.equals(MAC_B)).toBe(true);
    const sent = a.netif.getStatsCounters().txPkts;
    const second = a.stack.ipv4.write(IP_B, "udp", () => 0, [new Uint8Array(8)]);
    expect(a.netif.getStatsCounters().txPkts).toBe(sent + 1);
    expect(await second).toEqual({ ok: true, value: undefined });
    await run(l.clock, 10);
    expect(b.stack.stats().ipv4.rxDelivered).toBeGreaterThanOrEqual(2);
  });

  it("answers cached() only for known neighbours and its own address, never by asking", async () => {
    const { l, a } = await pair();
    const stranger = Ipv4Addr.parse("10.0.0.77");
    expect(a.stack.arp.cached(stranger)).toBeUndefined();
    expect(a.stack.arp.cached(Ipv4Addr.parse("10.0.0.1"))?.equals(MAC_A)).toBe(true);
    await run(l.clock, 10);
    expect(a.stack.stats().arp).toMatchObject({ pending: 0 });
    await a.stack.arp.disconnect();
    expect(a.stack.arp.cached(Ipv4Addr.parse("10.0.0.1"))).toBeUndefined();
  });
});

describe("FrameSlab", () => {
  it("hands out zeroed buffers that never overlap, and large ones of their own", () => {
    const slab = new FrameSlab();
    const frames = Array.from({ length: 100 }, (_, i) => slab.take(60 + (i % 1500)));
    for (const [i, frame] of frames.entries()) {
      expect(frame.length).toBe(60 + (i % 1500));
      expect(frame.every((b) => b === 0)).toBe(true);
      expect(frame.byteOffset % 8).toBe(0);
      frame.fill(0xff);
    }
    const spans = frames.map((f) => [f.buffer, f.byteOffset, f.byteOffset + f.length] as const);
    for (const [i, [buffer, start, end]] of spans.entries()) {
      for (const [other, s, e] of spans.slice(i + 1)) if (other === buffer) expect(end <= s || e <= start).toBe(true);
    }
    const big = slab.take(65_536);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(65_536);
  });
});

describe("HeldClock", () => {
  it("answers one reading while held, nested holds included, and the live time otherwise", () => {
    const clock = new VirtualClock(5);
    const held = new HeldClock(clock);
    held.hold();
    clock.advance(3);
    expect(held.now()).toBe(5);
    held.hold();
    held.release();
    expect(held.now()).toBe(5);
    held.release();
    expect(held.now()).toBe(8);
    let fired = 0;
    held.setTimer(2, () => fired++);
    clock.advance(2);
    expect(fired).toBe(1);
  });
});

describe("KnownOutcome", () => {
  it("maps a promise seen to succeed at once when it comes again, and any other with then", async () => {
    const outcomes = new KnownOutcome<string, string>();
    const calls: string[] = [];
    const map = (result: Result<void, string>, context: string): Result<void, string> => {
      calls.push(`${context}:${result.ok}`);
      return result.ok ? result : err(`mapped ${result.error}`);
    };
    const success = Promise.resolve(ok());
    const first = outcomes.map(success, map, "a");
    expect(calls).toEqual([]);
    expect(await first).toEqual(ok());
    // Known now: mapped synchronously (the counting happens), and the first mapped promise returned.
    const again = outcomes.map(success, map, "b");
    expect(calls).toEqual(["a:true", "b:true"]);
    expect(again).toBe(first);
    // A failure is mapped each time and never remembered.
    const failure = Promise.resolve(err("down"));
    const failed = outcomes.map(failure, map, "c");
    expect(await failed).toEqual(err("mapped down"));
    const failedAgain = outcomes.map(failure, map, "d");
    expect(failedAgain).not.toBe(failed);
    expect(await failedAgain).toEqual(err("mapped down"));
    // A success `map` replaces is not remembered either: its result would not be the same.
    const replaced = Promise.resolve(ok());
    const replacing = (): Result<void, string> => ({ ok: true, value: undefined });
    await outcomes.map(replaced, replacing, "e");
    expect(outcomes.map(replaced, replacing, "f")).not.toBe(outcomes.map(replaced, replacing, "g"));
    // A rejection goes to onRejected.
    const boom = new Error("boom");
    const rejected = outcomes.map(Promise.reject(boom), map, "h", (reason) => err(String(reason)));
    expect(await rejected).toEqual(err(String(boom)));
  });

  it("lets a frame written through a vnetif reach the device with no promise per layer", async () => {
    const { l, a } = await pair();
    const write = (): Promise<unknown> => a.stack.ipv4.write(IP_B, "udp", () => 0, [new Uint8Array(8)]);
    // The first write waits for ARP; once it resolved, the layers know the device's settled promise.
    const first = write();
    await run(l.clock, 10);
    await first;
    const sent = a.stack.stats().ipv4.txPackets;
    // The IPv4 layer's settled promise, the same for every write, and its counters are up to date.
    expect(write()).toBe(write());
    expect(a.stack.stats().ipv4.txPackets).toBe(sent + 2);
    expect(a.stack.stats().ethernet.txFrames).toBeGreaterThanOrEqual(sent + 2);
  });
});

/** An IPv4 packet (its header checksummed) from 10.0.0.2 to 10.0.0.1 carrying 20 bytes as TCP. */
function ipv4Tcp(): Uint8Array {
  const packet = new Uint8Array(40);
  packet.set([0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1]);
  const sum = internetChecksum(packet.subarray(0, 20));
  packet.set([sum >>> 8, sum & 0xff], 10);
  return packet;
}

describe("Ipv4Stack receiving", () => {
  it("returns nothing to the device for a frame handled synchronously, the handler's failure otherwise", async () => {
    const l = lab();
    const netif = l.sw.connect({ mac: MAC_A });
    let handler: FrameHandler | undefined;
    const listen = netif.listen.bind(netif);
    netif.listen = (size, h) => {
      handler = h;
      return listen(size, h);
    };
    const stack = await Ipv4Stack.connect({
      netif,
      clock: l.clock,
      random: l.random,
      config: { cidr: Ipv4Prefix.parse("10.0.0.1/24") },
    });
    expect(handler).toBeDefined();
    // No TCP input attached: the segment is counted and dropped, synchronously.
    const segment = ipv4Tcp();
    expect(handler!(ethernetFrame(MAC_A, MAC_B, IPV4, segment), 0)).toBeUndefined();
    stack.setTcpInput(
      () => Promise.reject(new Error("listener failed")),
      () => undefined,
    );
    const returned = handler!(ethernetFrame(MAC_A, MAC_B, IPV4, segment), 0);
    expect(returned).toBeInstanceOf(Promise);
    await returned;
    expect(stack.stats()).toMatchObject({ listenerErrors: 1 });
  });
});
