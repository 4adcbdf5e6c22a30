/**
 * `Stack`: a dual-stack TCP/IP stack (`Tcpip.Stack.V4V6`), what network unikernels are written against.
 *
 * @packageDocumentation
 */

import type { Device } from "./device.js";
import type { IpV4V6 } from "./ip.js";
import type { Ipaddr } from "./ipaddr.js";
import type { Tcp } from "./tcp.js";
import type { Udp } from "./udp.js";

/**
 * A TCP/IP stack over IPv4 and IPv6 addresses. The same application runs on the host's sockets or on
 * the pure TypeScript stack through it.
 *
 * @public
 */
export interface Stack extends Device {
  /** The UDP layer. */
  udp(): Udp<Ipaddr>;
  /** The TCP layer. */
  tcp(): Tcp<Ipaddr>;
  /** The IP layer. */
  ip(): IpV4V6;
  /** Resolves when the stack stops (it is disconnected); listeners are set on `tcp()` and `udp()`. */
  listen(): Promise<void>;
}
