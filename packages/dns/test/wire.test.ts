import { Ipv4Addr, Ipv6Addr } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { type Message, RrType, decodeMessage, encodeMessage, parseName } from "../src/index.js";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const flags = { qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: false, ad: false, cd: false };

const sample: Message = {
  id: 0x1234,
  flags,
  rcode: 0,
  questions: [{ name: "www.example.com", type: RrType.A, qclass: 1 }],
  answers: [
    { name: "www.example.com", rrclass: 1, ttl: 300, rdata: { kind: "CNAME", target: "host.example.com" } },
    { name: "host.example.com", rrclass: 1, ttl: 300, rdata: { kind: "A", address: Ipv4Addr.parse("192.0.2.1") } },
    { name: "host.example.com", rrclass: 1, ttl: 300, rdata: { kind: "AAAA", address: Ipv6Addr.parse("2001:db8::1") } },
    { name: "example.com", rrclass: 1, ttl: 60, rdata: { kind: "MX", preference: 10, exchange: "mail.example.com" } },
    { name: "example.com", rrclass: 1, ttl: 60, rdata: { kind: "TXT", strings: [text("v=spf1 -all"), text("")] } },
    {
      name: "_sip._udp.example.com",
      rrclass: 1,
      ttl: 60,
      rdata: { kind: "SRV", priority: 1, weight: 2, port: 5060, target: "sip.example.com" },
    },
    {
      name: "example.com",
      rrclass: 1,
      ttl: 60,
      rdata: { kind: "CAA", flags: 128, tag: "issue", value: text("ca.org") },
    },
    { name: "1.2.0.192.in-addr.arpa", rrclass: 1, ttl: 60, rdata: { kind: "PTR", target: "host.example.com" } },
    { name: "example.com", rrclass: 1, ttl: 60, rdata: { kind: "opaque", type: 65280, data: Uint8Array.of(1, 2, 3) } },
  ],
  authorities: [
    { name: "example.com", rrclass: 1, ttl: 3600, rdata: { kind: "NS", target: "ns1.example.com" } },
    {
      name: "example.com",
      rrclass: 1,
      ttl: 3600,
      rdata: {
        kind: "SOA",
        mname: "ns1.example.com",
        rname: "hostmaster.example.com",
        serial: 4294967295,
        refresh: 7200,
        retry: 3600,
        expire: 1209600,
        minimum: 300,
      },
    },
  ],
  additionals: [],
  edns: {
    udpSize: 1232,
    version: 0,
    dnssecOk: true,
    options: [{ code: 10, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }],
  },
};

