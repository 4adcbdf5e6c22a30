/**
 * Master files (RFC 1035 §5): `$ORIGIN`, `$TTL` (RFC 2308 §4), `@`, relative names, the previous
 * owner for indented lines, TTL and class in either order, and RDATA of the known types or in the
 * generic `\# length hex` form (RFC 3597 §5). Every error names the file and line.
 *
 * @packageDocumentation
 */

import { Ipv4Addr, Ipv6Addr, type Result, err, ok } from "@mirage-ts/mirage-types";
import { RrClass, RrType, parseRrType, rrTypeName } from "../wire/constants.js";
import type { ResourceRecord } from "../wire/message.js";
import { canonicalName, parseName } from "../wire/name.js";
import type { Rdata } from "../wire/rdata.js";
import { type Entry, MasterFileError, type Token, characterString, lexMasterFile } from "./master-lexer.js";

/** @beta Where a record came from, for errors found after parsing (zone checks). */
export interface SourcedRecord {
  readonly record: ResourceRecord;
  readonly line: number;
}

/**
 * Parses a master file into records with absolute, canonical owner names.
 *
 * @param file - the name used in error messages.
 * @param origin - the initial origin (the zone's name).
 * @returns the records, or `"<file>:<line>: <problem>"`.
 * @beta
 */
export function parseMasterFile(text: string, file: string, origin: string): Result<SourcedRecord[], string> {
  try {
    return ok(parse(text, canonicalName(origin)));
  } catch (error) {
    if (error instanceof MasterFileError) return err(`${file}:${error.line}: ${error.message}`);
    throw error;
  }
}

const ttlUnits: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** A TTL in seconds or BIND's unit form (`1h30m`). */
function parseTtl(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    return value <= 0x7fffffff ? value : undefined;
  }
  if (!/^(\d+[smhdw])+$/i.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.toLowerCase().matchAll(/(\d+)([smhdw])/g)) {
    total += Number(amount) * (ttlUnits[unit as string] as number);
  }
  return total <= 0x7fffffff ? total : undefined;
}

function parse(text: string, initialOrigin: string): SourcedRecord[] {
  let origin = initialOrigin;
  let defaultTtl: number | undefined;
  let lastOwner: string | undefined;
  let lastTtl: number | undefined;
  const records: SourcedRecord[] = [];
  for (const entry of lexMasterFile(text)) {
    const first = entry.tokens[0] as Token;
    if (!entry.indented && !first.quoted && first.text.startsWith("$")) {
      const directive = first.text.toUpperCase();
      const argument = entry.tokens[1];
      if (directive === "$ORIGIN" && argument !== undefined) origin = absolute(argument, origin);
      else if (directive === "$TTL" && argument !== undefined) {
        defaultTtl = parseTtl(argument.text);
        if (defaultTtl === undefined) throw new MasterFileError(entry.line, `$TTL "${argument.text}" is not a TTL`);
      } else if (directive === "$INCLUDE") {
        throw new MasterFileError(entry.line, "$INCLUDE is not supported: put the records in this file");
      } else {
        throw new MasterFileError(entry.line, `unknown or incomplete directive ${first.text}`);
      }
      continue;
    }
    const owner = entry.indented ? lastOwner : absolute(first, origin);
    if (owner === undefined) throw new MasterFileError(entry.line, "a record without an owner name");
    const record = parseRecord(entry, entry.indented ? 0 : 1, owner, origin, defaultTtl ?? lastTtl);
    lastOwner = owner;
    lastTtl = record.ttl;
    records.push({ record, line: entry.line });
  }
  return records;
}

/** An owner or RDATA name made absolute against `origin` (`@` is the origin). */
function absolute(token: Token, origin: string): string {
  const text = token.text;
  if (text === "@") return origin;
  const parsed = parseName(text);
  if (!parsed.ok) throw new MasterFileError(token.line, parsed.error);
  const fqdn = text.endsWith(".") && !text.endsWith("\\.") ? text : origin === "." ? text : `${text}.${origin}`;
  const full = parseName(fqdn);
  if (!full.ok) throw new MasterFileError(token.line, full.error);
  return canonicalName(fqdn);
}

