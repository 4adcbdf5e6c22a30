/**
 * A loaded zone: RRsets by owner and type, the names that exist (empty non-terminals included), and
 * the checks a zone must pass before it is served (RFC 1035 §5.2, RFC 2181 §10.1, RFC 1034 §4.2.1).
 *
 * @packageDocumentation
 */

import { type Result, err, ok } from "@mirage-ts/mirage-types";
import { RrType } from "../wire/constants.js";
import type { ResourceRecord } from "../wire/message.js";
import { canonicalName, isSubdomain, splitLabels } from "../wire/name.js";
import { type SoaRdata, rdataType } from "../wire/rdata.js";
import { type SourcedRecord, parseMasterFile } from "./master-file.js";

/**
 * One authoritative zone, read-only once built.
 *
 * @beta
 */
export class Zone {
  private constructor(
    /** The zone's name (canonical). */
    readonly origin: string,
    /** The apex SOA record. */
    readonly soa: ResourceRecord & { readonly rdata: SoaRdata },
    private readonly rrsets: ReadonlyMap<string, ReadonlyMap<number, readonly ResourceRecord[]>>,
    private readonly existing: ReadonlySet<string>,
    /** Every record in file order (for AXFR). */
    readonly records: readonly ResourceRecord[],
  ) {}

  /**
   * Parses and checks a zone from master-file text; errors are `"<file>:<line>: <problem>"`.
   */
  static parse(text: string, file: string, origin: string): Result<Zone, string> {
    const parsed = parseMasterFile(text, file, origin);
    if (!parsed.ok) return parsed;
    return Zone.fromRecords(parsed.value, file, canonicalName(origin));
  }

  /** Builds a zone from records with their lines, applying the zone checks. */
  static fromRecords(sourced: readonly SourcedRecord[], file: string, origin: string): Result<Zone, string> {
    const rrsets = new Map<string, Map<number, ResourceRecord[]>>();
    const existing = new Set<string>();
    const records: ResourceRecord[] = [];
    let soa: (ResourceRecord & { rdata: SoaRdata }) | undefined;
    for (const { record, line } of sourced) {
      const where = `${file}:${line}`;
      if (!isSubdomain(record.name, origin)) return err(`${where}: ${record.name} is outside the zone ${origin}`);
      const type = rdataType(record.rdata);
      const byType = rrsets.get(record.name) ?? new Map<number, ResourceRecord[]>();
      if (type === RrType.SOA) {
        if (record.name !== origin)
          return err(`${where}: SOA at ${record.name}, but only the apex ${origin} may have one`);
        if (soa !== undefined) return err(`${where}: a second SOA record for ${origin}`);
        soa = record as ResourceRecord & { rdata: SoaRdata };
      }
      const hasCname = byType.has(RrType.CNAME);
      if ((type === RrType.CNAME && byType.size > 0 && !hasCname) || (type !== RrType.CNAME && hasCname)) {
        return err(`${where}: ${record.name} has a CNAME and other data (RFC 1034 §3.6.2)`);
      }
      if (type === RrType.CNAME && hasCname) return err(`${where}: ${record.name} has two CNAME records`);
      const set = byType.get(type) ?? [];
      // RFC 2181 §5.2: one TTL per RRset; the first record's wins, as BIND and Knot do.
      set.push(set.length > 0 ? { ...record, ttl: (set[0] as ResourceRecord).ttl } : record);
      byType.set(type, set);
      rrsets.set(record.name, byType);
      records.push(record);
      for (let name = record.name; ; name = parent(name)) {
        existing.add(name);
        if (name === origin || name === ".") break;
      }
    }
    if (soa === undefined) return err(`${file}: zone ${origin} has no SOA record at its apex`);
    if (!rrsets.get(origin)?.has(RrType.NS)) return err(`${file}: zone ${origin} has no NS record at its apex`);
    return ok(new Zone(origin, soa, rrsets, existing, records));
  }

  /** The RRset of `type` at `name` (canonical), if any. */
  rrset(name: string, type: number): readonly ResourceRecord[] | undefined {
    return this.rrsets.get(name)?.get(type);
  }

  /** Every RRset at `name`. */
  rrsetsAt(name: string): ReadonlyMap<number, readonly ResourceRecord[]> | undefined {
    return this.rrsets.get(name);
  }

  /** Whether `name` exists: it owns records or is an empty non-terminal above some. */
  exists(name: string): boolean {
    return this.existing.has(name);
  }

  /** The number of records (without the closing SOA of a transfer). */
  get size(): number {
    return this.records.length;
  }
}

/** The parent of a canonical name (`"."` for a top-level name). */
export function parent(name: string): string {
  const labels = splitLabels(name);
  return labels.length <= 1 ? "." : labels.slice(1).join(".");
}
