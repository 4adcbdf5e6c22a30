/**
 * `icmpPortUnreachable`: the hook that makes a {@link UdpLayer} answer datagrams for closed ports
 * with ICMP port unreachable (RFC 1122 §4.1.3.1), shared by {@link Ipv4Stack.connect} and stacks
 * composed layer by layer.
 *
 * @packageDocumentation
 */

import type { Icmpv4Layer } from "../icmp/icmpv4-layer.js";
import { UnreachableCode } from "../icmp/icmpv4-message.js";

/**
 * The `onPortUnreachable` option of a {@link UdpLayer} that reports closed ports through `icmp`.
 *
 * @example
 * ```ts
 * const icmp = new Icmpv4Layer(ipv4, { clock });
 * const udp = new UdpLayer(ipv4, { random, onPortUnreachable: icmpPortUnreachable(icmp) });
 * ```
 *
 * @public
 */
export function icmpPortUnreachable(icmp: Icmpv4Layer): (datagram: Uint8Array) => Promise<void> {
  return (datagram) => icmp.sendUnreachable(UnreachableCode.port, datagram);
}
