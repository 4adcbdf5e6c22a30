/**
 * UDP and TCP of the TypeScript stack (upstream `Mirage.direct_udp`, `direct_tcp`), from
 * `@mirage-ts/tcpip`.
 *
 * @packageDocumentation
 */

import { type Impl, apply, fn, impl } from "@mirage-ts/functoria";
import { defaultRandom, defaultTimers } from "./base.js";
import { TCPIP } from "./ethernet.js";
import { ipv4, tcp, udp } from "./types.js";

const udpLayer = impl({
  module: "@mirage-ts/tcpip",
  name: "UdpLayer",
  type: fn(ipv4, udp),
  packages: [TCPIP],
  extraDeps: [defaultRandom],
  connect: ({ impl: cls, args: [ip = "", random = ""] }) => `new ${cls}(${ip}, { random: ${random} })`,
});

/**
 * UDP over an IPv4 layer.
 *
 * @remarks
 * Configure-only for now, as {@link ethif}.
 *
 * @public
 */
export function directUdp(ip: Impl<"ipv4">): Impl<"udp"> {
  return apply(udpLayer, ip);
}

const tcpLayer = impl({
  module: "@mirage-ts/tcpip",
  name: "TcpLayer",
  type: fn(ipv4, tcp),
  packages: [TCPIP],
  extraDeps: [defaultTimers, defaultRandom],
  connect: ({ impl: cls, args: [ip = "", clock = "", random = ""] }) => `new ${cls}({ ip: ${ip}, clock: ${clock}, random: ${random} })`,
});

/**
 * TCP over an IPv4 layer.
 *
 * @remarks
 * Configure-only for now, as {@link ethif}.
 *
 * @public
 */
export function directTcp(ip: Impl<"ipv4">): Impl<"tcp"> {
  return apply(tcpLayer, ip);
}
