/**
 * `Ipv6Prefix`: an IPv6 address with its prefix length, `2001:db8::2/64` (`Ipaddr.V6.Prefix.t` of
 * ocaml-ipaddr 5, which keeps the host address as given).
 *
 * @packageDocumentation
 */

import { checkPrefixLength, parsePrefix } from "./internal/address-text.js";
import { parseIpv6 } from "./internal/ipv6-text.js";
import { compareNumbers } from "./internal/order.js";
import type { Prefix } from "./ipaddr.js";
import { Ipv6Addr, type Ipv6Words } from "./ipv6.js";

/** The netmask of a prefix length, as four uint32 words. */
function maskOf(bits: number): Ipv6Words {
  const word = (i: number): number => {
    const ones = Math.min(Math.max(bits - 32 * i, 0), 32);
    // `<<` counts modulo 32, so a word without network bits needs its own case.
    return ones === 0 ? 0 : (0xffffffff << (32 - ones)) >>> 0;
  };
  return [word(0), word(1), word(2), word(3)];
}

/** Combines two word lists with `f`, keeping the results unsigned. */
function combine(a: Ipv6Words, b: Ipv6Words, f: (x: number, y: number) => number): Ipv6Words {
  return [f(a[0], b[0]) >>> 0, f(a[1], b[1]) >>> 0, f(a[2], b[2]) >>> 0, f(a[3], b[3]) >>> 0];
}

/**
 * An IPv6 address and a prefix length from 0 to 128: an interface configuration such as
 * `2001:db8::2/64`, which also names its network `2001:db8::/64`. The address is kept as given;
 * {@link Ipv6Prefix.network} and {@link Ipv6Prefix.networkPrefix} clear its host bits. Values are
 * immutable.
 *
 * @public
 */
export class Ipv6Prefix {
  /** The address as given, host bits included: `2001:db8::2` in `2001:db8::2/64`. */
  readonly address: Ipv6Addr;

  /** The prefix length, the number of leading network bits: `64` in `2001:db8::2/64`. */
  readonly bits: number;

  // The netmask and the network words, computed once for the membership tests.
  private readonly mask: Ipv6Words;
  private readonly networkWords: Ipv6Words;

  private constructor(address: Ipv6Addr, bits: number) {
    this.address = address;
    this.bits = bits;
    this.mask = maskOf(bits);
    this.networkWords = combine(address.toWords(), this.mask, (x, m) => x & m);
  }

  /** Always `6`: tells the members of the {@link (Prefix:type)} union apart. */
  get version(): 6 {
    return 6;
  }

  /**
   * The prefix of `address` with length `bits` (`Ipaddr.V6.Prefix.make bits address`).
   *
   * @throws RangeError if `bits` is not an integer from 0 to 128.
   */
  static make(address: Ipv6Addr, bits: number): Ipv6Prefix {
    return new Ipv6Prefix(address, checkPrefixLength("IPv6", bits, 128));
  }

  /**
   * Parses an IPv6 address (any form {@link Ipv6Addr.parse} reads), `/` and a decimal length from 0 to
   * 128: `"2001:db8::2/64"`.
   *
   * @throws TypeError if `text` is not such a prefix.
   */
  static parse(text: string): Ipv6Prefix {
    const { address, bits } = parsePrefix("IPv6 prefix", text, parseIpv6, 128);
    return new Ipv6Prefix(Ipv6Addr.fromWords(address), bits);
  }

  /** The network address, the address with its host bits cleared: `2001:db8::` for `2001:db8::2/64`. */
  network(): Ipv6Addr {
    return Ipv6Addr.fromWords(this.networkWords);
  }

  /** The same network with the host bits of the address cleared: `2001:db8::/64` for `2001:db8::2/64`. */
  networkPrefix(): Ipv6Prefix {
    return new Ipv6Prefix(this.network(), this.bits);
  }

  /** The netmask: `ffff:ffff:ffff:ffff::` for a `/64`. */
  netmask(): Ipv6Addr {
    return Ipv6Addr.fromWords(this.mask);
  }

  /**
   * The first address after the network address (the subnet-router anycast address of RFC 4291
   * §2.6.1), or the network address itself for a `/127` or `/128`, as ocaml-ipaddr.
   */
  first(): Ipv6Addr {
    if (this.bits > 126) return this.network();
    const [w0, w1, w2, w3] = this.networkWords;
    // With at least two host bits the last word's lowest bit is clear, so adding one never carries.
    return Ipv6Addr.fromWords([w0, w1, w2, w3 + 1]);
  }

  /** The last address, all host bits set (IPv6 has no broadcast address to skip). */
  last(): Ipv6Addr {
    return Ipv6Addr.fromWords(combine(this.networkWords, this.mask, (x, m) => x | ~m));
  }

  /** Whether `address` is in this network (its first {@link Ipv6Prefix.bits} bits are the same). */
  mem(address: Ipv6Addr): boolean {
    const words = address.toWords();
    for (let i = 0; i < 4; i++) {
      if (((words[i] as number) & (this.mask[i] as number)) >>> 0 !== this.networkWords[i]) return false;
    }
    return true;
  }

  /** Whether every address of this prefix is in `network`: it is at least as long and inside it. */
  subset(network: Ipv6Prefix): boolean {
    return this.bits >= network.bits && network.mem(this.address);
  }

  /**
   * Orders prefixes by address, then by length, every IPv6 prefix after every IPv4 one: negative, zero
   * or positive as this one sorts before, with or after `other`.
   */
  compare(other: Prefix): number {
    if (other.version === 4) return 1;
    return this.address.compare(other.address) || compareNumbers(this.bits, other.bits);
  }

  /** Whether `other` has the same address and the same length (`::1/64` is not `::/64`). */
  equals(other: Prefix): boolean {
    return other.version === 6 && this.bits === other.bits && this.address.equals(other.address);
  }

  /** The prefix text with the address as given, in its RFC 5952 form: `"2001:db8::2/64"`. */
  toString(): string {
    return `${this.address.toString()}/${this.bits}`;
  }
}
