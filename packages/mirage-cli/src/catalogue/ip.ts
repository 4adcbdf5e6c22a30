/**
 * IPv4 of the TypeScript stack (upstream `Mirage.create_ipv4`, `ipv4_of_dhcp`), from
 * `@mirage-ts/tcpip`: configured statically by the run-time arguments `--ipv4` and
 * `--ipv4-gateway`, or by a DHCP client.
 *
 * @packageDocumentation
 */

import { type Impl, apply, fn } from "@mirage-ts/functoria";
import { ipv4Arg, ipv4GatewayArg } from "../internal/network-args.js";
import { defaultRandom, defaultTimers } from "./base.js";
import { tcpipDevice } from "./tcpip-device.js";
import { arpv4, ethernet, ipv4, network } from "./types.js";

/**
 * Options of {@link createIpv4}.
 *
 * @public
 */
export interface Ipv4Options {
  /** Prefixes the run-time arguments: `--<group>-ipv4`. */
  readonly group?: string;
  /** The default of `--ipv4` (default `10.0.0.2/24`, upstream's). */
  readonly network?: string;
  /** The default of `--ipv4-gateway` (default none). */
  readonly gateway?: string;
}

/**
 * IPv4 over ethernet and ARP (tcpip's `Ipv4Layer.connect`), with the address `--ipv4` and the
 * gateway `--ipv4-gateway`, announced with a gratuitous ARP when the layer connects.
 *
 * @remarks
 * Received datagrams reach the layer through the stack built over it ({@link directStackv4v6}).
 *
 * @public
 */
export function createIpv4(eth: Impl<"ethernet">, arpImpl: Impl<"arpv4">, options: Ipv4Options = {}): Impl<"ipv4"> {
  const layer = tcpipDevice({
    name: "Ipv4Layer",
    type: fn(ethernet, fn(arpv4, ipv4)),
    extraDeps: [defaultTimers, defaultRandom],
    runtimeArgs: [
      ipv4Arg(options.network ?? "10.0.0.2/24", options.group),
      ipv4GatewayArg(options.gateway, options.group),
    ],
    connect: ({ impl: cls, args: [e = "", a = "", clock = "", random = "", cidr = "", gateway = ""] }) =>
      `${cls}.connect(${e}, ${a}, { clock: ${clock}, random: ${random}, ` +
      `config: ${gateway} === undefined ? { cidr: ${cidr} } : { cidr: ${cidr}, gateway: ${gateway} } })`,
  });
  return apply(layer, eth, arpImpl);
}

const dhcpIpv4 = tcpipDevice({
  name: "DhcpIpv4Layer",
  type: fn(network, fn(ethernet, fn(arpv4, ipv4))),
  extraDeps: [defaultTimers, defaultRandom],
  connect: ({ impl: cls, args: [net = "", e = "", a = "", clock = "", random = ""] }) =>
    `${cls}.connect(${e}, ${a}, { netif: ${net}, clock: ${clock}, random: ${random} })`,
});

/**
 * IPv4 configured by DHCP on the interface (tcpip's `DhcpIpv4Layer`): connecting it waits for the
 * first lease, and the client keeps renewing it.
 *
 * @remarks
 * Until the stack built over it ({@link directStackv4v6}) exists, the layer listens on the
 * interface itself (ARP and DHCP only); the stack then takes the interface over and the DHCP
 * client moves to the stack's UDP layer.
 *
 * @public
 */
export function ipv4OfDhcp(net: Impl<"network">, eth: Impl<"ethernet">, arpImpl: Impl<"arpv4">): Impl<"ipv4"> {
  return apply(dhcpIpv4, net, eth, arpImpl);
}
