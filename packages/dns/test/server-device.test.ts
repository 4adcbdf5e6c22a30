import { type LogEvent, setReporter } from "@mirage-ts/mirage-runtime";
import { Ipv4Addr, Ipv6Addr } from "@mirage-ts/mirage-types";
import { SeededRandom, VirtualClock } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { DnsServer, DnsServerDevice, Opcode, RrType, decodeMessage, encodeMessage, frame } from "../src/index.js";
import { FakeStack, clientFlow } from "./support/fake-stack.js";
import { exampleZone } from "./support/zone.js";

const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(options: Parameters<typeof DnsServerDevice.listen>[4] = {}) {
  const stack = new FakeStack();
  const clock = new VirtualClock();
  const server = new DnsServer({ zones: [exampleZone()], wallClock: () => 0, now: () => clock.now() });
  const device = DnsServerDevice.listen(stack, server, clock, new SeededRandom(3), options);
  return { stack, clock, device };
}

const query = encodeMessage({
  id: 9,
  flags: { qr: false, opcode: Opcode.QUERY, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false },
  rcode: 0,
  questions: [{ name: "web.example.com", type: RrType.A, qclass: 1 }],
  answers: [],
  authorities: [],
  additionals: [],
});

function capturedLogs(): { events: LogEvent[]; stop: () => void } {
  const events: LogEvent[] = [];
  setReporter((event) => events.push(event));
  return { events, stop: () => setReporter(() => {}) };
}

describe("server device", () => {
  it("answers pipelined TCP queries, closes idle connections and refuses those over the limit", async () => {
    const { stack, clock, device } = setup({ tcpMaxConnections: 2, tcpIdleMs: 5000 });
    const first = clientFlow(stack, 53);
    first.send(Uint8Array.of(...frame(query), ...frame(query).subarray(0, 5)));
    first.send(frame(query).subarray(5));
    await expect.poll(() => first.received.length).toBe(2);
    expect(first.received.map((r) => decodeMessage(r.subarray(2)).ok)).toEqual([true, true]);
    const second = clientFlow(stack, 53);
    const third = clientFlow(stack, 53);
    await settle();
    expect([second.closed(), third.closed()]).toEqual([false, true]);
    expect(device.stats()).toMatchObject({ tcpConnections: 2, tcpRefused: 1, responses: 2 });
    clock.advance(5000);
    await expect.poll(() => first.closed() && second.closed()).toBe(true);
  });

  it("sends NOTIFY at start, again after 1 s, and stops once the secondary answers", async () => {
    const secondary = { address: Ipv4Addr.parse("192.0.2.2"), port: 53 };
    const { stack, clock, device } = setup({ notify: [secondary] });
    expect(stack.udpSent.length).toBe(1);
    clock.advance(1000);
    expect(stack.udpSent.length).toBe(2);
    const sent = decodeMessage(stack.udpSent[1]?.payload ?? new Uint8Array(0));
    if (!sent.ok) throw new Error("bad NOTIFY");
    expect(sent.value.flags.opcode).toBe(Opcode.NOTIFY);
    const ack = encodeMessage({ ...sent.value, flags: { ...sent.value.flags, qr: true }, answers: [] });
    await stack.listeners.get(53)?.(secondary.address, stack.local, 53, ack);
    clock.advance(60_000);
    expect(stack.udpSent.length).toBe(2);
    expect(device.stats()).toMatchObject({ notifiesSent: 2, notifiesAcknowledged: 1, notifiesPending: 0 });
  });

  it("logs NOTIFY sent and acknowledged, and warns when a secondary never answers", async () => {
    const logs = capturedLogs();
    try {
      const silent = { address: Ipv6Addr.parse("2001:db8::2"), port: 5300 };
      const answering = { address: Ipv4Addr.parse("192.0.2.2"), port: 53 };
      const { stack, clock, device } = setup({ notify: [silent, answering] });
      const toAnswering = stack.udpSent.find((sent) => sent.dst.equals(answering.address));
      const sent = decodeMessage(toAnswering?.payload ?? new Uint8Array(0));
      if (!sent.ok) throw new Error("bad NOTIFY");
      const ack = encodeMessage({ ...sent.value, flags: { ...sent.value.flags, qr: true }, answers: [] });
      await stack.listeners.get(53)?.(answering.address, stack.local, 53, ack);
      for (const seconds of [1, 1, 1, 4, 13]) clock.advance(seconds * 1000);
      expect(device.stats()).toMatchObject({ notifiesAcknowledged: 1, notifiesAbandoned: 1 });
      expect(logs.events.map(({ level, message }) => `${level}: ${message}`)).toEqual([
        "info: NOTIFY for example.com sent to [2001:db8::2]:5300",
        "info: NOTIFY for example.com sent to 192.0.2.2:53",
        "info: NOTIFY for example.com acknowledged by 192.0.2.2:53",
        "warning: NOTIFY for example.com to [2001:db8::2]:5300 unanswered after 6 attempts; " +
          "check that the secondary listens there and accepts NOTIFY from this address",
      ]);
    } finally {
      logs.stop();
    }
  });
});
