/**
 * ICMPv4 of the TypeScript stack (upstream `Icmpv4.Make` in `direct_stackv4v6`), from
 * `@mirage-ts/tcpip`: not a device of its own in `config.ts`, but the layer that
 * {@link directUdp} reports closed ports to and {@link directStackv4v6} answers pings with. Built
 * once per IPv4 device, since applying it to the same device shares it.
 *
 * @packageDocumentation
 */

import { type Impl, apply, fn, impl, typ } from "@mirage-ts/functoria";
import { defaultTimers } from "./base.js";
import { TCPIP } from "./ethernet.js";
import { ipv4 } from "./types.js";

/** An ICMPv4 layer (tcpip's `Icmpv4Layer`). */
export const icmpv4 = typ("icmpv4");

const icmpLayer = impl({
  module: "@mirage-ts/tcpip",
  name: "Icmpv4Layer",
  type: fn(ipv4, icmpv4),
  packages: [TCPIP],
  extraDeps: [defaultTimers],
  connect: ({ impl: cls, args: [ip = "", clock = ""] }) => `new ${cls}(${ip}, { clock: ${clock} })`,
});

/** ICMPv4 over `ip`. */
export function directIcmpv4(ip: Impl<"ipv4">): Impl<"icmpv4"> {
  return apply(icmpLayer, ip);
}
