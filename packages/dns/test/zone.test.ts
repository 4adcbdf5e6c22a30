import { describe, expect, it } from "vitest";
import { Rcode, RrType, Zone, answerQuestion, rdataType } from "../src/index.js";
import { exampleZone } from "./support/zone.js";

const ask = (name: string, type: number) => answerQuestion([exampleZone()], { name, type, qclass: 1 });
const summary = (records: ReturnType<typeof ask>["answers"]) =>
  records.map((r) => `${r.name} ${rdataType(r.rdata)} ${r.ttl}`);

describe("master files", () => {
  it("reads every supported type, $ORIGIN, $TTL, parentheses, comments and the generic form", () => {
    const zone = exampleZone();
    expect(zone.soa.rdata).toMatchObject({
      mname: "ns1.example.com",
      rname: "hostmaster.example.com",
      serial: 2026120501,
    });
    expect(zone.size).toBe(22);
    expect(zone.rrset("opaque.example.com", 65280)?.[0]?.rdata).toEqual({
      kind: "opaque",
      type: 65280,
      data: Uint8Array.of(1, 2, 3),
    });
    expect(zone.rrset("www.example.com", RrType.CNAME)?.[0]?.ttl).toBe(300);
  });

  it.each([
    ["$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nwww A 1.2.3", 'z.zone:4: A address "1.2.3" is not an IPv4 address'],
    [
      "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nwww A 1.2.3.4\nwww CNAME x",
      "z.zone:5: www.example.com has a CNAME and other data (RFC 1034 §3.6.2)",
    ],
    [
      "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nx.example.org. A 1.2.3.4",
      "z.zone:4: x.example.org is outside the zone example.com",
    ],
    ["@ SOA ns h 1 2 3 4 5", "z.zone:1: record for example.com has no TTL and no $TTL was given before it"],
    ["$TTL 60\n@ NS ns", "z.zone: zone example.com has no SOA record at its apex"],
    ["$TTL 60\n@ SOA ns h (1 2 3 4 5\n", "z.zone:2: '(' without a matching ')'"],
    ["$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nx BOGUS 1", 'z.zone:4: unknown record type "BOGUS"'],
    ["$TTL 60\n$INCLUDE other.zone", "z.zone:2: $INCLUDE is not supported: put the records in this file"],
    ["$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nx MX 10", "z.zone:4: MX needs 2 fields, got 1"],
    ['$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nx TXT "unclosed', "z.zone:4: unclosed quoted string"],
  ])("refuses a bad zone with file:line (%#)", (text, message) => {
    expect(Zone.parse(text, "z.zone", "example.com")).toEqual({ ok: false, error: message });
  });
});

describe("authoritative answers (RFC 1034 §4.3.2)", () => {
  it("answers every type with additional addresses for MX, NS and SRV targets", () => {
    const mx = ask("EXAMPLE.com", RrType.MX);
    expect([mx.rcode, mx.authoritative, summary(mx.answers), summary(mx.additionals)]).toEqual([
      0,
      true,
      ["example.com 15 3600"],
      ["mail.example.com 1 3600"],
    ]);
    expect(summary(ask("_sip._udp.example.com", RrType.SRV).additionals)).toEqual(["sip.example.com 1 3600"]);
    expect(summary(ask("example.com", RrType.NS).additionals)).toEqual([
      "ns1.example.com 1 3600",
      "ns1.example.com 28 3600",
    ]);
    for (const type of [RrType.TXT, RrType.CAA, RrType.SOA]) expect(ask("example.com", type).answers.length).toBe(1);
  });

  it("follows in-zone CNAME chains and stops at an out-of-zone target", () => {
    expect(summary(ask("alias.example.com", RrType.A).answers)).toEqual([
      "alias.example.com 5 3600",
      "www.example.com 5 300",
      "web.example.com 1 3600",
    ]);
    expect(summary(ask("outside.example.com", RrType.A).answers)).toEqual(["outside.example.com 5 3600"]);
    expect(summary(ask("www.example.com", RrType.CNAME).answers)).toEqual(["www.example.com 5 300"]);
  });

  it("gives NXDOMAIN and NODATA with the SOA at min(TTL, MINIMUM), and NODATA for an empty non-terminal", () => {
    const nx = ask("nope.example.com", RrType.A);
    expect([nx.rcode, summary(nx.authorities)]).toEqual([Rcode.NXDOMAIN, ["example.com 6 300"]]);
    const nodata = ask("mail.example.com", RrType.AAAA);
    expect([nodata.rcode, nodata.answers.length, summary(nodata.authorities)]).toEqual([0, 0, ["example.com 6 300"]]);
    expect(ask("b.deep.example.com", RrType.A)).toMatchObject({ rcode: 0, answers: [] });
  });

  it("synthesises wildcard answers under the query name (RFC 4592)", () => {
    const wild = ask("anything.wild.example.com", RrType.A);
    expect(summary(wild.answers)).toEqual(["anything.wild.example.com 1 3600"]);
    expect(ask("anything.wild.example.com", RrType.MX)).toMatchObject({ rcode: 0, answers: [] });
  });

  it("refers below a zone cut with glue, not authoritatively", () => {
    const referral = ask("host.sub.example.com", RrType.A);
    expect([referral.authoritative, summary(referral.authorities), summary(referral.additionals)]).toEqual([
      false,
      ["sub.example.com 2 3600"],
      ["ns.sub.example.com 1 3600"],
    ]);
  });

  it("refuses names outside its zones", () => {
    expect(ask("example.org", RrType.A).rcode).toBe(Rcode.REFUSED);
  });
});
