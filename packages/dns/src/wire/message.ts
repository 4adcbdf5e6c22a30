/**
 * DNS messages (RFC 1035 §4.1) with EDNS0 (RFC 6891) and a trailing TSIG record (RFC 8945).
 *
 * @packageDocumentation
 */

import { type Result, err, ok } from "@mirage-ts/mirage-types";
import { RrType } from "./constants.js";
import { DecodeFailure, type DnsDecodeError } from "./errors.js";
import { readName } from "./name.js";
import { type Rdata, type TsigRdata, rdataType, readRdata, writeRdata } from "./rdata.js";
import { Writer } from "./writer.js";

/** @beta A question: name, type and class. */
export interface Question {
  readonly name: string;
  readonly type: number;
  readonly qclass: number;
}

/** @beta A resource record; its type is that of its RDATA ({@link rdataType}). */
export interface ResourceRecord {
  readonly name: string;
  readonly rrclass: number;
  readonly ttl: number;
  readonly rdata: Rdata;
}

/** @beta One EDNS option (RFC 6891 §6.1.2), kept as bytes. */
export interface EdnsOption {
  readonly code: number;
  readonly data: Uint8Array;
}

/** @beta The OPT pseudo-record's fields. */
export interface Edns {
  /** The requestor's UDP payload size; values under 512 are read as 512 (RFC 6891 §6.2.3). */
  readonly udpSize: number;
  readonly version: number;
  readonly dnssecOk: boolean;
  readonly options: readonly EdnsOption[];
}

/** @beta Header flags. */
export interface MessageFlags {
  readonly qr: boolean;
  readonly opcode: number;
  readonly aa: boolean;
  readonly tc: boolean;
  readonly rd: boolean;
  readonly ra: boolean;
  readonly ad: boolean;
  readonly cd: boolean;
}

/** @beta A TSIG record at the end of a message and where it started, for verification. */
export interface MessageTsig {
  readonly name: string;
  readonly rdata: TsigRdata;
  /** Offset of the TSIG record in the decoded bytes (the MAC covers the bytes before it). */
  readonly offset: number;
}

/** @beta A DNS message. `rcode` is the full 12-bit code, OPT's upper 8 bits included. */
export interface Message {
  readonly id: number;
  readonly flags: MessageFlags;
  readonly rcode: number;
  readonly questions: readonly Question[];
  readonly answers: readonly ResourceRecord[];
  readonly authorities: readonly ResourceRecord[];
  /** Additional records, without OPT and TSIG (which have their own fields). */
  readonly additionals: readonly ResourceRecord[];
  readonly edns?: Edns | undefined;
  readonly tsig?: MessageTsig | undefined;
}

/** Every question takes at least 5 bytes and every record 11, so counts beyond that are lies. */
const minQuestionSize = 5;
const minRecordSize = 11;

function u16(buffer: Uint8Array, offset: number): number {
  return ((buffer[offset] as number) << 8) | (buffer[offset + 1] as number);
}

/**
 * Decodes a message. Never throws on any input: hostile bytes (compression loops, counts past the
 * data, names over 255 bytes, a second OPT) give an error naming the kind and offset.
 *
 * @beta
 */
export function decodeMessage(buffer: Uint8Array): Result<Message, DnsDecodeError> {
  try {
    return ok(decode(buffer));
  } catch (failure) {
    if (failure instanceof DecodeFailure) {
      return err({ kind: failure.kind, offset: failure.offset, message: failure.message });
    }
    throw failure;
  }
}

