/**
 * IPv6 of the TypeScript stack (upstream `Mirage.create_ipv6`, `create_ipv4v6`), from
 * `@mirage-ts/tcpip`: an IPv6 layer with Neighbour Discovery, SLAAC and MLD configured by the
 * run-time arguments `--ipv6`, `--ipv6-gateway` and `--accept-router-advertisements`, and the
 * dual-stack IP layer over it and an IPv4 layer, honouring `--ipv4-only` and `--ipv6-only`.
 *
 * @packageDocumentation
 */

import { type Impl, type Typ, apply, fn, typ } from "@mirage-ts/functoria";
import {
  acceptRouterAdvertisementsArg,
  ipv4OnlyArg,
  ipv6Arg,
  ipv6GatewayArg,
  ipv6OnlyArg,
} from "../internal/network-args.js";
import { defaultRandom, defaultTimers } from "./base.js";
import { tcpipDevice } from "./tcpip-device.js";
import { ethernet, ipv4, network } from "./types.js";

/**
 * An IPv6 layer (tcpip's `Ipv6Layer`, upstream `ipv6`).
 *
 * @beta
 */
export const ipv6: Typ<"ipv6"> = typ("ipv6");

/**
 * A dual-stack IP layer (tcpip's `DualIp`, upstream `ipv4v6`): `Ip` over IPv4 and IPv6 addresses.
 *
 * @beta
 */
export const ipv4v6: Typ<"ipv4v6"> = typ("ipv4v6");

/**
 * Options of {@link createIpv6} and {@link createIpv4v6}.
 *
 * @beta
 */
export interface Ipv6Options {
  /** Prefixes the run-time arguments: `--<group>-ipv6`, `--<group>-ipv4-only`. */
  readonly group?: string;
}

function ipv6Layer(group: string | undefined) {
  return tcpipDevice({
    name: "Ipv6Layer",
    type: fn(network, fn(ethernet, ipv6)),
    extraDeps: [defaultTimers, defaultRandom],
    runtimeArgs: [ipv6Arg(group), ipv6GatewayArg(group), acceptRouterAdvertisementsArg(group)],
    // The network device is an argument as upstream's `Ipv6.Make(N)(E)`; the layer reaches it
    // through the ethernet layer.
    connect: ({ impl: cls, args: [, e = "", clock = "", random = "", address = "", gateway = "", acceptRa = ""] }) =>
      `${cls}.connect(${e}, { clock: ${clock}, random: ${random}, config: { ` +
      `addresses: ${address} === undefined ? [] : [${address}], ` +
      `...(${gateway} === undefined ? {} : { gateway: ${gateway} }), acceptRouterAdvertisements: ${acceptRa} } })`,
  });
}

/**
 * IPv6 over `eth` (tcpip's `Ipv6Layer.connect`): a link-local address always, the static address
 * `--ipv6=ADDR/PREFIX` and default router `--ipv6-gateway` if given, and SLAAC addresses and
 * routers from router advertisements unless `--accept-router-advertisements=false`. Every address
 * goes through Duplicate Address Detection.
 *
 * @remarks
 * Received packets reach the layer through the stack built over it ({@link directStackv4v6}).
 *
 * @beta
 */
export function createIpv6(net: Impl<"network">, eth: Impl<"ethernet">, options: Ipv6Options = {}): Impl<"ipv6"> {
  return apply(ipv6Layer(options.group), net, eth);
}

// One device per group, so that the stack and an application given the same layers share it.
const dualIps = new Map<string | undefined, ReturnType<typeof makeDualIp>>();

function dualIp(group: string | undefined) {
  let device = dualIps.get(group);
  if (device === undefined) {
    device = makeDualIp(group);
    dualIps.set(group, device);
  }
  return device;
}

function makeDualIp(group: string | undefined) {
  return tcpipDevice({
    name: "DualIp",
    type: fn(ipv4, fn(ipv6, ipv4v6)),
    runtimeArgs: [ipv4OnlyArg(group), ipv6OnlyArg(group)],
    connect: ({ impl: cls, args: [ip4 = "", ip6 = "", ipv4Only = "", ipv6Only = ""] }) =>
      `${cls}.connect(${ip4}, ${ip6}, { ipv4Only: ${ipv4Only}, ipv6Only: ${ipv6Only} })`,
  });
}

/**
 * The dual-stack IP layer over `ip4` and `ip6` (upstream `create_ipv4v6`, tcpip's `DualIp.connect`):
 * writes go out on the destination's family; `--ipv4-only` disconnects the IPv6 layer and
 * `--ipv6-only` leaves IPv4 unused.
 *
 * @beta
 */
export function createIpv4v6(ip4: Impl<"ipv4">, ip6: Impl<"ipv6">, options: Ipv6Options = {}): Impl<"ipv4v6"> {
  return apply(dualIp(options.group), ip4, ip6);
}
