/**
 * `Arp`: IPv4-to-MAC address resolution (`Arp.S`).
 *
 * @packageDocumentation
 */

import type { Device } from "./device.js";
import { printError } from "./internal/error-text.js";
import type { Ipv4Addr } from "./ipv4.js";
import type { Macaddr } from "./macaddr.js";
import type { Result } from "./result.js";

/**
 * ARP errors: no reply came for a query.
 *
 * @public
 */
export type ArpError = { readonly kind: "timeout" };

/**
 * An ARP layer: answers for our addresses and resolves others.
 *
 * @public
 */
export interface Arp extends Device {
  /** The addresses we answer for. */
  getIps(): Ipv4Addr[];
  /** Replaces the addresses we answer for, announcing them (gratuitous ARP). */
  setIps(ips: readonly Ipv4Addr[]): Promise<void>;
  /** Adds an address we answer for, announcing it. */
  addIp(ip: Ipv4Addr): Promise<void>;
  /** Stops answering for an address. */
  removeIp(ip: Ipv4Addr): Promise<void>;
  /** Resolves `ip` to a MAC address, querying the network if it is not cached. */
  query(ip: Ipv4Addr): Promise<Result<Macaddr, ArpError>>;
  /** Handles a received ARP packet (the ethernet payload). */
  input(packet: Uint8Array): Promise<void>;
}

/**
 * Prints an ARP error with upstream's text.
 *
 * @public
 */
export function ppArpError(error: ArpError): string {
  return printError(error, { timeout: "could not determine a link-level address for the IP address given" });
}
