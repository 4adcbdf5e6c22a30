/**
 * `Ipv4Addr`: an IPv4 address (`Ipaddr.V4.t`), an immutable value backed by one uint32 number.
 *
 * @packageDocumentation
 */

import { parsedOrThrow } from "./internal/address-text.js";
import { checkLength, checkRange } from "./internal/byte-bounds.js";
import { formatIpv4, parseIpv4 } from "./internal/ipv4-text.js";
import { compareNumbers } from "./internal/order.js";
import { readUint32, writeUint32 } from "./internal/uint32-bytes.js";
import type { Ipaddr } from "./ipaddr.js";

/**
 * An IPv4 address. Values are immutable and compared with {@link Ipv4Addr.equals}. The address is one
 * uint32 number inside, so {@link Ipv4Addr.fromNumber} and {@link Ipv4Addr.toNumber} cost no more than
 * one small object: protocol code can read `DataView.getUint32` straight into an address.
 *
 * @public
 */
export class Ipv4Addr {
  /** The unspecified address `0.0.0.0` ("any", `INADDR_ANY`). */
  static readonly any: Ipv4Addr = new Ipv4Addr(0);

  /** The limited broadcast address `255.255.255.255`. */
  static readonly broadcast: Ipv4Addr = new Ipv4Addr(0xffffffff);

  /** The loopback address `127.0.0.1`. */
  static readonly localhost: Ipv4Addr = new Ipv4Addr(0x7f000001);

  // The address as an unsigned 32-bit integer, first octet most significant.
  private readonly value: number;

  private constructor(value: number) {
    this.value = value;
  }

  /** Always `4`: tells the members of the {@link (Ipaddr:type)} union apart. */
  get version(): 4 {
    return 4;
  }

  /**
   * Parses a dotted quad such as `"192.168.1.10"`: four decimal octets from 0 to 255, without leading
   * zeros (`"010.0.0.1"` is refused as ocaml-ipaddr does, since other tools read it as octal).
   *
   * @throws TypeError if `text` is not such an address.
   */
  static parse(text: string): Ipv4Addr {
    return new Ipv4Addr(parsedOrThrow("IPv4 address", text, parseIpv4(text)));
  }

  /**
   * The address whose uint32 value (network byte order read as a big-endian number) is `value`:
   * `fromNumber(0x0a000001)` is `10.0.0.1`.
   *
   * @throws RangeError if `value` is not an integer from 0 to 4294967295.
   */
  static fromNumber(value: number): Ipv4Addr {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`invalid IPv4 address number ${value}: must be an integer from 0 to 4294967295`);
    }
    return new Ipv4Addr(value);
  }

  /**
   * The address whose four bytes, in network order, are `bytes` (copied).
   *
   * @throws RangeError if `bytes` does not hold exactly 4 bytes.
   */
  static fromBytes(bytes: Uint8Array): Ipv4Addr {
    checkLength("an IPv4 address", bytes, 4);
    return Ipv4Addr.read(bytes, 0);
  }

  /**
   * Reads the address at `offset` in `buffer`, in network order (for example from an IPv4 header).
   *
   * @throws RangeError if `buffer` has fewer than 4 bytes from `offset` on.
   */
  static read(buffer: Uint8Array, offset: number): Ipv4Addr {
    checkRange("an IPv4 address", buffer, offset, 4);
    return new Ipv4Addr(readUint32(buffer, offset));
  }

  /** The address as a uint32 number, first octet most significant: `10.0.0.1` is `0x0a000001`. */
  toNumber(): number {
    return this.value;
  }

  /** The four bytes in network order, in a new array. */
  toBytes(): Uint8Array {
    const bytes = new Uint8Array(4);
    this.write(bytes, 0);
    return bytes;
  }

  /**
   * Writes the four bytes in network order at `offset` in `buffer`.
   *
   * @throws RangeError if `buffer` has fewer than 4 bytes from `offset` on.
   */
  write(buffer: Uint8Array, offset: number): void {
    checkRange("an IPv4 address", buffer, offset, 4);
    writeUint32(buffer, offset, this.value);
  }

  /** Whether this is `0.0.0.0`. */
  isUnspecified(): boolean {
    return this.value === 0;
  }

  /** Whether this is the limited broadcast address `255.255.255.255`. */
  isBroadcast(): boolean {
    return this.value === 0xffffffff;
  }

  /** Whether the address is in the loopback block `127.0.0.0/8`. */
  isLoopback(): boolean {
    return this.value >>> 24 === 127;
  }

  /** Whether the address is in the multicast block `224.0.0.0/4`. */
  isMulticast(): boolean {
    return this.value >>> 28 === 0xe;
  }

  /** Whether the address is in the link-local block `169.254.0.0/16`. */
  isLinkLocal(): boolean {
    return this.value >>> 16 === 0xa9fe;
  }

  /**
   * Whether the address is in a private-use block of RFC 1918: `10.0.0.0/8`, `172.16.0.0/12` or
   * `192.168.0.0/16`. (Upstream's `is_private` is wider: it also counts loopback and link-local.)
   */
  isPrivate(): boolean {
    return this.value >>> 24 === 10 || this.value >>> 20 === 0xac1 || this.value >>> 16 === 0xc0a8;
  }

  /**
   * Orders addresses numerically, every IPv4 address before every IPv6 one: negative, zero or positive
   * as this one sorts before, with or after `other`.
   */
  compare(other: Ipaddr): number {
    return other.version === 4 ? compareNumbers(this.value, other.value) : -1;
  }

  /** Whether `other` is the same IPv4 address (an IPv6 address never is, even an IPv4-mapped one). */
  equals(other: Ipaddr): boolean {
    return other.version === 4 && other.value === this.value;
  }

  /** The dotted quad, `"10.0.0.1"`. */
  toString(): string {
    return formatIpv4(this.value);
  }
}
