/**
 * RDATA of the record types this package knows (RFC 1035 §3.3, RFC 3596, RFC 2782, RFC 8659,
 * RFC 8945), and opaque RDATA for every other type (RFC 3597).
 *
 * @packageDocumentation
 */

import { Ipv4Addr, Ipv6Addr } from "@mirage-ts/mirage-types";
import { RrType } from "./constants.js";
import { DecodeFailure } from "./errors.js";
import { readName } from "./name.js";
import type { Writer } from "./writer.js";

/** @beta An IPv4 address record. */
export interface ARdata {
  readonly kind: "A";
  readonly address: Ipv4Addr;
}
/** @beta An IPv6 address record. */
export interface AaaaRdata {
  readonly kind: "AAAA";
  readonly address: Ipv6Addr;
}
/** @beta A record holding one name: NS, CNAME or PTR. */
export interface NameRdata {
  readonly kind: "NS" | "CNAME" | "PTR";
  readonly target: string;
}
/** @beta Start of authority. */
export interface SoaRdata {
  readonly kind: "SOA";
  readonly mname: string;
  readonly rname: string;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  readonly minimum: number;
}
/** @beta Mail exchange. */
export interface MxRdata {
  readonly kind: "MX";
  readonly preference: number;
  readonly exchange: string;
}
/** @beta Text: one or more character-strings of at most 255 bytes each. */
export interface TxtRdata {
  readonly kind: "TXT";
  readonly strings: readonly Uint8Array[];
}
/** @beta Service location (RFC 2782). */
export interface SrvRdata {
  readonly kind: "SRV";
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly target: string;
}
/** @beta Certification authority authorization (RFC 8659). */
export interface CaaRdata {
  readonly kind: "CAA";
  readonly flags: number;
  readonly tag: string;
  readonly value: Uint8Array;
}
/** @beta Transaction signature (RFC 8945 §4.2); `timeSigned` in seconds since the epoch. */
export interface TsigRdata {
  readonly kind: "TSIG";
  readonly algorithm: string;
  readonly timeSigned: number;
  readonly fudge: number;
  readonly mac: Uint8Array;
  readonly originalId: number;
  readonly error: number;
  readonly otherData: Uint8Array;
}
/** @beta Any other type, kept as the bytes received (RFC 3597). */
export interface OpaqueRdata {
  readonly kind: "opaque";
  readonly type: number;
  readonly data: Uint8Array;
}

/**
 * The RDATA of a resource record, discriminated on `kind`.
 *
 * @beta
 */
export type Rdata =
  | ARdata
  | AaaaRdata
  | NameRdata
  | SoaRdata
  | MxRdata
  | TxtRdata
  | SrvRdata
  | CaaRdata
  | TsigRdata
  | OpaqueRdata;

/**
 * The type number of an RDATA value.
 *
 * @beta
 */
export function rdataType(rdata: Rdata): number {
  return rdata.kind === "opaque" ? rdata.type : RrType[rdata.kind];
}

function u16(buffer: Uint8Array, offset: number): number {
  return ((buffer[offset] as number) << 8) | (buffer[offset + 1] as number);
}

function u32(buffer: Uint8Array, offset: number): number {
  return (u16(buffer, offset) * 0x10000 + u16(buffer, offset + 2)) >>> 0;
}

/** Reads a name that must end inside the RDATA. */
function nameIn(buffer: Uint8Array, offset: number, end: number): { name: string; end: number } {
  const read = readName(buffer, offset);
  if (read.end > end) throw new DecodeFailure("bad_rdata", offset, "name runs past RDLENGTH");
  return read;
}

function need(offset: number, size: number, end: number, what: string): void {
  if (offset + size > end) throw new DecodeFailure("bad_rdata", offset, `${what} RDATA too short`);
}

function exact(offset: number, end: number, what: string): void {
  if (offset !== end) throw new DecodeFailure("bad_rdata", offset, `${what} RDATA has ${end - offset} extra bytes`);
}

