/**
 * IPv4 routing for a host with one static configuration: an address with its prefix, and an optional
 * default gateway. A destination is reached directly when it is on the prefix, through the gateway
 * otherwise; broadcast and multicast destinations map straight to link-layer addresses.
 *
 * @packageDocumentation
 */

import { type Ipv4Addr, type Ipv4Prefix, Macaddr, type Result, err, ok } from "@mirage-ts/mirage-types";

/**
 * A static IPv4 configuration.
 *
 * @public
 */
export interface Ipv4Config {
  /** Our address and the on-link prefix, for example `10.0.0.2/24`. */
  readonly cidr: Ipv4Prefix;
  /** The default gateway for off-link destinations; without one they are unreachable. */
  readonly gateway?: Ipv4Addr;
}

/**
 * Where to send a packet on the link: a MAC known without ARP, or the address to resolve.
 *
 * @public
 */
export type NextHop =
  | { readonly kind: "mac"; readonly mac: Macaddr }
  | { readonly kind: "resolve"; readonly ip: Ipv4Addr };

/**
 * The next hop towards `dst` under `config` (`undefined` while no address is configured, when only
 * broadcast and multicast can be sent).
 *
 * @returns the next hop, or the reason there is no route.
 * @public
 */
export function nextHop(config: Ipv4Config | undefined, dst: Ipv4Addr): Result<NextHop, string> {
  if (dst.isBroadcast()) return ok({ kind: "mac", mac: Macaddr.broadcast });
  if (dst.isMulticast()) return ok({ kind: "mac", mac: multicastMac(dst) });
  if (dst.isUnspecified() || dst.isLoopback()) return err(`${dst.toString()} is not a destination on a link`);
  if (config === undefined) return err("no IPv4 address is configured");
  const { cidr, gateway } = config;
  if (cidr.bits < 31 && dst.equals(cidr.broadcast())) return ok({ kind: "mac", mac: Macaddr.broadcast });
  if (cidr.mem(dst)) return ok({ kind: "resolve", ip: dst });
  if (gateway !== undefined) return ok({ kind: "resolve", ip: gateway });
  return err(`${dst.toString()} is off-link and no gateway is configured`);
}

/** The Ethernet group address of an IPv4 multicast address (RFC 1112 §6.4). */
function multicastMac(dst: Ipv4Addr): Macaddr {
  const low = dst.toNumber() & 0x7fffff;
  return Macaddr.fromBytes(Uint8Array.of(0x01, 0x00, 0x5e, low >>> 16, (low >>> 8) & 0xff, low & 0xff));
}
