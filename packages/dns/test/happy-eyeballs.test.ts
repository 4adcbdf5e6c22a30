import { Ipaddr, Ipv4Addr, Ipv6Addr } from "@mirage-ts/mirage-types";
import { SeededRandom, VirtualClock } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import {
  DnsResolver,
  type ResourceRecord,
  connectByName,
  decodeMessage,
  encodeMessage,
  interleave,
} from "../src/index.js";
import { FakeStack } from "./support/fake-stack.js";

const server = Ipv4Addr.parse("192.0.2.53");
const records: ResourceRecord[] = [
  { name: "dual.example.com", rrclass: 1, ttl: 60, rdata: { kind: "AAAA", address: Ipv6Addr.parse("2001:db8::1") } },
  { name: "dual.example.com", rrclass: 1, ttl: 60, rdata: { kind: "A", address: Ipv4Addr.parse("192.0.2.1") } },
];

/** A server answering A and AAAA questions at once, except the types in `held`, answered by `release`. */
function setup(held: readonly number[] = []) {
  const stack = new FakeStack();
  const clock = new VirtualClock();
  const waiting = new Map<number, () => void>();
  stack.udpHandlers.set("192.0.2.53:53", (query, srcPort) => {
    const q = decodeMessage(query);
    if (!q.ok) return [];
    const type = q.value.questions[0]?.type ?? 0;
    const answers = records.filter((r) => (r.rdata.kind === "A" ? 1 : 28) === type);
    const data = encodeMessage({ ...q.value, flags: { ...q.value.flags, qr: true }, answers, edns: undefined });
    if (!held.includes(type)) return [{ data }];
    waiting.set(type, () => void stack.listeners.get(srcPort)?.(server, stack.local, 53, data));
    return [];
  });
  const resolver = DnsResolver.connect(stack, clock, new SeededRandom(1), {
    nameservers: [{ protocol: "udp", address: server, port: 53 }],
  });
  const asked = (type: number) => waiting.has(type);
  const release = (type: number) => waiting.get(type)?.();
  return { stack, clock, resolver, asked, release };
}

describe("happy eyeballs (RFC 8305)", () => {
  it("alternates the families, the first one first", () => {
    const list = ["2001:db8::1", "2001:db8::2", "192.0.2.1", "192.0.2.2"].map((a) => Ipaddr.parse(a));
    expect(interleave(list).map(String)).toEqual(["2001:db8::1", "192.0.2.1", "2001:db8::2", "192.0.2.2"]);
  });

  it("starts the IPv4 attempt 250 ms after an IPv6 attempt that hangs, and takes it", async () => {
    const { stack, clock, resolver } = setup();
    stack.tcpBlackholes.add("2001:db8::1");
    stack.tcpHandlers.set("192.0.2.1:80", () => undefined);
    const connecting = connectByName(stack, await resolver, clock, "dual.example.com", 80);
    await expect.poll(() => stack.tcpAttempts).toEqual(["2001:db8::1"]);
    clock.advance(249);
    expect(stack.tcpAttempts.length).toBe(1);
    clock.advance(1);
    const flow = await connecting;
    expect(stack.tcpAttempts).toEqual(["2001:db8::1", "192.0.2.1"]);
    expect(flow.ok && flow.value.dst().addr.toString()).toBe("192.0.2.1");
  });

  it("waits 50 ms after the A answer for the AAAA one, connects over IPv4, then tries IPv6 once it is in", async () => {
    const { stack, clock, resolver, asked, release } = setup([28]);
    stack.tcpBlackholes.add("192.0.2.1");
    stack.tcpHandlers.set("2001:db8::1:80", () => undefined);
    const dns = await resolver;
    const connecting = connectByName(stack, dns, clock, "dual.example.com", 80);
    // The A answer is in (cached), the AAAA one held back; the virtual clock has not moved.
    await expect.poll(() => asked(28) && dns.stats().cacheEntries === 1).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(49);
    expect(stack.tcpAttempts).toEqual([]);
    clock.advance(1);
    expect(stack.tcpAttempts).toEqual(["192.0.2.1"]);
    release(28);
    await new Promise((resolve) => setImmediate(resolve));
    // The IPv6 address joins the list: its attempt starts when the attempt delay after IPv4's ends.
    clock.advance(249);
    expect(stack.tcpAttempts).toEqual(["192.0.2.1"]);
    clock.advance(1);
    const flow = await connecting;
    expect(stack.tcpAttempts).toEqual(["192.0.2.1", "2001:db8::1"]);
    expect(flow.ok && flow.value.dst().addr.toString()).toBe("2001:db8::1");
  });

  it("connects over IPv6 as soon as the AAAA answer arrives, without waiting for the A answer", async () => {
    const { stack, clock, resolver, asked } = setup([1]);
    stack.tcpHandlers.set("2001:db8::1:80", () => undefined);
    const flow = await connectByName(stack, await resolver, clock, "dual.example.com", 80);
    expect(asked(1)).toBe(true);
    expect(clock.now()).toBe(0);
    expect(stack.tcpAttempts).toEqual(["2001:db8::1"]);
    expect(flow.ok && flow.value.dst().addr.toString()).toBe("2001:db8::1");
  });

  it("connects to an address literal without asking the name servers", async () => {
    const { stack, clock, resolver } = setup();
    stack.tcpHandlers.set("192.0.2.9:80", () => undefined);
    const flow = await connectByName(stack, await resolver, clock, "192.0.2.9", 80);
    expect(flow.ok && flow.value.dst().addr.toString()).toBe("192.0.2.9");
    expect(stack.udpSent).toEqual([]);
  });

  it("moves on at once when an attempt is refused, and reports the last error when all fail", async () => {
    const { stack, clock, resolver } = setup();
    const failed = await connectByName(stack, await resolver, clock, "dual.example.com", 80);
    expect(stack.tcpAttempts).toEqual(["2001:db8::1", "192.0.2.1"]);
    expect(clock.now()).toBe(0);
    expect(failed).toEqual({ ok: false, error: { kind: "connect", attempts: 2, last: { kind: "refused" } } });
  });
});