function decode(buffer: Uint8Array): Message {
  if (buffer.length < 12) throw new DecodeFailure("truncated", buffer.length, "header shorter than 12 bytes");
  const id = u16(buffer, 0);
  const bits = u16(buffer, 2);
  const counts = [u16(buffer, 4), u16(buffer, 6), u16(buffer, 8), u16(buffer, 10)] as const;
  const [qd, an, ns, ar] = counts;
  const need = qd * minQuestionSize + (an + ns + ar) * minRecordSize;
  if (12 + need > buffer.length) {
    throw new DecodeFailure("count_past_data", 4, `counts ${counts.join("/")} need ${need} bytes after the header`);
  }
  let at = 12;
  const questions: Question[] = [];
  for (let i = 0; i < qd; i++) {
    const name = readName(buffer, at);
    if (name.end + 4 > buffer.length) throw new DecodeFailure("truncated", name.end, "question past the data");
    questions.push({ name: name.name, type: u16(buffer, name.end), qclass: u16(buffer, name.end + 2) });
    at = name.end + 4;
  }
  let edns: Edns | undefined;
  let extendedRcode = 0;
  let tsig: MessageTsig | undefined;
  const section = (count: number, additional: boolean): ResourceRecord[] => {
    const records: ResourceRecord[] = [];
    for (let i = 0; i < count; i++) {
      const start = at;
      const name = readName(buffer, at);
      if (name.end + 10 > buffer.length) throw new DecodeFailure("truncated", name.end, "record past the data");
      const type = u16(buffer, name.end);
      const rrclass = u16(buffer, name.end + 2);
      const ttlHigh = u16(buffer, name.end + 4);
      const ttl = ttlHigh * 0x10000 + u16(buffer, name.end + 6);
      const length = u16(buffer, name.end + 8);
      const rdStart = name.end + 10;
      if (rdStart + length > buffer.length) throw new DecodeFailure("truncated", name.end + 8, "RDATA past the data");
      at = rdStart + length;
      if (type === RrType.OPT) {
        if (!additional) throw new DecodeFailure("opt_misplaced", start, "OPT outside the additional section");
        if (edns !== undefined) throw new DecodeFailure("multiple_opt", start, "more than one OPT record");
        if (name.name !== ".") throw new DecodeFailure("opt_misplaced", start, "OPT owner is not the root");
        extendedRcode = ttlHigh >> 8;
        edns = readOpt(buffer, rrclass, ttlHigh, u16(buffer, name.end + 6), rdStart, at);
        continue;
      }
      const rdata = readRdata(buffer, type, rdStart, at);
      if (rdata.kind === "TSIG") {
        if (!additional || i !== count - 1)
          throw new DecodeFailure("tsig_misplaced", start, "TSIG is not the last record");
        tsig = { name: name.name, rdata, offset: start };
        continue;
      }
      // RFC 2181 §8: the top bit of a TTL makes it zero.
      records.push({ name: name.name, rrclass, ttl: ttl > 0x7fffffff ? 0 : ttl, rdata });
    }
    return records;
  };
  const answers = section(an, false);
  const authorities = section(ns, false);
  const additionals = section(ar, true);
  return {
    id,
    flags: {
      qr: (bits & 0x8000) !== 0,
      opcode: (bits >> 11) & 0xf,
      aa: (bits & 0x0400) !== 0,
      tc: (bits & 0x0200) !== 0,
      rd: (bits & 0x0100) !== 0,
      ra: (bits & 0x0080) !== 0,
      ad: (bits & 0x0020) !== 0,
      cd: (bits & 0x0010) !== 0,
    },
    rcode: (extendedRcode << 4) | (bits & 0xf),
    questions,
    answers,
    authorities,
    additionals,
    edns,
    tsig,
  };
}

