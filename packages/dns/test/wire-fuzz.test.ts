// The codec against dns-packet (the reference decoder on npm) in both directions, and hostile bytes
// (random, mutated, pointer chains) that must never throw.
import { Buffer } from "node:buffer";
import { Ipv4Addr, Ipv6Addr } from "@mirage-ts/mirage-types";
import * as packet from "dns-packet";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DecodeErrorCounts,
  type Message,
  type Rdata,
  decodeMessage,
  encodeMessage,
  rdataType,
  rrTypeName,
} from "../src/index.js";

const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join("."));
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });

const rdata: fc.Arbitrary<Rdata> = fc.oneof(
  u32.map((n) => ({ kind: "A" as const, address: Ipv4Addr.fromNumber(n) })),
  fc
    .uint8Array({ minLength: 16, maxLength: 16 })
    .map((b) => ({ kind: "AAAA" as const, address: Ipv6Addr.fromBytes(b) })),
  fc.record({ kind: fc.constantFrom("NS" as const, "CNAME" as const, "PTR" as const), target: name }),
  fc.record({ kind: fc.constant("MX" as const), preference: u16, exchange: name }),
  fc.record({ kind: fc.constant("SRV" as const), priority: u16, weight: u16, port: u16, target: name }),
  fc.record({
    kind: fc.constant("SOA" as const),
    mname: name,
    rname: name,
    serial: u32,
    refresh: u32,
    retry: u32,
    expire: u32,
    minimum: u32,
  }),
  fc.record({ kind: fc.constant("TXT" as const), strings: fc.array(bytes(40), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant("opaque" as const), type: fc.constantFrom(65280, 4242, 65534), data: bytes(30) }),
);
const record = fc.record({ name, rrclass: fc.constant(1), ttl: fc.integer({ min: 0, max: 0x7fffffff }), rdata });
const message: fc.Arbitrary<Message> = fc.record({
  id: u16,
  flags: fc.record({
    qr: fc.boolean(),
    opcode: fc.constant(0),
    aa: fc.boolean(),
    tc: fc.boolean(),
    rd: fc.boolean(),
    ra: fc.boolean(),
    ad: fc.boolean(),
    cd: fc.boolean(),
  }),
  rcode: fc.integer({ min: 0, max: 5 }),
  questions: fc.array(fc.record({ name, type: fc.constantFrom(1, 28, 15, 255), qclass: fc.constant(1) }), {
    maxLength: 2,
  }),
  answers: fc.array(record, { maxLength: 6 }),
  authorities: fc.array(record, { maxLength: 3 }),
  additionals: fc.array(record, { maxLength: 3 }),
  edns: fc.option(
    fc.record({
      udpSize: fc.integer({ min: 512, max: 4096 }),
      version: fc.constant(0),
      dnssecOk: fc.boolean(),
      options: fc.constant([]),
    }),
    { nil: undefined },
  ),
  tsig: fc.constant(undefined),
});

/** Our RDATA in dns-packet's shape. */
function reference(data: Rdata): unknown {
  switch (data.kind) {
    case "A":
    case "AAAA":
      return data.address.toString();
    case "NS":
    case "CNAME":
    case "PTR":
      return data.target;
    case "TXT":
      return data.strings.map((s) => Buffer.from(s));
    case "opaque":
      return Buffer.from(data.data);
    default: {
      const { kind: _, ...fields } = data;
      return fields;
    }
  }
}

const section = (records: Message["answers"]) =>
  records.map((r) => ({
    name: r.name,
    type: rrTypeName(rdataType(r.rdata)).replace(/^TYPE/, "UNKNOWN_"),
    class: "IN",
    ttl: r.ttl,
    data: reference(r.rdata),
  }));

const flagBits = (m: Message) =>
  (m.flags.aa ? 0x400 : 0) |
  (m.flags.tc ? 0x200 : 0) |
  (m.flags.rd ? 0x100 : 0) |
  (m.flags.ra ? 0x80 : 0) |
  (m.flags.ad ? 0x20 : 0) |
  (m.flags.cd ? 0x10 : 0) |
  m.rcode;

describe("DNS codec against dns-packet", () => {
  it("dns-packet decodes what we encode to the same message", () => {
    fc.assert(
      fc.property(message, (m) => {
        const theirs = packet.decode(Buffer.from(encodeMessage(m)));
        expect(theirs.id).toBe(m.id);
        expect(theirs.type).toBe(m.flags.qr ? "response" : "query");
        expect(theirs.questions?.map((q) => q.name)).toEqual(m.questions.map((q) => q.name));
        const answers = (theirs.answers ?? []) as { name: string; type: string; ttl?: number; data?: unknown }[];
        expect(answers.map(({ name, type, ttl, data }) => ({ name, type, ttl, data }))).toEqual(
          section(m.answers).map(({ name, type, ttl, data }) => ({ name, type, ttl, data })),
        );
        const opt = theirs.additionals?.filter((r) => r.type === "OPT") ?? [];
        expect(opt.length).toBe(m.edns === undefined ? 0 : 1);
        expect((theirs.additionals?.length ?? 0) - opt.length).toBe(m.additionals.length);
      }),
      { numRuns: 400 },
    );
  });

  it("we decode what dns-packet encodes to the same message", () => {
    fc.assert(
      fc.property(message, (m) => {
        const encoded = packet.encode({
          id: m.id,
          type: m.flags.qr ? "response" : "query",
          flags: flagBits(m),
          questions: m.questions.map((q) => ({
            name: q.name,
            type: rrTypeName(q.type) as packet.RecordType,
            class: "IN" as const,
          })),
          answers: section(m.answers) as packet.Answer[],
          authorities: section(m.authorities) as packet.Answer[],
          additionals: [
            ...(section(m.additionals) as packet.Answer[]),
            ...(m.edns === undefined
              ? []
              : [
                  {
                    type: "OPT",
                    name: ".",
                    udpPayloadSize: m.edns.udpSize,
                    flags: m.edns.dnssecOk ? packet.DNSSEC_OK : 0,
                  } as packet.Answer,
                ]),
          ],
        });
        const ours = decodeMessage(new Uint8Array(encoded));
        expect(ours.ok).toBe(true);
        if (!ours.ok) return;
        expect(ours.value).toEqual({ ...m, tsig: undefined });
      }),
      { numRuns: 400 },
    );
  });
});

describe("hostile packets", () => {
  it("random and mutated messages never throw; every rejection is counted by kind", () => {
    const counts = new DecodeErrorCounts();
    let rejected = 0;
    const check = (input: Uint8Array): void => {
      const result = decodeMessage(input);
      if (!result.ok) {
        rejected++;
        counts.record(result.error);
      }
    };
    fc.assert(
      fc.property(bytes(600), (input) => check(input)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        message,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (m, edits) => {
          const input = encodeMessage(m);
          for (const [at, value] of edits) input[at % input.length] = value;
          check(input);
          check(input.subarray(0, input.length >> 1));
        },
      ),
      { numRuns: 2000 },
    );
    expect(counts.total).toBe(rejected);
    expect(Object.keys(counts.byKind()).length).toBeGreaterThan(3);
  });

  it("a label bomb of chained pointers costs at most 255 bytes of name per record", () => {
    // A 255-byte name, then 5000 answers each pointing at it: decodable, bounded work.
    const labels = [
      ...Array.from({ length: 3 }, () => [63, ...new Array<number>(63).fill(0x61)]).flat(),
      61,
      ...new Array<number>(61).fill(0x62),
      0,
    ];
    const answer = [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4];
    const count = 4000;
    const bomb = Uint8Array.of(
      0,
      1,
      0x80,
      0,
      0,
      1,
      count >> 8,
      count & 0xff,
      0,
      0,
      0,
      0,
      ...labels,
      0,
      1,
      0,
      1,
      ...Array.from({ length: count }, () => answer).flat(),
    );
    const decoded = decodeMessage(bomb);
    expect(decoded.ok && decoded.value.answers.length).toBe(count);
    // One byte more in the first label makes every copy 256 bytes: refused.
    const over = Uint8Array.of(...bomb);
    over[12 + 3 * 64] = 62;
    expect(decodeMessage(over).ok).toBe(false);
  });

  it("a pointer chain that walks backwards one byte at a time ends within the message", () => {
    const chain = Uint8Array.of(
      0,
      1,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0x61,
      ...Array.from({ length: 200 }, (_, i) => [0xc0, 12 + 2 * i]).flat(),
      0,
      1,
      0,
      1,
    );
    expect(decodeMessage(chain).ok).toBe(false);
  });
});
