/**
 * UDP and TCP of the TypeScript stack (upstream `Mirage.direct_udp`, `direct_tcp`), from
 * `@mirage-ts/tcpip`.
 *
 * @packageDocumentation
 */

import { type Impl, apply, fn } from "@mirage-ts/functoria";
import { defaultRandom, defaultTimers } from "./base.js";
import { directIcmpv4, icmpv4 } from "./icmp.js";
import { tcpipDevice } from "./tcpip-device.js";
import { ipv4, tcp, udp } from "./types.js";

const udpLayer = tcpipDevice({
  name: "UdpLayer",
  type: fn(ipv4, fn(icmpv4, udp)),
  extraDeps: [defaultRandom],
  connect: ({ impl: cls, args: [ip = "", icmp = "", random = ""], importValue }) =>
    `new ${cls}(${ip}, { random: ${random}, ` +
    `onPortUnreachable: ${importValue("@mirage-ts/tcpip", "icmpPortUnreachable")}(${icmp}) })`,
});

/**
 * UDP over an IPv4 layer (tcpip's `UdpLayer`), answering datagrams for closed ports with ICMP port
 * unreachable.
 *
 * @remarks
 * The layer receives datagrams once a stack over the same IPv4 layer ({@link directStackv4v6})
 * listens on the interface: the stack demultiplexes the frames. Given to an application without
 * such a stack, it can send but receives nothing.
 *
 * @public
 */
export function directUdp(ip: Impl<"ipv4">): Impl<"udp"> {
  return apply(udpLayer, ip, directIcmpv4(ip));
}

const tcpLayer = tcpipDevice({
  name: "TcpLayer",
  type: fn(ipv4, tcp),
  extraDeps: [defaultTimers, defaultRandom],
  connect: ({ impl: cls, args: [ip = "", clock = "", random = ""] }) =>
    `new ${cls}({ ip: ${ip}, clock: ${clock}, random: ${random} })`,
});

/**
 * TCP over an IPv4 layer (tcpip's `TcpLayer`).
 *
 * @remarks
 * The layer receives segments once a stack over the same IPv4 layer ({@link directStackv4v6})
 * listens on the interface, as {@link directUdp}.
 *
 * @public
 */
export function directTcp(ip: Impl<"ipv4">): Impl<"tcp"> {
  return apply(tcpLayer, ip);
}
