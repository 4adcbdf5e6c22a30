/**
 * `DhcpLease`: what a DHCP ACK grants, and the {@link Ipv4Config} it implies.
 *
 * @packageDocumentation
 */

import type { Ipv4Addr, Ipv4Prefix } from "@mirage-ts/mirage-types";
import type { Ipv4Config } from "../ipv4/routing.js";

/**
 * A lease granted by a DHCP server.
 *
 * @public
 */
export interface DhcpLease {
  /** The leased address with the subnet mask's prefix length. */
  readonly cidr: Ipv4Prefix;
  /** The first router the server gave, the default gateway. */
  readonly gateway?: Ipv4Addr;
  /** The DNS servers, in the server's order. */
  readonly dnsServers: readonly Ipv4Addr[];
  /** The domain name (option 15), when given. */
  readonly domainName?: string;
  /**
   * The interface MTU (option 26), when given and at least 68. It is reported only: neither the
   * client nor the stack changes the device's or the IPv4 layer's MTU, which the device sets.
   */
  readonly mtu?: number;
  /** The server that granted the lease (its server identifier). */
  readonly server: Ipv4Addr;
  /** The lease duration in seconds; `Infinity` for an infinite lease. */
  readonly leaseTimeS: number;
  /** T1: when to start renewing with the server, in seconds after the lease was granted. */
  readonly renewalTimeS: number;
  /** T2: when to start rebinding with any server, in seconds after the lease was granted. */
  readonly rebindingTimeS: number;
  /** When the lease was granted, in ms on the client's clock. */
  readonly grantedAtMs: number;
  /** Every option of the ACK, by code. */
  readonly options: ReadonlyMap<number, Uint8Array>;
}

/**
 * The IPv4 configuration a lease implies.
 *
 * @public
 */
export function leaseConfig(lease: DhcpLease): Ipv4Config {
  return lease.gateway === undefined ? { cidr: lease.cidr } : { cidr: lease.cidr, gateway: lease.gateway };
}
