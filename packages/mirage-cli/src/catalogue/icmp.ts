/**
 * ICMPv4 of the TypeScript stack (upstream `Icmpv4.Make` in `direct_stackv4v6`), from
 * `@mirage-ts/tcpip`: not a device of its own in `config.ts`, but the layer that
 * {@link directUdp} reports closed ports to and {@link directStackv4v6} answers pings with. Built
 * once per IPv4 device, since applying it to the same device shares it.
 *
 * @packageDocumentation
 */

import { type Impl, apply, fn, typ } from "@mirage-ts/functoria";
import { clockedTcpipLayer } from "./tcpip-device.js";
import { ipv4 } from "./types.js";

/** An ICMPv4 layer (tcpip's `Icmpv4Layer`). */
export const icmpv4 = typ("icmpv4");

const icmpLayer = clockedTcpipLayer("Icmpv4Layer", fn(ipv4, icmpv4));

/** ICMPv4 over `ip`. */
export function directIcmpv4(ip: Impl<"ipv4">): Impl<"icmpv4"> {
  return apply(icmpLayer, ip);
}