function readOpt(
  buffer: Uint8Array,
  udpSize: number,
  ttlHigh: number,
  ttlLow: number,
  start: number,
  end: number,
): Edns {
  const options: EdnsOption[] = [];
  let at = start;
  while (at < end) {
    if (at + 4 > end) throw new DecodeFailure("bad_rdata", at, "EDNS option header past RDLENGTH");
    const length = u16(buffer, at + 2);
    if (at + 4 + length > end) throw new DecodeFailure("bad_rdata", at, "EDNS option past RDLENGTH");
    options.push({ code: u16(buffer, at), data: buffer.slice(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return { udpSize: Math.max(512, udpSize), version: ttlHigh & 0xff, dnssecOk: (ttlLow & 0x8000) !== 0, options };
}

/** @beta Options of {@link encodeMessage}. */
export interface EncodeOptions {
  /**
   * Largest message allowed (the client's UDP size). Over it, additional records are dropped first;
   * if it is still too big every section is emptied and TC set (RFC 2181 §9, RFC 6891 §7).
   */
  readonly maxSize?: number;
}

/**
 * Encodes a message with name compression. The TSIG field, if any, is written last as given.
 *
 * @throws RangeError on values that cannot be encoded (a name or TXT string too long); decode input
 * from outside first.
 *
 * @beta
 */
export function encodeMessage(message: Message, options: EncodeOptions = {}): Uint8Array {
  const full = encode(message);
  const limit = options.maxSize;
  if (limit === undefined || full.length <= limit) return full;
  const withoutAdditional = encode({ ...message, additionals: [] });
  if (withoutAdditional.length <= limit) return withoutAdditional;
  return encode({ ...message, flags: { ...message.flags, tc: true }, answers: [], authorities: [], additionals: [] });
}

function encode(message: Message): Uint8Array {
  const writer = new Writer();
  const { flags } = message;
  writer.u16(message.id);
  let bits = (flags.opcode & 0xf) << 11;
  if (flags.qr) bits |= 0x8000;
  if (flags.aa) bits |= 0x0400;
  if (flags.tc) bits |= 0x0200;
  if (flags.rd) bits |= 0x0100;
  if (flags.ra) bits |= 0x0080;
  if (flags.ad) bits |= 0x0020;
  if (flags.cd) bits |= 0x0010;
  writer.u16(bits | (message.rcode & 0xf));
  writer.u16(message.questions.length);
  writer.u16(message.answers.length);
  writer.u16(message.authorities.length);
  const extra = (message.edns === undefined ? 0 : 1) + (message.tsig === undefined ? 0 : 1);
  writer.u16(message.additionals.length + extra);
  for (const question of message.questions) {
    writer.name(question.name, true);
    writer.u16(question.type);
    writer.u16(question.qclass);
  }
  for (const records of [message.answers, message.authorities, message.additionals]) {
    for (const record of records) writeRecord(writer, record);
  }
  if (message.edns !== undefined) writeOpt(writer, message.edns, message.rcode >> 4);
  if (message.tsig !== undefined) {
    writeRecord(writer, { name: message.tsig.name, rrclass: 255, ttl: 0, rdata: message.tsig.rdata });
  }
  return writer.finish();
}

/** Writes one record (owner, type, class, TTL, RDLENGTH, RDATA). */
export function writeRecord(writer: Writer, record: ResourceRecord): void {
  writer.name(record.name, true);
  writer.u16(rdataType(record.rdata));
  writer.u16(record.rrclass);
  writer.u32(record.ttl);
  const lengthAt = writer.length;
  writer.u16(0);
  writeRdata(writer, record.rdata);
  const length = writer.length - lengthAt - 2;
  if (length > 0xffff) throw new RangeError(`RDATA of ${length} bytes (at most 65535)`);
  writer.patchU16(lengthAt, length);
}

function writeOpt(writer: Writer, edns: Edns, extendedRcode: number): void {
  writer.u8(0);
  writer.u16(RrType.OPT);
  writer.u16(edns.udpSize);
  writer.u8(extendedRcode & 0xff);
  writer.u8(edns.version);
  writer.u16(edns.dnssecOk ? 0x8000 : 0);
  let length = 0;
  for (const option of edns.options) length += 4 + option.data.length;
  writer.u16(length);
  for (const option of edns.options) {
    writer.u16(option.code);
    writer.u16(option.data.length);
    writer.raw(option.data);
  }
}
