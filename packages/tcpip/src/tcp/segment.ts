/**
 * The TCP segment codec (RFC 9293 §3.1): the fixed header and the options this stack speaks (MSS,
 * window scale, SACK-permitted, SACK blocks and timestamps).
 *
 * The hot path decodes into a reused object: the TCP layer keeps one {@link TcpHeader} to decode every
 * received segment into and one to encode every segment it sends from, so neither path allocates per
 * segment for the header (a successful `decode` returns a result object the header keeps). Decoding
 * never throws: malformed input gives a {@link TcpDecodeError}. {@link decodeTcpHeader} is the
 * allocating form, for code off the hot path.
 *
 * @packageDocumentation
 */

import { type Ok, type Result, ok } from "@mirage-ts/mirage-types";
import { type DecodeError, decodeError } from "../codec/decode-error.js";

/**
 * TCP control bits, as they sit in byte 13 of the header.
 *
 * @public
 */
export const TcpFlags = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

/**
 * Why a buffer is not a TCP segment: shorter than a header (`truncated`), a data offset outside the
 * buffer (`bad_data_offset`), or an option whose length is invalid: zero, overrunning, or wrong for
 * its kind (`bad_option`).
 *
 * @beta
 */
export type TcpDecodeError = DecodeError<"truncated" | "bad_data_offset" | "bad_option">;

/**
 * The timestamps option (RFC 7323 §3).
 *
 * @beta
 */
export interface TcpTimestamp {
  /** Timestamp value (TSval), unsigned 32-bit. */
  readonly val: number;
  /** Timestamp echo reply (TSecr), unsigned 32-bit. */
  readonly ecr: number;
}

/**
 * The largest number of SACK blocks a header can carry (4, in 40 bytes of options without timestamps).
 *
 * @beta
 */
export const MAX_SACK_BLOCKS = 4;

const MIN_HEADER = 20;
const MAX_OPTIONS = 40;

/**
 * Decodes the TCP header at the start of `buffer` into a new {@link TcpHeader}; the payload is
 * `buffer.subarray(header.headerLength)`. Never throws. The receive path decodes into a reused header
 * with {@link TcpHeader.decode} instead.
 *
 * @beta
 */
export function decodeTcpHeader(buffer: Uint8Array): Result<TcpHeader, TcpDecodeError> {
  return new TcpHeader().decode(buffer);
}

/**
 * A TCP header with its options, mutable so that one object is decoded into (or encoded from) segment
 * after segment without allocating. Absent options are `undefined` (`mss`, `windowScale`,
 * `timestamp`), `false` (`sackPermitted`) or a count of zero (`sackCount`). `decode` fills every field,
 * resetting absent options; `encode` writes them. Values read from a header are valid until the next
 * `decode` into it.
 *
 * @beta
 */
export class TcpHeader {
  /** Source port. */
  srcPort = 0;
  /** Destination port. */
  dstPort = 0;
  /** Sequence number (unsigned 32-bit). */
  seq = 0;
  /** Acknowledgment number (unsigned 32-bit; meaningful with {@link TcpFlags}.ACK). */
  ack = 0;
  /** Control bits, a combination of {@link TcpFlags}. */
  flags = 0;
  /** Window field as sent (not scaled). */
  window = 0;
  /** Checksum field as found by `decode` (`encode` writes zero; the sender fills it in). */
  checksum = 0;
  /** Urgent pointer (kept, never acted on). */
  urgent = 0;
  /** Header length in bytes including options, as decoded. */
  headerLength = MIN_HEADER;
  /** Maximum segment size option, if present. */
  mss: number | undefined = undefined;
  /** Window scale shift option, if present (as sent: a shift above 14 is the receiver's to clamp). */
  windowScale: number | undefined = undefined;
  /** SACK-permitted option. */
  sackPermitted = false;
  /** Number of SACK blocks in {@link TcpHeader.sackBlocks}. */
  sackCount = 0;
  /** SACK blocks as `[left0, right0, left1, right1, ...]`; only the first `sackCount` pairs count. */
  readonly sackBlocks: Uint32Array = new Uint32Array(MAX_SACK_BLOCKS * 2);
  // The timestamps live in this header's own object, filled in place: no allocation per segment, and no
  // header ever shares another's (copying an option between headers copies the numbers).
  readonly #timestamp = { val: 0, ecr: 0 };
  #hasTimestamp = false;
  // `decode`'s successful result, made once.
  readonly #decoded: Ok<this> = ok(this);

