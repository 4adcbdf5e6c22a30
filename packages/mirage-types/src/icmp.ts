/**
 * `Icmp`: ICMP for one address family (`Icmpv4.S`).
 *
 * @packageDocumentation
 */

import type { Device } from "./device.js";
import type { IpError } from "./ip.js";
import type { Ipv4Addr } from "./ipv4.js";
import type { Result } from "./result.js";

/**
 * ICMP write errors: those of the IP layer below.
 *
 * @public
 */
export type IcmpError = IpError;

/**
 * Options of {@link Icmp.write}.
 *
 * @public
 */
export interface IcmpWriteOptions<A> {
  readonly src?: A;
  readonly ttl?: number;
}

/**
 * An ICMP layer for addresses `A`: answers echo requests and sends messages.
 *
 * @public
 */
export interface Icmp<A> extends Device {
  /** Handles a received ICMP message (the IP payload). Malformed messages are ignored. */
  input(src: A, dst: A, message: Uint8Array): Promise<void>;
  /** Sends an ICMP message (header included) to `dst`. */
  write(dst: A, message: Uint8Array, options?: IcmpWriteOptions<A>): Promise<Result<void, IcmpError>>;
}

/**
 * ICMP over IPv4.
 *
 * @public
 */
export type Icmpv4 = Icmp<Ipv4Addr>;