describe("DNS wire format", () => {
  it("round-trips every known type, EDNS and an opaque type, compressing repeated names", () => {
    const bytes = encodeMessage(sample);
    const decoded = decodeMessage(bytes);
    expect(decoded.ok && decoded.value).toEqual({ ...sample, tsig: undefined });
    // "example.com" appears a dozen times; compression keeps the message well under its spelled-out size.
    expect(bytes.length).toBeLessThan(420);
  });

  it("truncates to the client's size: additionals dropped first, then everything with TC", () => {
    const glue = { name: "ns1.example.com", rrclass: 1, ttl: 1, rdata: { kind: "A" as const, address: Ipv4Addr.any } };
    const big = { ...sample, additionals: Array.from({ length: 40 }, () => glue) };
    const full = encodeMessage(big);
    const noGlue = decodeMessage(encodeMessage(big, { maxSize: full.length - 1 }));
    expect(noGlue.ok && [noGlue.value.flags.tc, noGlue.value.additionals.length, noGlue.value.answers.length]).toEqual([
      false,
      0,
      sample.answers.length,
    ]);
    const tiny = decodeMessage(encodeMessage(big, { maxSize: 100 }));
    expect(tiny.ok && [tiny.value.flags.tc, tiny.value.answers.length, tiny.value.questions.length]).toEqual([
      true,
      0,
      1,
    ]);
    expect(tiny.ok && tiny.value.edns?.udpSize).toBe(1232);
  });

  it("keeps the case of the question (0x20 checks) and compresses case-insensitively after it", () => {
    const mixed = { ...sample, questions: [{ name: "wWw.ExAmple.COM", type: RrType.A, qclass: 1 }] };
    const decoded = decodeMessage(encodeMessage(mixed));
    expect(decoded.ok && [decoded.value.questions[0]?.name, decoded.value.answers[0]?.name]).toEqual([
      "wWw.ExAmple.COM",
      "wWw.ExAmple.COM",
    ]);
  });

  it("carries the extended rcode in OPT", () => {
    const bytes = encodeMessage({ ...sample, answers: [], authorities: [], rcode: 16 });
    const decoded = decodeMessage(bytes);
    expect(decoded.ok && decoded.value.rcode).toBe(16);
  });

  it("parses presentation names with escapes and refuses bad ones with the reason", () => {
    const parsed = parseName("a\\.b.c\\065.");
    expect(parsed.ok && parsed.value.map((label) => String.fromCharCode(...label))).toEqual(["a.b", "cA"]);
    expect(parseName("a..b")).toEqual({ ok: false, error: 'empty label in name "a..b"' });
    expect(parseName(`${"x".repeat(64)}.com`).ok).toBe(false);
    expect(parseName(Array.from({ length: 130 }, () => "a").join(".")).ok).toBe(false);
    expect(parseName("é.com").ok).toBe(false);
  });

  it("rejects a compression loop, a forward pointer, counts past the data and an oversized name", () => {
    const header = (qd: number, an = 0): number[] => [0, 1, 0, 0, 0, qd, 0, an, 0, 0, 0, 0];
    const loop = Uint8Array.of(...header(1), 0xc0, 12, 0, 1, 0, 1);
    expect(decodeMessage(loop)).toMatchObject({ ok: false, error: { kind: "pointer_loop", offset: 12 } });
    const forward = Uint8Array.of(...header(1), 0xc0, 14, 0, 0, 1, 0, 1);
    expect(decodeMessage(forward)).toMatchObject({ ok: false, error: { kind: "pointer_forward" } });
    expect(decodeMessage(Uint8Array.of(...header(65535)))).toMatchObject({
      ok: false,
      error: { kind: "count_past_data" },
    });
    const long = [...Array.from({ length: 5 }, () => [63, ...new Array<number>(63).fill(97)]).flat(), 0, 0, 1, 0, 1];
    expect(decodeMessage(Uint8Array.of(...header(1), ...long))).toMatchObject({
      ok: false,
      error: { kind: "name_too_long" },
    });
    expect(decodeMessage(Uint8Array.of(1, 2, 3))).toMatchObject({ ok: false, error: { kind: "truncated" } });
  });

  it("refuses two OPT records and a TSIG that is not last", () => {
    const opt = [0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0];
    const two = Uint8Array.of(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, ...opt, ...opt);
    expect(decodeMessage(two)).toMatchObject({ ok: false, error: { kind: "multiple_opt" } });
    const tsig = encodeMessage({
      ...sample,
      answers: [],
      authorities: [],
      edns: undefined,
      tsig: {
        name: "key",
        offset: 0,
        rdata: {
          kind: "TSIG",
          algorithm: "hmac-sha256",
          timeSigned: 1,
          fudge: 300,
          mac: new Uint8Array(32),
          originalId: 1,
          error: 0,
          otherData: new Uint8Array(0),
        },
      },
    });
    const decoded = decodeMessage(tsig);
    expect(decoded.ok && decoded.value.tsig?.rdata.algorithm).toBe("hmac-sha256");
    // Append an A record after the TSIG and bump ARCOUNT: the TSIG is no longer last.
    const after = Uint8Array.of(...tsig, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4);
    after[11] = 2;
    expect(decodeMessage(after)).toMatchObject({ ok: false, error: { kind: "tsig_misplaced" } });
  });
});