/** Decodes the RDATA of `type` in `buffer[start, end)`; names may point anywhere earlier in the message. */
export function readRdata(buffer: Uint8Array, type: number, start: number, end: number): Rdata {
  switch (type) {
    case RrType.A:
      if (end - start !== 4) throw new DecodeFailure("bad_rdata", start, `A RDATA of ${end - start} bytes`);
      return { kind: "A", address: Ipv4Addr.read(buffer, start) };
    case RrType.AAAA:
      if (end - start !== 16) throw new DecodeFailure("bad_rdata", start, `AAAA RDATA of ${end - start} bytes`);
      return { kind: "AAAA", address: Ipv6Addr.read(buffer, start) };
    case RrType.NS:
    case RrType.CNAME:
    case RrType.PTR: {
      const kind = type === RrType.NS ? "NS" : type === RrType.CNAME ? "CNAME" : "PTR";
      const target = nameIn(buffer, start, end);
      exact(target.end, end, kind);
      return { kind, target: target.name };
    }
    case RrType.SOA: {
      const mname = nameIn(buffer, start, end);
      const rname = nameIn(buffer, mname.end, end);
      need(rname.end, 20, end, "SOA");
      const at = rname.end;
      exact(at + 20, end, "SOA");
      return {
        kind: "SOA",
        mname: mname.name,
        rname: rname.name,
        serial: u32(buffer, at),
        refresh: u32(buffer, at + 4),
        retry: u32(buffer, at + 8),
        expire: u32(buffer, at + 12),
        minimum: u32(buffer, at + 16),
      };
    }
    case RrType.MX: {
      need(start, 2, end, "MX");
      const exchange = nameIn(buffer, start + 2, end);
      exact(exchange.end, end, "MX");
      return { kind: "MX", preference: u16(buffer, start), exchange: exchange.name };
    }
    case RrType.TXT: {
      const strings: Uint8Array[] = [];
      let at = start;
      while (at < end) {
        const length = buffer[at] as number;
        need(at + 1, length, end, "TXT");
        strings.push(buffer.slice(at + 1, at + 1 + length));
        at += 1 + length;
      }
      if (strings.length === 0) throw new DecodeFailure("bad_rdata", start, "TXT RDATA without a string");
      return { kind: "TXT", strings };
    }
    case RrType.SRV: {
      need(start, 6, end, "SRV");
      const target = nameIn(buffer, start + 6, end);
      exact(target.end, end, "SRV");
      const [priority, weight, port] = [u16(buffer, start), u16(buffer, start + 2), u16(buffer, start + 4)];
      return { kind: "SRV", priority, weight, port, target: target.name };
    }
    case RrType.CAA: {
      need(start, 2, end, "CAA");
      const tagLength = buffer[start + 1] as number;
      need(start + 2, tagLength, end, "CAA");
      if (tagLength === 0) throw new DecodeFailure("bad_rdata", start, "CAA with an empty tag");
      const tag = String.fromCharCode(...buffer.subarray(start + 2, start + 2 + tagLength));
      return { kind: "CAA", flags: buffer[start] as number, tag, value: buffer.slice(start + 2 + tagLength, end) };
    }
    case RrType.TSIG:
      return readTsig(buffer, start, end);
    default:
      return { kind: "opaque", type, data: buffer.slice(start, end) };
  }
}

function readTsig(buffer: Uint8Array, start: number, end: number): TsigRdata {
  const algorithm = nameIn(buffer, start, end);
  let at = algorithm.end;
  need(at, 10, end, "TSIG");
  const timeSigned = u16(buffer, at) * 2 ** 32 + u32(buffer, at + 2);
  const fudge = u16(buffer, at + 6);
  const macSize = u16(buffer, at + 8);
  at += 10;
  need(at, macSize + 6, end, "TSIG");
  const mac = buffer.slice(at, at + macSize);
  at += macSize;
  const originalId = u16(buffer, at);
  const error = u16(buffer, at + 2);
  const otherSize = u16(buffer, at + 4);
  at += 6;
  need(at, otherSize, end, "TSIG");
  exact(at + otherSize, end, "TSIG");
  const otherData = buffer.slice(at, at + otherSize);
  return { kind: "TSIG", algorithm: algorithm.name, timeSigned, fudge, mac, originalId, error, otherData };
}

/** Writes RDATA (without RDLENGTH); names of the RFC 1035 types are compressed (RFC 3597 §4). */
export function writeRdata(writer: Writer, rdata: Rdata): void {
  switch (rdata.kind) {
    case "A":
    case "AAAA":
      writer.raw(rdata.address.toBytes());
      return;
    case "NS":
    case "CNAME":
    case "PTR":
      writer.name(rdata.target, true);
      return;
    case "SOA":
      writer.name(rdata.mname, true);
      writer.name(rdata.rname, true);
      for (const value of [rdata.serial, rdata.refresh, rdata.retry, rdata.expire, rdata.minimum]) writer.u32(value);
      return;
    case "MX":
      writer.u16(rdata.preference);
      writer.name(rdata.exchange, true);
      return;
    case "TXT":
      for (const text of rdata.strings) {
        if (text.length > 255) throw new RangeError(`TXT string of ${text.length} bytes (at most 255)`);
        writer.u8(text.length);
        writer.raw(text);
      }
      return;
    case "SRV":
      writer.u16(rdata.priority);
      writer.u16(rdata.weight);
      writer.u16(rdata.port);
      writer.name(rdata.target, false);
      return;
    case "CAA":
      writer.u8(rdata.flags);
      writer.u8(rdata.tag.length);
      for (let i = 0; i < rdata.tag.length; i++) writer.u8(rdata.tag.charCodeAt(i) & 0xff);
      writer.raw(rdata.value);
      return;
    case "TSIG":
      writeTsig(writer, rdata);
      return;
    case "opaque":
      writer.raw(rdata.data);
      return;
  }
}

function writeTsig(writer: Writer, rdata: TsigRdata): void {
  writer.name(rdata.algorithm, false);
  writer.u16(Math.floor(rdata.timeSigned / 2 ** 32));
  writer.u32(rdata.timeSigned % 2 ** 32);
  writer.u16(rdata.fudge);
  writer.u16(rdata.mac.length);
  writer.raw(rdata.mac);
  writer.u16(rdata.originalId);
  writer.u16(rdata.error);
  writer.u16(rdata.otherData.length);
  writer.raw(rdata.otherData);
}
