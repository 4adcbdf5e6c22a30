/**
 * The link layer of the TypeScript stack (upstream `Mirage.ethif` and `arp`), from
 * `@mirage-ts/tcpip`.
 *
 * @packageDocumentation
 */

import { type Impl, apply, fn } from "@mirage-ts/functoria";
import { clockedTcpipLayer, tcpipDevice } from "./tcpip-device.js";
import { arpv4, ethernet, network } from "./types.js";

const ethernetLayer = tcpipDevice({
  name: "EthernetLayer",
  type: fn(network, ethernet),
  connect: ({ impl: cls, args: [net = ""] }) => `new ${cls}(${net})`,
});

/**
 * Ethernet over a network interface (tcpip's `EthernetLayer`).
 *
 * @remarks
 * Received frames reach the layer through the stack built over it ({@link directStackv4v6}),
 * which is what listens on the interface.
 *
 * @public
 */
export function ethif(net: Impl<"network">): Impl<"ethernet"> {
  return apply(ethernetLayer, net);
}

const arpLayer = clockedTcpipLayer("ArpLayer", fn(ethernet, arpv4));

/**
 * ARP over an ethernet layer (tcpip's `ArpLayer`).
 *
 * @remarks
 * Received ARP packets reach the layer through the stack built over it ({@link directStackv4v6}),
 * or through {@link ipv4OfDhcp} until that stack exists.
 *
 * @public
 */
export function arp(eth: Impl<"ethernet">): Impl<"arpv4"> {
  return apply(arpLayer, eth);
}
