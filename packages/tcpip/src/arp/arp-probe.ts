/**
 * The types of ARP address probing (RFC 5227 §2.1): checking that no other host uses an address
 * before taking it, as {@link ArpLayer.probe} does.
 *
 * @packageDocumentation
 */

import type { Ipv4Addr, Macaddr } from "@mirage-ts/mirage-types";

/**
 * Options of an address probe.
 *
 * @public
 */
export interface ArpProbeOptions {
  /** Probes sent (RFC 5227's PROBE_NUM; default 3). */
  readonly attempts?: number;
  /**
   * Delay between probes, and after the last one before the address is declared free, in ms
   * (default 1000, RFC 5227's PROBE_MIN).
   */
  readonly intervalMs?: number;
}

/**
 * How an address probe ended: `"free"` when nobody claimed the address; `{ conflict }` with the MAC
 * of a host that uses or probes it; `"cancelled"` when the probe was cancelled, the ARP layer
 * disconnected, or too many addresses were being resolved or probed to start it.
 *
 * @public
 */
export type ArpProbeResult = "free" | "cancelled" | { readonly conflict: Macaddr };

/**
 * What probes an address before it is taken: an {@link ArpLayer}, as a {@link DhcpClient} uses it.
 *
 * @public
 */
export interface ArpProber {
  /** Probes `ip` and resolves with the outcome (see {@link ArpLayer.probe}). */
  probe(ip: Ipv4Addr, options?: ArpProbeOptions): Promise<ArpProbeResult>;
  /** Ends the probe of `ip`, if any, with `"cancelled"`. */
  cancelProbe(ip: Ipv4Addr): void;
}
