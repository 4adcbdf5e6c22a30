/**
 * `Ipv6Addr`: an IPv6 address (`Ipaddr.V6.t`), an immutable value backed by four uint32 numbers.
 *
 * @packageDocumentation
 */

import { parsedOrThrow } from "./internal/address-text.js";
import { checkLength, checkRange } from "./internal/byte-bounds.js";
import { formatIpv6, parseIpv6 } from "./internal/ipv6-text.js";
import { compareNumbers } from "./internal/order.js";
import { readUint32, writeUint32 } from "./internal/uint32-bytes.js";
import type { Ipaddr } from "./ipaddr.js";
import { Ipv4Addr } from "./ipv4.js";

/**
 * The four 32-bit words of an IPv6 address, most significant first, each an unsigned integer.
 *
 * @public
 */
export type Ipv6Words = readonly [number, number, number, number];

/**
 * A 128-bit IPv6 address. Values are immutable and compared with {@link Ipv6Addr.equals}. Text is read
 * in every form of RFC 4291 §2.2 and written in the canonical form of RFC 5952.
 *
 * @public
 */
export class Ipv6Addr {
  /** The unspecified address `::`. */
  static readonly unspecified: Ipv6Addr = new Ipv6Addr(0, 0, 0, 0);

  /** The loopback address `::1`. */
  static readonly localhost: Ipv6Addr = new Ipv6Addr(0, 0, 0, 1);

  // The address as four unsigned 32-bit words, most significant first.
  private readonly w0: number;
  private readonly w1: number;
  private readonly w2: number;
  private readonly w3: number;

  private constructor(w0: number, w1: number, w2: number, w3: number) {
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
  }

  /** Always `6`: tells the members of the {@link (Ipaddr:type)} union apart. */
  get version(): 6 {
    return 6;
  }

  /**
   * Parses any text form of RFC 4291 §2.2: eight groups of 1 to 4 hex digits in either case
   * (`"2001:DB8:0:0:8:800:200C:417A"`), one `::` standing for one or more zero groups (`"ff01::101"`,
   * `"::"`), and a dotted quad for the last 32 bits (`"::ffff:192.0.2.1"`). Brackets and zone
   * identifiers (`"fe80::1%eth0"`) are not part of an address and are refused.
   *
   * @throws TypeError if `text` is not such an address.
   */
  static parse(text: string): Ipv6Addr {
    return new Ipv6Addr(...parsedOrThrow("IPv6 address", text, parseIpv6(text)));
  }

  /**
   * The address whose four 32-bit words, most significant first, are `words`.
   *
   * @throws RangeError if a word is not an integer from 0 to 4294967295.
   */
  static fromWords(words: Ipv6Words): Ipv6Addr {
    for (const word of words) {
      if (!Number.isInteger(word) || word < 0 || word > 0xffffffff) {
        throw new RangeError(`invalid IPv6 address word ${word}: must be an integer from 0 to 4294967295`);
      }
    }
    return new Ipv6Addr(words[0], words[1], words[2], words[3]);
  }

  /**
   * The IPv4-mapped address `::ffff:a.b.c.d` of `ipv4` (RFC 4291 §2.5.5.2), as dual-stack sockets
   * show IPv4 peers.
   */
  static fromIpv4(ipv4: Ipv4Addr): Ipv6Addr {
    return new Ipv6Addr(0, 0, 0xffff, ipv4.toNumber());
  }

  /**
   * The address whose sixteen bytes, in network order, are `bytes` (copied).
   *
   * @throws RangeError if `bytes` does not hold exactly 16 bytes.
   */
  static fromBytes(bytes: Uint8Array): Ipv6Addr {
    checkLength("an IPv6 address", bytes, 16);
    return Ipv6Addr.read(bytes, 0);
  }

  /**
   * Reads the address at `offset` in `buffer`, in network order (for example from an IPv6 header).
   *
   * @throws RangeError if `buffer` has fewer than 16 bytes from `offset` on.
   */
  static read(buffer: Uint8Array, offset: number): Ipv6Addr {
    checkRange("an IPv6 address", buffer, offset, 16);
    return new Ipv6Addr(
      readUint32(buffer, offset),
      readUint32(buffer, offset + 4),
      readUint32(buffer, offset + 8),
      readUint32(buffer, offset + 12),
    );
  }

  /** The four 32-bit words, most significant first. */
  toWords(): Ipv6Words {
    return [this.w0, this.w1, this.w2, this.w3];
  }

  /** The sixteen bytes in network order, in a new array. */
  toBytes(): Uint8Array {
    const bytes = new Uint8Array(16);
    this.write(bytes, 0);
    return bytes;
  }

  /**
   * Writes the sixteen bytes in network order at `offset` in `buffer`.
   *
   * @throws RangeError if `buffer` has fewer than 16 bytes from `offset` on.
   */
  write(buffer: Uint8Array, offset: number): void {
    checkRange("an IPv6 address", buffer, offset, 16);
    writeUint32(buffer, offset, this.w0);
    writeUint32(buffer, offset + 4, this.w1);
    writeUint32(buffer, offset + 8, this.w2);
    writeUint32(buffer, offset + 12, this.w3);
  }

  /**
   * The IPv4 address inside an IPv4-mapped address (`::ffff:a.b.c.d`), or `undefined` for any other
   * address.
   */
  toIpv4(): Ipv4Addr | undefined {
    return this.isIpv4Mapped() ? Ipv4Addr.fromNumber(this.w3) : undefined;
  }

  /** Whether this is `::`. */
  isUnspecified(): boolean {
    return (this.w0 | this.w1 | this.w2 | this.w3) === 0;
  }

  /** Whether this is the loopback address `::1`. */
  isLoopback(): boolean {
    return (this.w0 | this.w1 | this.w2) === 0 && this.w3 === 1;
  }

  /** Whether the address is in the multicast block `ff00::/8`. */
  isMulticast(): boolean {
    return this.w0 >>> 24 === 0xff;
  }

  /** Whether the address is in the link-local unicast block `fe80::/10`. */
  isLinkLocal(): boolean {
    return this.w0 >>> 22 === 0x3fa;
  }

  /** Whether the address is IPv4-mapped, in `::ffff:0:0/96`. */
  isIpv4Mapped(): boolean {
    return (this.w0 | this.w1) === 0 && this.w2 === 0xffff;
  }

  /**
   * Orders addresses numerically, every IPv6 address after every IPv4 one: negative, zero or positive
   * as this one sorts before, with or after `other`.
   */
  compare(other: Ipaddr): number {
    if (other.version === 4) return 1;
    return (
      compareNumbers(this.w0, other.w0) ||
      compareNumbers(this.w1, other.w1) ||
      compareNumbers(this.w2, other.w2) ||
      compareNumbers(this.w3, other.w3)
    );
  }

  /** Whether `other` is the same IPv6 address (an IPv4 address never is, even for a mapped one). */
  equals(other: Ipaddr): boolean {
    return (
      other.version === 6 &&
      other.w0 === this.w0 &&
      other.w1 === this.w1 &&
      other.w2 === this.w2 &&
      other.w3 === this.w3
    );
  }

  /**
   * The canonical text of RFC 5952: lower-case hex without leading zeros, the longest run of two or
   * more zero groups (the first one on ties) written `::`, and IPv4-mapped addresses as
   * `"::ffff:192.0.2.1"`.
   */
  toString(): string {
    return formatIpv6(this.toWords());
  }
}
