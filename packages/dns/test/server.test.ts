import { createHmac } from "node:crypto";
import { Ipv4Addr } from "@mirage-ts/mirage-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DnsServer,
  type DnsServerConfig,
  type Hmac,
  type Message,
  Opcode,
  type QuerySource,
  Rcode,
  RrType,
  Zone,
  decodeMessage,
  encodeMessage,
  parseTsigKey,
  signRequest,
} from "../src/index.js";
import { exampleZone } from "./support/zone.js";

const client = Ipv4Addr.parse("198.51.100.7");
const udp = { transport: "udp" as const, address: client };
const tcp = { transport: "tcp" as const, address: client };
// node:crypto's HMAC, independent of the WebCrypto default, checks the signatures both ways.
const nodeHmac: Hmac = async (secret, data) => new Uint8Array(createHmac("sha256", secret).update(data).digest());
const key = (() => {
  const parsed = parseTsigKey("hmac-sha256:xfr.:c2VjcmV0");
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
})();

function server(config: Partial<DnsServerConfig> = {}, now = { ms: 1_800_000_000_000 }) {
  return new DnsServer({
    zones: [exampleZone()],
    wallClock: () => now.ms,
    now: () => now.ms,
    hmac: nodeHmac,
    ...config,
  });
}

const query = (name: string, type: number, changes: Partial<Message> = {}): Message => ({
  id: 4242,
  flags: { qr: false, opcode: Opcode.QUERY, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false },
  rcode: 0,
  questions: [{ name, type, qclass: 1 }],
  answers: [],
  authorities: [],
  additionals: [],
  ...changes,
});

async function ask(s: DnsServer, message: Message | Uint8Array, source: QuerySource = udp): Promise<Message[]> {
  const replies = await s.handle(message instanceof Uint8Array ? message : encodeMessage(message), source);
  return replies.map((reply) => {
    const decoded = decodeMessage(reply);
    if (!decoded.ok) throw new Error(decoded.error.message);
    return decoded.value;
  });
}