  /** The timestamps option, if present; the object is this header's and changes with it. */
  get timestamp(): TcpTimestamp | undefined {
    return this.#hasTimestamp ? this.#timestamp : undefined;
  }

  /** Sets the timestamps option to `val` and `ecr` (unsigned 32-bit). */
  setTimestamp(val: number, ecr: number): void {
    this.#timestamp.val = val >>> 0;
    this.#timestamp.ecr = ecr >>> 0;
    this.#hasTimestamp = true;
  }

  /** Whether every bit of `flag` is set. */
  has(flag: number): boolean {
    return (this.flags & flag) === flag;
  }

  /** Clears every option (used before filling a header to encode). */
  clearOptions(): void {
    this.mss = undefined;
    this.windowScale = undefined;
    this.sackPermitted = false;
    this.#hasTimestamp = false;
    this.sackCount = 0;
  }

  /**
   * Decodes the header at the start of `buffer` into this object; the payload is
   * `buffer.subarray(headerLength)`. Returns `ok(this)` (the same result object every time), or the
   * defect, after which the fields are unspecified. Unknown options are skipped; an option with an
   * impossible length fails the whole segment, as RFC 9293 §3.1 allows, rather than guessing.
   */
  decode(buffer: Uint8Array): Result<this, TcpDecodeError> {
    const b = buffer;
    if (b.length < MIN_HEADER) {
      return decodeError("truncated", `TCP segment of ${b.length} bytes is shorter than a 20-byte header`);
    }
    this.srcPort = (b[0]! << 8) | b[1]!;
    this.dstPort = (b[2]! << 8) | b[3]!;
    this.seq = ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
    this.ack = ((b[8]! << 24) | (b[9]! << 16) | (b[10]! << 8) | b[11]!) >>> 0;
    const headerLength = (b[12]! >>> 4) * 4;
    this.flags = b[13]!;
    this.window = (b[14]! << 8) | b[15]!;
    this.checksum = (b[16]! << 8) | b[17]!;
    this.urgent = (b[18]! << 8) | b[19]!;
    if (headerLength < MIN_HEADER || headerLength > b.length) {
      return decodeError("bad_data_offset", `TCP data offset ${headerLength} is outside 20..${b.length}`);
    }
    this.headerLength = headerLength;
    this.clearOptions();
    if (headerLength === MIN_HEADER) return this.#decoded;
    const bad = this.#decodeOptions(b, MIN_HEADER, headerLength);
    return bad === undefined ? this.#decoded : decodeError("bad_option", bad);
  }

