/**
 * `Ipv4Prefix`: an IPv4 address with its prefix length, CIDR `10.0.0.2/24` (`Ipaddr.V4.Prefix.t` of
 * ocaml-ipaddr 5, which keeps the host address as given).
 *
 * @packageDocumentation
 */

import { checkPrefixLength, parsePrefix } from "./internal/address-text.js";
import { parseIpv4 } from "./internal/ipv4-text.js";
import { compareNumbers } from "./internal/order.js";
import type { Prefix } from "./ipaddr.js";
import { Ipv4Addr } from "./ipv4.js";

/** The netmask of a prefix length, as a uint32. */
function maskOf(bits: number): number {
  // `<<` counts modulo 32, so a length of 0 needs its own case.
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * An IPv4 address and a prefix length from 0 to 32: an interface configuration such as `10.0.0.2/24`,
 * which also names its network `10.0.0.0/24`. The address is kept as given; {@link Ipv4Prefix.network}
 * and {@link Ipv4Prefix.networkPrefix} clear its host bits. Values are immutable.
 *
 * @public
 */
export class Ipv4Prefix {
  /** The address as given, host bits included: `10.0.0.2` in `10.0.0.2/24`. */
  readonly address: Ipv4Addr;

  /** The prefix length, the number of leading network bits: `24` in `10.0.0.2/24`. */
  readonly bits: number;

  // The netmask as a uint32, used by every membership test.
  private readonly mask: number;

  private constructor(address: Ipv4Addr, bits: number) {
    this.address = address;
    this.bits = bits;
    this.mask = maskOf(bits);
  }

  /** Always `4`: tells the members of the {@link (Prefix:type)} union apart. */
  get version(): 4 {
    return 4;
  }

  /**
   * The prefix of `address` with length `bits` (`Ipaddr.V4.Prefix.make bits address`).
   *
   * @throws RangeError if `bits` is not an integer from 0 to 32.
   */
  static make(address: Ipv4Addr, bits: number): Ipv4Prefix {
    return new Ipv4Prefix(address, checkPrefixLength("IPv4", bits, 32));
  }

  /**
   * Parses CIDR text, an IPv4 address, `/` and a decimal length from 0 to 32: `"10.0.0.2/24"`.
   *
   * @throws TypeError if `text` is not such a prefix.
   */
  static parse(text: string): Ipv4Prefix {
    const { address, bits } = parsePrefix("IPv4 prefix", text, parseIpv4, 32);
    return new Ipv4Prefix(Ipv4Addr.fromNumber(address), bits);
  }

  /**
   * The prefix of `address` whose netmask is `netmask`, as DHCP and `ifconfig` give them:
   * `fromNetmask(10.0.0.2, 255.255.255.0)` is `10.0.0.2/24`.
   *
   * @throws RangeError if the one bits of `netmask` are not contiguous from the left.
   */
  static fromNetmask(address: Ipv4Addr, netmask: Ipv4Addr): Ipv4Prefix {
    const hostmask = ~netmask.toNumber() >>> 0;
    // A valid netmask leaves a host mask of the form 2^k - 1.
    if ((hostmask & (hostmask + 1)) !== 0) {
      throw new RangeError(`invalid IPv4 netmask ${netmask.toString()}: its one bits must be contiguous from the left`);
    }
    return new Ipv4Prefix(address, Math.clz32(hostmask));
  }

  /** The network address, the address with its host bits cleared: `10.0.0.0` for `10.0.0.2/24`. */
  network(): Ipv4Addr {
    return Ipv4Addr.fromNumber((this.address.toNumber() & this.mask) >>> 0);
  }

  /** The same network with the host bits of the address cleared: `10.0.0.0/24` for `10.0.0.2/24`. */
  networkPrefix(): Ipv4Prefix {
    return new Ipv4Prefix(this.network(), this.bits);
  }

  /** The netmask: `255.255.255.0` for a `/24`. */
  netmask(): Ipv4Addr {
    return Ipv4Addr.fromNumber(this.mask);
  }

  /** The directed broadcast address, all host bits set: `10.0.0.255` for `10.0.0.2/24`. */
  broadcast(): Ipv4Addr {
    return Ipv4Addr.fromNumber((this.address.toNumber() | ~this.mask) >>> 0);
  }

  /**
   * The first host address: the one after the network address, or the network address itself for a
   * `/31` or `/32`, which have no network and broadcast addresses to skip (RFC 3021).
   */
  first(): Ipv4Addr {
    const network = (this.address.toNumber() & this.mask) >>> 0;
    return Ipv4Addr.fromNumber(this.bits > 30 ? network : network + 1);
  }

  /**
   * The last host address: the one before the broadcast address, or the broadcast address itself for a
   * `/31` or `/32`.
   */
  last(): Ipv4Addr {
    const broadcast = (this.address.toNumber() | ~this.mask) >>> 0;
    return Ipv4Addr.fromNumber(this.bits > 30 ? broadcast : broadcast - 1);
  }

  /** Whether `address` is in this network (its first {@link Ipv4Prefix.bits} bits are the same). */
  mem(address: Ipv4Addr): boolean {
    return ((address.toNumber() ^ this.address.toNumber()) & this.mask) === 0;
  }

  /** Whether every address of this prefix is in `network`: it is at least as long and inside it. */
  subset(network: Ipv4Prefix): boolean {
    return this.bits >= network.bits && network.mem(this.address);
  }

  /**
   * Orders prefixes by address, then by length, every IPv4 prefix before every IPv6 one: negative, zero
   * or positive as this one sorts before, with or after `other`.
   */
  compare(other: Prefix): number {
    if (other.version === 6) return -1;
    return this.address.compare(other.address) || compareNumbers(this.bits, other.bits);
  }

  /** Whether `other` has the same address and the same length (`10.0.0.2/24` is not `10.0.0.0/24`). */
  equals(other: Prefix): boolean {
    return other.version === 4 && this.bits === other.bits && this.address.equals(other.address);
  }

  /** The CIDR text with the address as given: `"10.0.0.2/24"`. */
  toString(): string {
    return `${this.address.toString()}/${this.bits}`;
  }
}