function parseRecord(entry: Entry, start: number, owner: string, origin: string, fallbackTtl: number | undefined) {
  const tokens = entry.tokens;
  let at = start;
  let ttl: number | undefined;
  let rrclass: number = RrClass.IN;
  for (let k = 0; k < 2 && at < tokens.length; k++) {
    const text = (tokens[at] as Token).text;
    const asTtl = parseTtl(text);
    if (asTtl !== undefined && ttl === undefined) {
      ttl = asTtl;
      at++;
    } else if (/^(IN|CH)$/i.test(text)) {
      rrclass = text.toUpperCase() === "IN" ? RrClass.IN : RrClass.CH;
      at++;
    }
  }
  const typeToken = tokens[at];
  if (typeToken === undefined) throw new MasterFileError(entry.line, `record for ${owner} has no type`);
  const type = parseRrType(typeToken.text);
  if (type === undefined) throw new MasterFileError(typeToken.line, `unknown record type "${typeToken.text}"`);
  const finalTtl = ttl ?? fallbackTtl;
  if (finalTtl === undefined) {
    throw new MasterFileError(entry.line, `record for ${owner} has no TTL and no $TTL was given before it`);
  }
  const rdata = parseRdata(type, tokens.slice(at + 1), origin, entry.line);
  return { name: owner, rrclass, ttl: finalTtl, rdata };
}

function parseRdata(type: number, fields: readonly Token[], origin: string, line: number): Rdata {
  const name = rrTypeName(type);
  const want = (count: number): void => {
    if (fields.length !== count) {
      throw new MasterFileError(line, `${name} needs ${count} field${count === 1 ? "" : "s"}, got ${fields.length}`);
    }
  };
  const field = (i: number): Token => fields[i] as Token;
  const number = (i: number, max: number, what: string): number => {
    const text = field(i).text;
    const value = what === "TTL" ? parseTtl(text) : /^\d+$/.test(text) ? Number(text) : undefined;
    if (value === undefined || value > max)
      throw new MasterFileError(field(i).line, `${name} ${what} "${text}" is not 0..${max}`);
    return value;
  };
  const domain = (i: number): string => absolute(field(i), origin);
  if (fields[0]?.text === "\\#" && !fields[0].quoted) return generic(type, fields, line);
  switch (type) {
    case RrType.A:
    case RrType.AAAA: {
      want(1);
      try {
        return type === RrType.A
          ? { kind: "A", address: Ipv4Addr.parse(field(0).text) }
          : { kind: "AAAA", address: Ipv6Addr.parse(field(0).text) };
      } catch {
        throw new MasterFileError(
          line,
          `${name} address "${field(0).text}" is not an IPv${type === RrType.A ? 4 : 6} address`,
        );
      }
    }
    case RrType.NS:
    case RrType.CNAME:
    case RrType.PTR:
      want(1);
      return { kind: name as "NS" | "CNAME" | "PTR", target: domain(0) };
    case RrType.SOA:
      want(7);
      return {
        kind: "SOA",
        mname: domain(0),
        rname: domain(1),
        serial: number(2, 0xffffffff, "serial"),
        refresh: number(3, 0x7fffffff, "TTL"),
        retry: number(4, 0x7fffffff, "TTL"),
        expire: number(5, 0x7fffffff, "TTL"),
        minimum: number(6, 0x7fffffff, "TTL"),
      };
    case RrType.MX:
      want(2);
      return { kind: "MX", preference: number(0, 0xffff, "preference"), exchange: domain(1) };
    case RrType.SRV:
      want(4);
      return {
        kind: "SRV",
        priority: number(0, 0xffff, "priority"),
        weight: number(1, 0xffff, "weight"),
        port: number(2, 0xffff, "port"),
        target: domain(3),
      };
    case RrType.TXT: {
      if (fields.length === 0) throw new MasterFileError(line, "TXT needs at least one string");
      const strings = fields.map((token) => characterString(token.text, token.line));
      const long = strings.findIndex((s) => s.length > 255);
      if (long >= 0)
        throw new MasterFileError(line, `TXT string ${long + 1} is over 255 bytes: split it in quoted parts`);
      return { kind: "TXT", strings };
    }
    case RrType.CAA: {
      want(3);
      const tag = field(1).text;
      if (!/^[a-zA-Z0-9]{1,255}$/.test(tag)) throw new MasterFileError(line, `CAA tag "${tag}" is not alphanumeric`);
      return { kind: "CAA", flags: number(0, 255, "flags"), tag, value: characterString(field(2).text, line) };
    }
    case RrType.OPT:
    case RrType.TSIG:
    case RrType.AXFR:
    case RrType.IXFR:
    case RrType.ANY:
      throw new MasterFileError(line, `${name} is a meta type and cannot be in a zone`);
    default:
      throw new MasterFileError(line, `${name} needs the generic form \\# <length> <hex> (RFC 3597)`);
  }
}

function generic(type: number, fields: readonly Token[], line: number): Rdata {
  const length = Number(fields[1]?.text);
  const hex = fields
    .slice(2)
    .map((token) => token.text)
    .join("");
  if (
    !Number.isInteger(length) ||
    length < 0 ||
    length > 0xffff ||
    !/^([0-9a-fA-F]{2})*$/.test(hex) ||
    hex.length !== 2 * length
  ) {
    throw new MasterFileError(line, `generic RDATA needs \\# <length> and exactly that many hex bytes`);
  }
  const data = Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  return { kind: "opaque", type, data };
}
