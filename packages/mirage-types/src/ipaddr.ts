/**
 * `Ipaddr` and `Prefix`: an IPv4 or IPv6 address or prefix (`Ipaddr.t`, `Ipaddr.Prefix.t`), for
 * signatures that take either family, such as the dual-stack `Stack`.
 *
 * @packageDocumentation
 */

import { invalidText } from "./internal/address-text.js";
import { Ipv4Addr } from "./ipv4.js";
import { Ipv4Prefix } from "./ipv4-prefix.js";
import { Ipv6Addr } from "./ipv6.js";
import { Ipv6Prefix } from "./ipv6-prefix.js";

/**
 * Parses text of either family with the parser of its family: text with a `:` is IPv6 (`::ffff:1.2.3.4`
 * too), other text with a `.` is IPv4.
 *
 * @throws TypeError `invalid IP <noun> "<text>"` if it is neither, or the family parser's error.
 */
function parseEitherFamily<V4, V6>(
  noun: "address" | "prefix",
  text: string,
  parseIpv4: (text: string) => V4,
  parseIpv6: (text: string) => V6,
): V4 | V6 {
  if (text.includes(":")) return parseIpv6(text);
  if (text.includes(".")) return parseIpv4(text);
  throw invalidText(`IP ${noun}`, text, `expected an IPv4 or an IPv6 ${noun}`);
}

/**
 * An IPv4 or an IPv6 address; `version` tells which. Both members have `compare`, `equals` and
 * `toString`, which accept the other family too.
 *
 * @public
 */
export type Ipaddr = Ipv4Addr | Ipv6Addr;

/**
 * Functions over {@link (Ipaddr:type)} values of either family.
 *
 * @public
 */
export const Ipaddr = {
  /**
   * Parses an IPv4 dotted quad or any IPv6 text form: text with a `:` is read as IPv6 (so
   * `"::ffff:1.2.3.4"` stays an IPv6 address), other text as IPv4.
   *
   * @throws TypeError if `text` is neither.
   */
  parse(text: string): Ipaddr {
    return parseEitherFamily("address", text, Ipv4Addr.parse, Ipv6Addr.parse);
  },

  /** Orders addresses, every IPv4 address before every IPv6 one; fits `Array.prototype.sort`. */
  compare(a: Ipaddr, b: Ipaddr): number {
    return a.compare(b);
  },

  /** Whether `a` and `b` are the same address of the same family. */
  equals(a: Ipaddr, b: Ipaddr): boolean {
    return a.equals(b);
  },
} as const;

// What `value` is, for the error of checkIpaddr.
function described(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (value === null || typeof value !== "object") return String(value);
  return `an object whose version is ${String((value as { version?: unknown }).version)}, not 4 or 6`;
}

/**
 * Checks that `value`, given as `where` (`"createConnection: dst"`), is an address of either family. A
 * JavaScript caller can pass what TypeScript refuses, such as the text `"10.0.0.1"`, which a stack
 * dispatching on `version` would otherwise answer with `undefined` rather than an error. The check is
 * structural (a `version` of 4 or 6), so an address from another copy of this package passes.
 *
 * @throws TypeError naming `where` and the value and, for text, the call that makes an address of it
 * (`Ipv4Addr.parse("10.0.0.1")`).
 * @public
 */
export function checkIpaddr(value: unknown, where: string): void {
  const version = typeof value === "object" && value !== null ? (value as { version?: unknown }).version : undefined;
  if (version === 4 || version === 6) return;
  let fix = "";
  if (typeof value === "string") {
    const parser = value.includes(":") ? "Ipv6Addr" : value.includes(".") ? "Ipv4Addr" : "Ipaddr";
    fix = `: pass ${parser}.parse(${JSON.stringify(value)}) (from @mirage-ts/mirage-types)`;
  }
  throw new TypeError(`${where} must be an Ipv4Addr or an Ipv6Addr, got ${described(value)}${fix}`);
}

/**
 * An IPv4 or an IPv6 prefix; `version` tells which.
 *
 * @public
 */
export type Prefix = Ipv4Prefix | Ipv6Prefix;

/**
 * Functions over {@link (Prefix:type)} values of either family.
 *
 * @public
 */
export const Prefix = {
  /**
   * Parses `<address>/<length>` for either family: text with a `:` is read as an IPv6 prefix, other text
   * as an IPv4 prefix.
   *
   * @throws TypeError if `text` is neither.
   */
  parse(text: string): Prefix {
    return parseEitherFamily("prefix", text, Ipv4Prefix.parse, Ipv6Prefix.parse);
  },

  /** Orders prefixes by address then length, every IPv4 prefix first; fits `Array.prototype.sort`. */
  compare(a: Prefix, b: Prefix): number {
    return a.compare(b);
  },

  /** Whether `a` and `b` have the same address, length and family. */
  equals(a: Prefix, b: Prefix): boolean {
    return a.equals(b);
  },

  /**
   * Whether `address` is in `prefix`, across families as ocaml-ipaddr's `Prefix.mem`: an IPv4 address is
   * tested against an IPv6 prefix as its IPv4-mapped address, and an IPv4-mapped IPv6 address against an
   * IPv4 prefix as its IPv4 address.
   */
  mem(address: Ipaddr, prefix: Prefix): boolean {
    if (prefix.version === 4) {
      const ipv4 = address.version === 4 ? address : address.toIpv4();
      return ipv4 !== undefined && prefix.mem(ipv4);
    }
    return prefix.mem(address.version === 6 ? address : Ipv6Addr.fromIpv4(address));
  },
} as const;
