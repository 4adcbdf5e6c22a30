/**
 * The authoritative answer algorithm of RFC 1034 §4.3.2: delegations with glue, exact matches,
 * in-zone CNAME chains, wildcards (RFC 4592), NXDOMAIN and NODATA with the SOA (RFC 2308 §3), and
 * additional addresses for NS, MX and SRV targets.
 *
 * @packageDocumentation
 */

import { Rcode, RrType } from "../wire/constants.js";
import type { Question, ResourceRecord } from "../wire/message.js";
import { canonicalName, isSubdomain, splitLabels } from "../wire/name.js";
import { type Zone, parent } from "./zone.js";

/** CNAMEs followed inside a zone before stopping (a loop in the data ends here). */
const maxChain = 16;

/** @beta The sections of an authoritative answer. */
export interface Answer {
  readonly rcode: number;
  readonly authoritative: boolean;
  readonly answers: readonly ResourceRecord[];
  readonly authorities: readonly ResourceRecord[];
  readonly additionals: readonly ResourceRecord[];
}

/**
 * The zone `name` falls in: the one with the longest origin above it.
 *
 * @beta
 */
export function findZone(zones: readonly Zone[], name: string): Zone | undefined {
  let best: Zone | undefined;
  for (const zone of zones) {
    if (isSubdomain(name, zone.origin) && (best === undefined || zone.origin.length > best.origin.length)) best = zone;
  }
  return best;
}

/** The SOA for a negative answer: TTL min(SOA TTL, MINIMUM) (RFC 2308 §3). */
function negativeSoa(zone: Zone): ResourceRecord {
  return { ...zone.soa, ttl: Math.min(zone.soa.ttl, zone.soa.rdata.minimum) };
}

/**
 * Answers `question` from `zones`; REFUSED when no zone holds the name.
 *
 * @beta
 */
export function answerQuestion(zones: readonly Zone[], question: Question): Answer {
  const qname = canonicalName(question.name);
  const zone = findZone(zones, qname);
  if (zone === undefined)
    return { rcode: Rcode.REFUSED, authoritative: false, answers: [], authorities: [], additionals: [] };
  const answers: ResourceRecord[] = [];
  let name = qname;
  for (let hop = 0; hop < maxChain; hop++) {
    const cut = delegation(zone, name);
    if (cut !== undefined) {
      if (answers.length > 0) return done(zone, Rcode.NOERROR, answers, [], []);
      return {
        rcode: Rcode.NOERROR,
        authoritative: false,
        answers: [],
        authorities: cut,
        additionals: glue(zone, cut),
      };
    }
    const found = lookupName(zone, name, question.type);
    if (found.kind === "nxdomain") {
      return done(zone, answers.length > 0 ? Rcode.NOERROR : Rcode.NXDOMAIN, answers, [negativeSoa(zone)], []);
    }
    if (found.kind === "cname" && question.type !== RrType.CNAME && question.type !== RrType.ANY) {
      answers.push(...found.records);
      const target = found.target;
      if (!isSubdomain(target, zone.origin)) return done(zone, Rcode.NOERROR, answers, [], []);
      name = target;
      continue;
    }
    if (found.records.length === 0) return done(zone, Rcode.NOERROR, answers, [negativeSoa(zone)], []);
    answers.push(...found.records);
    return done(zone, Rcode.NOERROR, answers, [], additional(zone, found.records));
  }
  return done(zone, Rcode.NOERROR, answers, [], []);
}

function done(
  _zone: Zone,
  rcode: number,
  answers: ResourceRecord[],
  authorities: ResourceRecord[],
  additionals: ResourceRecord[],
): Answer {
  return { rcode, authoritative: true, answers, authorities, additionals };
}

/** The NS RRset of a zone cut between the apex (excluded) and `name` (included), highest first. */
function delegation(zone: Zone, name: string): readonly ResourceRecord[] | undefined {
  const below = splitLabels(name).length - splitLabels(zone.origin).length;
  const labels = splitLabels(name);
  for (let depth = 1; depth <= below; depth++) {
    const candidate = labels.slice(labels.length - splitLabels(zone.origin).length - depth).join(".");
    const ns = zone.rrset(candidate, RrType.NS);
    if (ns !== undefined) return ns;
  }
  return undefined;
}

type Lookup =
  | { readonly kind: "nxdomain" }
  | { readonly kind: "cname"; readonly records: readonly ResourceRecord[]; readonly target: string }
  | { readonly kind: "data"; readonly records: readonly ResourceRecord[] };

/** Records of `type` at `name`, through the wildcard of its closest encloser when `name` does not exist. */
function lookupName(zone: Zone, name: string, type: number): Lookup {
  if (zone.exists(name)) return select(zone.rrsetsAt(name), type, undefined);
  let encloser = parent(name);
  while (!zone.exists(encloser) && encloser !== zone.origin) encloser = parent(encloser);
  const wildcard = encloser === "." ? "*" : `*.${encloser}`;
  if (!zone.exists(wildcard)) return { kind: "nxdomain" };
  return select(zone.rrsetsAt(wildcard), type, name);
}

/** Picks the answer at one node; `owner` replaces the owner of wildcard records. */
function select(
  sets: ReadonlyMap<number, readonly ResourceRecord[]> | undefined,
  type: number,
  owner: string | undefined,
): Lookup {
  const rename = (records: readonly ResourceRecord[]) =>
    owner === undefined ? records : records.map((record) => ({ ...record, name: owner }));
  if (sets === undefined) return { kind: "data", records: [] };
  const cname = sets.get(RrType.CNAME);
  const first = cname?.[0]?.rdata;
  if (cname !== undefined && first?.kind === "CNAME" && type !== RrType.CNAME) {
    return { kind: "cname", records: rename(cname), target: canonicalName(first.target) };
  }
  if (type === RrType.ANY) return { kind: "data", records: rename([...sets.values()].flat()) };
  return { kind: "data", records: rename(sets.get(type) ?? []) };
}

/** Addresses in the zone of the names an answer points to (RFC 1035 §3.3.9, §3.3.11; RFC 2782). */
function additional(zone: Zone, records: readonly ResourceRecord[]): ResourceRecord[] {
  const targets = records.flatMap((record) => {
    const { rdata } = record;
    if (rdata.kind === "NS" || rdata.kind === "SRV") return [rdata.target];
    if (rdata.kind === "MX") return [rdata.exchange];
    return [];
  });
  return addresses(zone, targets);
}

/** Glue: addresses of the delegation's name servers held in this zone. */
function glue(zone: Zone, ns: readonly ResourceRecord[]): ResourceRecord[] {
  return addresses(
    zone,
    ns.flatMap((record) => (record.rdata.kind === "NS" ? [record.rdata.target] : [])),
  );
}

function addresses(zone: Zone, targets: readonly string[]): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (const target of new Set(targets.map(canonicalName))) {
    if (!isSubdomain(target, zone.origin)) continue;
    out.push(...(zone.rrset(target, RrType.A) ?? []), ...(zone.rrset(target, RrType.AAAA) ?? []));
  }
  return out;
}
