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

function setup() {
  const stack = new FakeStack();
  const clock = new VirtualClock();
  stack.udpHandlers.set("192.0.2.53:53", (query) => {
    const q = decodeMessage(query);
    if (!q.ok) return [];
    const type = q.value.questions[0]?.type;
    const answers = records.filter((r) => (r.rdata.kind === "A" ? 1 : 28) === type);
    return [{ data: encodeMessage({ ...q.value, flags: { ...q.value.flags, qr: true }, answers, edns: undefined }) }];
  });
  const resolver = DnsResolver.connect(stack, clock, new SeededRandom(1), {
    nameservers: [{ protocol: "udp", address: server, port: 53 }],
  });
  return { stack, clock, resolver };
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

  it("moves on at once when an attempt is refused, and reports the last error when all fail", async () => {
    const { stack, clock, resolver } = setup();
    const failed = await connectByName(stack, await resolver, clock, "dual.example.com", 80);
    expect(stack.tcpAttempts).toEqual(["2001:db8::1", "192.0.2.1"]);
    expect(clock.now()).toBe(0);
    expect(failed).toEqual({ ok: false, error: { kind: "connect", attempts: 2, last: { kind: "refused" } } });
  });
});