describe("authoritative server state machine", () => {
  it("answers with AA, echoes ID, question and RD, and adds OPT only when asked with it", async () => {
    const s = server();
    const [plain] = await ask(s, query("Web.Example.COM", RrType.A));
    expect(plain).toMatchObject({ id: 4242, flags: { qr: true, aa: true, rd: true }, rcode: 0, edns: undefined });
    expect(plain?.questions[0]?.name).toBe("Web.Example.COM");
    const edns = { udpSize: 4096, version: 0, dnssecOk: false, options: [] };
    const [withEdns] = await ask(s, query("web.example.com", RrType.A, { edns }));
    expect(withEdns?.edns?.udpSize).toBe(1232);
  });

  it("truncates to 512 bytes without EDNS, to the client's EDNS size, and never over TCP", async () => {
    const many = Array.from({ length: 60 }, (_, i) => `big A 10.0.0.${i}`).join("\n");
    const text = `$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n${many}`;
    const zone = Zone.parse(text, "big.zone", "example.com");
    if (!zone.ok) throw new Error(zone.error);
    const s = server({ zones: [zone.value] });
    const [plain] = await ask(s, query("big.example.com", RrType.A));
    expect([plain?.flags.tc, plain?.answers.length]).toEqual([true, 0]);
    const edns = { udpSize: 4096, version: 0, dnssecOk: false, options: [] };
    const [large] = await ask(s, query("big.example.com", RrType.A, { edns }));
    expect([large?.flags.tc, large?.answers.length]).toEqual([false, 60]);
    const [small] = await ask(
      server({ zones: [zone.value], ednsUdpSize: 512 }),
      query("big.example.com", RrType.A, { edns }),
    );
    expect(small?.flags.tc).toBe(true);
    const [overTcp] = await ask(s, query("big.example.com", RrType.A), tcp);
    expect([overTcp?.flags.tc, overTcp?.answers.length]).toEqual([false, 60]);
    expect(s.stats().truncated).toBe(1);
  });

  it("answers FORMERR, NOTIMP and BADVERS, ignores responses, and counts malformed input by kind", async () => {
    const s = server();
    const [formerr] = await ask(s, Uint8Array.of(0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1));
    expect(formerr).toMatchObject({ id: 7, rcode: Rcode.FORMERR });
    const [notimp] = await ask(
      s,
      query("example.com", RrType.SOA, { flags: { ...query("", 1).flags, opcode: Opcode.UPDATE } }),
    );
    expect(notimp?.rcode).toBe(Rcode.NOTIMP);
    const [badvers] = await ask(
      s,
      query("example.com", RrType.SOA, { edns: { udpSize: 1232, version: 1, dnssecOk: false, options: [] } }),
    );
    expect(badvers?.rcode).toBe(Rcode.BADVERS);
    expect(await ask(s, query("example.com", RrType.A, { flags: { ...query("", 1).flags, qr: true } }))).toEqual([]);
    expect(await s.handle(Uint8Array.of(1, 2, 3), udp)).toEqual([]);
    expect(s.stats()).toMatchObject({
      formerr: 1,
      notimp: 1,
      ignoredResponses: 1,
      malformed: { pointer_loop: 1, truncated: 1 },
    });
  });

  it("transfers the zone over TCP only, between two SOAs, and only under TSIG when keys are set", async () => {
    const open = server();
    const messages = await ask(open, query("example.com", RrType.AXFR), tcp);
    const records = messages.flatMap((m) => m.answers);
    expect([records[0]?.rdata.kind, records.at(-1)?.rdata.kind, records.length]).toEqual(["SOA", "SOA", 23]);
    expect((await ask(open, query("example.com", RrType.AXFR)))[0]?.rcode).toBe(Rcode.REFUSED);
    const locked = server({ tsigKeys: [key] });
    expect((await ask(locked, query("example.com", RrType.AXFR), tcp))[0]?.rcode).toBe(Rcode.REFUSED);
    expect(locked.stats().transfersRefused).toBe(1);
  });

  it("verifies TSIG and signs the transfer; a bad MAC, key or time gets NOTAUTH and the TSIG error", async () => {
    const now = { ms: 1_800_000_000_000 };
    const s = server({ tsigKeys: [key] }, now);
    const signed = async (message: Message, signingKey = key, at = now.ms / 1000) => {
      const unsigned = encodeMessage(message);
      const rdata = await signRequest(unsigned, message.id, signingKey, at, nodeHmac);
      return encodeMessage({ ...message, tsig: { name: signingKey.name, rdata, offset: 0 } });
    };
    const replies = await ask(s, await signed(query("example.com", RrType.AXFR)), tcp);
    expect(replies.every((m) => m.tsig?.rdata.error === 0 && m.tsig.rdata.mac.length === 32)).toBe(true);
    expect(replies.flatMap((m) => m.answers).length).toBe(23);
    const wrongSecret = { ...key, secret: Uint8Array.of(1) };
    const [badsig] = await ask(s, await signed(query("example.com", RrType.SOA), wrongSecret));
    expect([badsig?.rcode, badsig?.tsig?.rdata.error]).toEqual([Rcode.NOTAUTH, Rcode.BADSIG]);
    const [badkey] = await ask(s, await signed(query("example.com", RrType.SOA), { ...key, name: "other" }));
    expect(badkey?.tsig?.rdata.error).toBe(Rcode.BADKEY);
    const [badtime] = await ask(s, await signed(query("example.com", RrType.SOA), key, now.ms / 1000 - 301));
    expect(badtime?.tsig?.rdata.error).toBe(Rcode.BADTIME);
    expect(s.stats().tsigFailures).toBe(3);
  });

  it("limits UDP per netblock: over the rate every second response slips (TC), the rest drop", async () => {
    const now = { ms: 0 };
    const s = server({ rateLimit: { responsesPerSecond: 5, slip: 2 } }, now);
    const outcomes: string[] = [];
    for (let i = 0; i < 9; i++) {
      const [reply] = await ask(s, query("web.example.com", RrType.A), {
        transport: "udp",
        address: Ipv4Addr.parse(`198.51.100.${i}`),
      });
      outcomes.push(reply === undefined ? "drop" : reply.flags.tc ? "slip" : "send");
    }
    expect(outcomes).toEqual(["send", "send", "send", "send", "send", "drop", "slip", "drop", "slip"]);
    expect((await ask(s, query("web.example.com", RrType.A), tcp)).length).toBe(1);
    now.ms += 1000;
    expect((await ask(s, query("web.example.com", RrType.A)))[0]?.flags.tc).toBe(false);
    expect(s.stats()).toMatchObject({ rateLimitedDropped: 2, rateLimitedSlipped: 2 });
  });

  it("never throws on random or mutated queries; every malformed one is counted", async () => {
    const s = server({ tsigKeys: [key] });
    const valid = encodeMessage(query("web.example.com", RrType.A));
    let malformed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc
            .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 })
            .map((edits) => {
              const bytes = Uint8Array.of(...valid);
              for (const [at, value] of edits) bytes[at % bytes.length] = value;
              return bytes;
            }),
        ),
        fc.constantFrom(udp, tcp),
        async (bytes, source) => {
          if (!decodeMessage(bytes).ok) malformed++;
          for (const reply of await s.handle(bytes, source)) expect(decodeMessage(reply).ok).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
    const counted = Object.values(s.stats().malformed).reduce((sum, n) => sum + (n ?? 0), 0);
    expect(counted).toBe(malformed);
    expect(malformed).toBeGreaterThan(100);
  });
});
