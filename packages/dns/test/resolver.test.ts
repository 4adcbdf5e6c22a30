import { Ipv4Addr, Ipv6Addr } from "@mirage-ts/mirage-types";
import { SeededRandom, VirtualClock } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import {
  DnsResolver,
  type DnsResolverConfig,
  type Message,
  Rcode,
  type ResourceRecord,
  decodeMessage,
  encodeMessage,
  parseNameserver,
  ppDnsError,
} from "../src/index.js";
import { FakeStack } from "./support/fake-stack.js";

const server = Ipv4Addr.parse("192.0.2.53");
const other = Ipv4Addr.parse("192.0.2.54");
const soa: ResourceRecord = {
  name: "example.com",
  rrclass: 1,
  ttl: 3600,
  rdata: { kind: "SOA", mname: "ns", rname: "h", serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60 },
};
const a = (name: string, address: string, ttl = 300): ResourceRecord => ({
  name,
  rrclass: 1,
  ttl,
  rdata: { kind: "A", address: Ipv4Addr.parse(address) },
});

/** A server answering from `records`, echoing the question as received, NXDOMAIN for unknown names. */
function answer(query: Uint8Array, records: readonly ResourceRecord[], change: Partial<Message> = {}): Uint8Array {
  const decoded = decodeMessage(query);
  if (!decoded.ok) throw new Error("bad query");
  const q = decoded.value.questions[0];
  if (q === undefined) throw new Error("no question");
  const lower = q.name.toLowerCase();
  const here = records.filter((r) => r.name === lower);
  const cname = here.find((r) => r.rdata.kind === "CNAME");
  const matching = [
    ...(cname === undefined ? [] : [cname]),
    ...records.filter(
      (r) =>
        (r.name === lower || (cname?.rdata.kind === "CNAME" && r.name === cname.rdata.target)) &&
        (r.rdata.kind === "A" ? 1 : r.rdata.kind === "AAAA" ? 28 : -1) === q.type,
    ),
  ];
  return encodeMessage({
    ...decoded.value,
    flags: { ...decoded.value.flags, qr: true, ra: true },
    rcode: here.length === 0 ? Rcode.NXDOMAIN : Rcode.NOERROR,
    answers: matching,
    authorities: matching.length === 0 ? [soa] : [],
    edns: undefined,
    ...change,
  });
}

function setup(config: Partial<DnsResolverConfig> = {}) {
  const stack = new FakeStack();
  const clock = new VirtualClock();
  const resolver = DnsResolver.connect(stack, clock, new SeededRandom(7), {
    nameservers: [{ protocol: "udp", address: server, port: 53 }],
    ...config,
  });
  return { stack, clock, resolver };
}

/** Lets queued I/O run; when none is left and `promise` still waits, moves the clock to the next timer. */
async function drive<T>(stack: FakeStack, clock: VirtualClock, promise: Promise<T>): Promise<T> {
  let settled = false;
  void promise.finally(() => (settled = true));
  for (let i = 0; i < 1000 && !settled; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (settled || stack.inFlight > 0) continue;
    if (clock.pendingTimers > 0) clock.advance((clock.nextDue() ?? clock.now()) - clock.now());
  }
  return promise;
}