  /** Reads the options in `[start, end)`; returns what is wrong with one, or `undefined`. */
  #decodeOptions(b: Uint8Array, start: number, end: number): string | undefined {
    let i = start;
    while (i < end) {
      const kind = b[i]!;
      if (kind === 0) break; // end of option list
      if (kind === 1) {
        i++;
        continue;
      }
      if (i + 1 >= end) return `TCP option ${kind} has no length byte`;
      const len = b[i + 1]!;
      if (len < 2 || i + len > end) return `TCP option ${kind} of length ${len} does not fit its header`;
      switch (kind) {
        case 2:
          if (len !== 4) return wrongLength(kind, len);
          this.mss = (b[i + 2]! << 8) | b[i + 3]!;
          break;
        case 3:
          if (len !== 3) return wrongLength(kind, len);
          this.windowScale = b[i + 2]!;
          break;
        case 4:
          if (len !== 2) return wrongLength(kind, len);
          this.sackPermitted = true;
          break;
        case 5: {
          if ((len - 2) % 8 !== 0) return wrongLength(kind, len);
          const count = Math.min((len - 2) / 8, MAX_SACK_BLOCKS);
          for (let k = 0; k < count; k++) {
            this.sackBlocks[2 * k] = readU32(b, i + 2 + k * 8);
            this.sackBlocks[2 * k + 1] = readU32(b, i + 6 + k * 8);
          }
          this.sackCount = count;
          break;
        }
        case 8:
          if (len !== 10) return wrongLength(kind, len);
          // Written in place rather than through setTimestamp: the call costs ~15 % of a decode.
          this.#timestamp.val = readU32(b, i + 2);
          this.#timestamp.ecr = readU32(b, i + 6);
          this.#hasTimestamp = true;
          break;
        default:
          break; // unknown options are skipped by length
      }
      i += len;
    }
    return undefined;
  }

  /** The number of bytes `encode` writes: 20 plus the options, padded to a multiple of 4. */
  encodedLength(): number {
    let n = MIN_HEADER;
    if (this.mss !== undefined) n += 4;
    if (this.#hasTimestamp || this.sackPermitted) n += this.#hasTimestamp ? 12 : 4;
    if (this.windowScale !== undefined) n += 4;
    if (this.sackCount > 0) n += 4 + 8 * this.sackCount;
    return n;
  }

  /**
   * Writes the header and options at `offset` in `buffer` (the checksum field is zero) and returns the
   * header length. Options use the layout Linux sends (NOPs align each to 4 bytes).
   *
   * @throws RangeError if the options exceed 40 bytes or the buffer is too small.
   */
  encode(buffer: Uint8Array, offset = 0): number {
    const length = this.encodedLength();
    if (length - MIN_HEADER > MAX_OPTIONS) {
      throw new RangeError(`TCP options take ${length - MIN_HEADER} bytes, more than the 40 a header holds`);
    }
    if (offset + length > buffer.length) {
      throw new RangeError(`a ${length}-byte TCP header does not fit at offset ${offset} of ${buffer.length} bytes`);
    }
    const b = buffer;
    let o = offset;
    b[o] = this.srcPort >>> 8;
    b[o + 1] = this.srcPort;
    b[o + 2] = this.dstPort >>> 8;
    b[o + 3] = this.dstPort;
    writeU32(b, o + 4, this.seq);
    writeU32(b, o + 8, this.ack);
    b[o + 12] = (length / 4) << 4;
    b[o + 13] = this.flags;
    b[o + 14] = this.window >>> 8;
    b[o + 15] = this.window;
    b[o + 16] = 0;
    b[o + 17] = 0;
    b[o + 18] = this.urgent >>> 8;
    b[o + 19] = this.urgent;
    o += MIN_HEADER;
    if (this.mss !== undefined) {
      b[o] = 2;
      b[o + 1] = 4;
      b[o + 2] = this.mss >>> 8;
      b[o + 3] = this.mss;
      o += 4;
    }
    if (this.#hasTimestamp) {
      if (this.sackPermitted) {
        b[o] = 4;
        b[o + 1] = 2;
      } else {
        b[o] = 1;
        b[o + 1] = 1;
      }
      b[o + 2] = 8;
      b[o + 3] = 10;
      writeU32(b, o + 4, this.#timestamp.val);
      writeU32(b, o + 8, this.#timestamp.ecr);
      o += 12;
    } else if (this.sackPermitted) {
      b[o] = 1;
      b[o + 1] = 1;
      b[o + 2] = 4;
      b[o + 3] = 2;
      o += 4;
    }
    if (this.windowScale !== undefined) {
      b[o] = 1;
      b[o + 1] = 3;
      b[o + 2] = 3;
      b[o + 3] = this.windowScale;
      o += 4;
    }
    if (this.sackCount > 0) {
      b[o] = 1;
      b[o + 1] = 1;
      b[o + 2] = 5;
      b[o + 3] = 2 + 8 * this.sackCount;
      o += 4;
      for (let k = 0; k < this.sackCount; k++) {
        writeU32(b, o, this.sackBlocks[2 * k]!);
        writeU32(b, o + 4, this.sackBlocks[2 * k + 1]!);
        o += 8;
      }
    }
    return length;
  }
}

function wrongLength(kind: number, len: number): string {
  return `TCP option ${kind} has length ${len}`;
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}
