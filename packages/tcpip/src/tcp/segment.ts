/**
 * The TCP segment codec (RFC 9293 §3.1): the fixed header and the options this stack speaks (MSS,
 * window scale, SACK-permitted, SACK blocks and timestamps). One mutable {@link TcpHeader} is
 * decoded into and encoded from, so the receive and send paths allocate nothing per segment for the
 * header itself. Decoding never throws: malformed input gives a {@link TcpDecodeError}.
 *
 * @packageDocumentation
 */

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
 * Why a buffer is not a TCP segment: shorter than a header, a data offset outside the buffer, or an
 * option whose length is invalid (zero, overrunning, or wrong for its kind).
 *
 * @public
 */
export type TcpDecodeError = "too_short" | "bad_data_offset" | "bad_option";

/**
 * The largest number of SACK blocks a header can carry (4, in 40 bytes of options without timestamps).
 *
 * @public
 */
export const MAX_SACK_BLOCKS = 4;

const MIN_HEADER = 20;
const MAX_OPTIONS = 40;

/**
 * A TCP header with its options. Fields are plain and mutable; absent options are `-1` (numbers) or
 * `false`. `decode` fills every field (resetting absent options), `encode` writes them.
 *
 * @public
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
  /** Maximum segment size option, or `-1`. */
  mss = -1;
  /** Window scale shift option, or `-1`. */
  windowScale = -1;
  /** SACK-permitted option. */
  sackPermitted = false;
  /** Whether the timestamps option is present. */
  hasTimestamp = false;
  /** Timestamp value (TSval) when {@link TcpHeader.hasTimestamp}. */
  tsVal = 0;
  /** Timestamp echo reply (TSecr) when {@link TcpHeader.hasTimestamp}. */
  tsEcr = 0;
  /** Number of SACK blocks in {@link TcpHeader.sackBlocks}. */
  sackCount = 0;
  /** SACK blocks as `[left0, right0, left1, right1, ...]`; only the first `sackCount` pairs count. */
  readonly sackBlocks: Uint32Array = new Uint32Array(MAX_SACK_BLOCKS * 2);

  /** Whether every bit of `flag` is set. */
  has(flag: number): boolean {
    return (this.flags & flag) === flag;
  }

  /** Clears every option (used before filling a header to encode). */
  clearOptions(): void {
    this.mss = -1;
    this.windowScale = -1;
    this.sackPermitted = false;
    this.hasTimestamp = false;
    this.tsVal = 0;
    this.tsEcr = 0;
    this.sackCount = 0;
  }

  /**
   * Decodes the header at the start of `buffer`; the payload is `buffer.subarray(headerLength)`.
   * Returns `undefined` on success. Unknown options are skipped; an option with an impossible length
   * fails the whole segment, as RFC 9293 §3.1 allows, rather than guessing.
   */
  decode(buffer: Uint8Array): TcpDecodeError | undefined {
    if (buffer.length < MIN_HEADER) return "too_short";
    const b = buffer;
    this.srcPort = (b[0]! << 8) | b[1]!;
    this.dstPort = (b[2]! << 8) | b[3]!;
    this.seq = ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
    this.ack = ((b[8]! << 24) | (b[9]! << 16) | (b[10]! << 8) | b[11]!) >>> 0;
    const headerLength = (b[12]! >>> 4) * 4;
    this.flags = b[13]!;
    this.window = (b[14]! << 8) | b[15]!;
    this.checksum = (b[16]! << 8) | b[17]!;
    this.urgent = (b[18]! << 8) | b[19]!;
    if (headerLength < MIN_HEADER || headerLength > b.length) return "bad_data_offset";
    this.headerLength = headerLength;
    this.clearOptions();
    return headerLength === MIN_HEADER ? undefined : this.#decodeOptions(b, MIN_HEADER, headerLength);
  }

  #decodeOptions(b: Uint8Array, start: number, end: number): TcpDecodeError | undefined {
    let i = start;
    while (i < end) {
      const kind = b[i]!;
      if (kind === 0) break; // end of option list
      if (kind === 1) {
        i++;
        continue;
      }
      if (i + 1 >= end) return "bad_option";
      const len = b[i + 1]!;
      if (len < 2 || i + len > end) return "bad_option";
      switch (kind) {
        case 2:
          if (len !== 4) return "bad_option";
          this.mss = (b[i + 2]! << 8) | b[i + 3]!;
          break;
        case 3:
          if (len !== 3) return "bad_option";
          this.windowScale = b[i + 2]!;
          break;
        case 4:
          if (len !== 2) return "bad_option";
          this.sackPermitted = true;
          break;
        case 5: {
          if ((len - 2) % 8 !== 0) return "bad_option";
          const count = Math.min((len - 2) / 8, MAX_SACK_BLOCKS);
          for (let k = 0; k < count; k++) {
            const o = i + 2 + k * 8;
            this.sackBlocks[2 * k] = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
            this.sackBlocks[2 * k + 1] = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
          }
          this.sackCount = count;
          break;
        }
        case 8:
          if (len !== 10) return "bad_option";
          this.hasTimestamp = true;
          this.tsVal = ((b[i + 2]! << 24) | (b[i + 3]! << 16) | (b[i + 4]! << 8) | b[i + 5]!) >>> 0;
          this.tsEcr = ((b[i + 6]! << 24) | (b[i + 7]! << 16) | (b[i + 8]! << 8) | b[i + 9]!) >>> 0;
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
    if (this.mss >= 0) n += 4;
    if (this.hasTimestamp || this.sackPermitted) n += this.hasTimestamp ? 12 : 4;
    if (this.windowScale >= 0) n += 4;
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
    if (this.mss >= 0) {
      b[o] = 2;
      b[o + 1] = 4;
      b[o + 2] = this.mss >>> 8;
      b[o + 3] = this.mss;
      o += 4;
    }
    if (this.hasTimestamp) {
      if (this.sackPermitted) {
        b[o] = 4;
        b[o + 1] = 2;
      } else {
        b[o] = 1;
        b[o + 1] = 1;
      }
      b[o + 2] = 8;
      b[o + 3] = 10;
      writeU32(b, o + 4, this.tsVal);
      writeU32(b, o + 8, this.tsEcr);
      o += 12;
    } else if (this.sackPermitted) {
      b[o] = 1;
      b[o + 1] = 1;
      b[o + 2] = 4;
      b[o + 3] = 2;
      o += 4;
    }
    if (this.windowScale >= 0) {
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

function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}