describe("stub resolver", () => {
  it("looks up A and AAAA, follows a CNAME, and answers again from the cache", async () => {
    const { stack, clock, resolver } = setup();
    const records = [
      { name: "www.example.com", rrclass: 1, ttl: 100, rdata: { kind: "CNAME" as const, target: "host.example.com" } },
      a("host.example.com", "192.0.2.1"),
      {
        name: "host.example.com",
        rrclass: 1,
        ttl: 300,
        rdata: { kind: "AAAA" as const, address: Ipv6Addr.parse("2001:db8::1") },
      },
    ];
    stack.udpHandlers.set("192.0.2.53:53", (query) => [{ data: answer(query, records) }]);
    const dns = await resolver;
    const both = await drive(stack, clock, dns.lookup("www.example.com"));
    expect(both.ok && both.value.map(String)).toEqual(["2001:db8::1", "192.0.2.1"]);
    const again = await drive(stack, clock, dns.lookup("WWW.example.com.", { family: 4 }));
    expect(again.ok && again.value.map(String)).toEqual(["192.0.2.1"]);
    expect(dns.stats()).toMatchObject({ queriesSent: 2, cacheHits: 1, cacheMisses: 2 });
    // The chain's TTL is the CNAME's 100 s: after it the answer is asked again.
    clock.advance(100_001);
    await drive(stack, clock, dns.lookup("www.example.com", { family: 4 }));
    expect(dns.stats().queriesSent).toBe(3);
  });

  it("sends a random ID from a random port and mixes the name's case (0x20)", async () => {
    const { stack, clock, resolver } = setup({ cacheSize: 0 });
    const ids: number[] = [];
    const names: string[] = [];
    stack.udpHandlers.set("192.0.2.53:53", (query) => {
      const decoded = decodeMessage(query);
      if (decoded.ok) {
        ids.push(decoded.value.id);
        names.push(decoded.value.questions[0]?.name ?? "");
      }
      return [{ data: answer(query, [a("abcdefghij.example.com", "192.0.2.9")]) }];
    });
    const dns = await resolver;
    for (let i = 0; i < 8; i++)
      expect((await drive(stack, clock, dns.lookup("abcdefghij.example.com", { family: 4 }))).ok).toBe(true);
    expect(new Set(ids).size).toBe(8);
    expect(new Set(stack.sourcePorts).size).toBe(8);
    expect(stack.sourcePorts.every((port) => port >= 1024 && port <= 65535)).toBe(true);
    expect(new Set(names).size).toBeGreaterThan(1);
    expect(names.every((name) => name.toLowerCase() === "abcdefghij.example.com")).toBe(true);
  });

  it("ignores answers with the wrong ID, source, port or question case, and takes the genuine one", async () => {
    const { stack, clock, resolver } = setup();
    stack.udpHandlers.set("192.0.2.53:53", (query) => {
      const good = answer(query, [a("spoof.example.com", "192.0.2.7")]);
      const forged = answer(query, [a("spoof.example.com", "6.6.6.6")]);
      const wrongId = Uint8Array.of(...forged);
      wrongId[0] = (wrongId[0] as number) ^ 0xff;
      const decoded = decodeMessage(query);
      const lowered = decoded.ok
        ? answer(encodeMessage({ ...decoded.value, questions: [{ name: "spoof.example.com", type: 1, qclass: 1 }] }), [
            a("spoof.example.com", "6.6.6.6"),
          ])
        : forged;
      const upper = decoded.ok && decoded.value.questions[0]?.name !== "spoof.example.com";
      return [
        { data: wrongId },
        { data: forged, from: other },
        { data: forged, port: 5353 },
        ...(upper ? [{ data: lowered }] : []),
        { data: Uint8Array.of(1, 2, 3) },
        { data: good },
      ];
    });
    const dns = await resolver;
    const found = await drive(stack, clock, dns.lookup("spoof.example.com", { family: 4 }));
    expect(found.ok && found.value.map(String)).toEqual(["192.0.2.7"]);
    expect(dns.stats().mismatched).toMatchObject({ id: 1, address: 2 });
    expect(dns.stats().malformed).toEqual({ truncated: 1 });
  });

  it("caches NXDOMAIN and NODATA for min(SOA TTL, MINIMUM) (RFC 2308)", async () => {
    const { stack, clock, resolver } = setup();
    stack.udpHandlers.set("192.0.2.53:53", (query) => [
      { data: answer(query, [a("v4only.example.com", "192.0.2.4")]) },
    ]);
    const dns = await resolver;
    const missing = await drive(stack, clock, dns.lookup("missing.example.com", { family: 4 }));
    expect(!missing.ok && ppDnsError(missing.error)).toBe("missing.example.com: no such domain (NXDOMAIN)");
    const nodata = await drive(stack, clock, dns.lookup("v4only.example.com", { family: 6 }));
    expect(!nodata.ok && nodata.error.kind).toBe("nodata");
    await drive(stack, clock, dns.lookup("missing.example.com", { family: 4 }));
    await drive(stack, clock, dns.lookup("v4only.example.com", { family: 6 }));
    expect(dns.stats()).toMatchObject({ queriesSent: 2, negativeCacheHits: 2 });
    clock.advance(60_001);
    await drive(stack, clock, dns.lookup("missing.example.com", { family: 4 }));
    expect(dns.stats().queriesSent).toBe(3);
  });

  it("retries over TCP when the UDP answer is truncated", async () => {
    const { stack, clock, resolver } = setup();
    const many = Array.from({ length: 60 }, (_, i) => a("big.example.com", `192.0.2.${i + 1}`));
    stack.udpHandlers.set("192.0.2.53:53", (query) => [
      {
        data:
          answer(query, many).length > 512
            ? answer(query, [], {
                flags: { qr: true, opcode: 0, aa: true, tc: true, rd: true, ra: true, ad: false, cd: false },
              })
            : answer(query, many),
      },
    ]);
    stack.tcpHandlers.set("192.0.2.53:53", (query) => answer(query, many));
    const dns = await resolver;
    const found = await drive(stack, clock, dns.lookup("big.example.com", { family: 4 }));
    expect(found.ok && found.value.length).toBe(60);
    expect(dns.stats()).toMatchObject({ tcpFallbacks: 1 });
    expect(stack.tcpConnections).toBe(1);
  });

  it("times out on a server that drops queries and moves to the next one", async () => {
    const { stack, clock, resolver } = setup({
      nameservers: [parseNameserver("192.0.2.54"), parseNameserver("udp:192.0.2.53:53")].map((r) => {
        if (!r.ok) throw new Error(r.error);
        return r.value;
      }),
    });
    stack.udpHandlers.set("192.0.2.54:53", () => []);
    stack.udpHandlers.set("192.0.2.53:53", (query) => [{ data: answer(query, [a("x.example.com", "192.0.2.8")]) }]);
    const dns = await resolver;
    const start = clock.now();
    const found = await drive(stack, clock, dns.lookup("x.example.com", { family: 4 }));
    expect(found.ok).toBe(true);
    expect(clock.now() - start).toBe(2000);
    expect(dns.stats()).toMatchObject({ timeouts: 1, queriesSent: 2 });
    stack.udpHandlers.set("192.0.2.53:53", () => []);
    const lost = await drive(stack, clock, dns.lookup("y.example.com", { family: 4 }));
    expect(!lost.ok && ppDnsError(lost.error)).toBe("y.example.com: no answer from any name server after 4 attempts");
  });

  it("refuses a bad name and bad name-server text with the reason", async () => {
    const { resolver } = setup();
    const dns = await resolver;
    const bad = await dns.lookup("a..b");
    expect(!bad.ok && ppDnsError(bad.error)).toBe('invalid domain name "a..b": empty label in name "a..b"');
    expect(parseNameserver("udp:nowhere")).toEqual({
      ok: false,
      error:
        'name server "udp:nowhere": "nowhere" is not an IP address; ' +
        "expected udp:IP[:port], tcp:IP[:port] or IP (IPv6 with a port as [IP]:port)",
    });
    expect(parseNameserver("tcp:[2001:db8::1]:5353")).toMatchObject({
      ok: true,
      value: { protocol: "tcp", port: 5353 },
    });
    const literal = await dns.lookup("2001:db8::5");
    expect(literal.ok && literal.value.map(String)).toEqual(["2001:db8::5"]);
  });
});
