/**
 * Network stacks (upstream `Mirage.direct_stackv4v6`, `socket_stackv4v6`, `generic_stackv4v6`):
 * the TypeScript stack of `@mirage-ts/tcpip` over a network interface, or the host's sockets.
 *
 * @packageDocumentation
 */

import { type Impl, all, apply, fn, impl, map, matchImpl, value } from "@mirage-ts/functoria";
import { ipv4Arg } from "../internal/network-args.js";
import { platformImpl } from "../internal/platform.js";
import { netKey, noDhcpKey, target } from "../keys.js";
import { platformDevice } from "../targets.js";
import { defaultTimers } from "./base.js";
import { TCPIP, arp, ethif } from "./ethernet.js";
import { createIpv4, ipv4OfDhcp } from "./ip.js";
import { directTcp, directUdp } from "./transport.js";
import { arpv4, ethernet, ipv4, network, stackv4v6, tcp, udp } from "./types.js";

const directStack = impl({
  module: "@mirage-ts/tcpip",
  name: "DirectStack",
  type: fn(network, fn(ethernet, fn(arpv4, fn(ipv4, fn(udp, fn(tcp, stackv4v6)))))),
  packages: [TCPIP],
  extraDeps: [defaultTimers],
  connect: ({ impl: cls, args: [net = "", e = "", a = "", ip = "", u = "", t = "", clock = ""] }) =>
    `${cls}.connect({ netif: ${net}, ethernet: ${e}, arp: ${a}, ipv4: ${ip}, udp: ${u}, tcp: ${t}, clock: ${clock} })`,
});

/**
 * The TypeScript stack over `net`, with the given ethernet, ARP and IP layers and UDP and TCP
 * over that IP layer.
 *
 * @public
 */
export function directStackv4v6(net: Impl<"network">, eth: Impl<"ethernet">, arpImpl: Impl<"arpv4">, ip: Impl<"ipv4">): Impl<"stackv4v6"> {
  return apply(directStack, net, eth, arpImpl, ip, directUdp(ip), directTcp(ip));
}

/**
 * The host's socket stack (unix only), bound to `--ipv4` (default `0.0.0.0/0`, any address).
 *
 * @public
 */
export function socketStackv4v6(options: { readonly group?: string } = {}): Impl<"stackv4v6"> {
  return platformImpl({
    name: "Socket_stack",
    type: stackv4v6,
    runtimeArgs: [ipv4Arg("0.0.0.0/0", options.group)],
    connect: (t, importValue, [ip = ""]) => platformDevice(t, "socketStack", "the socket stack")(importValue, ip),
  });
}

/**
 * Options of {@link genericStackv4v6}.
 *
 * @public
 */
export interface GenericStackOptions {
  /** Prefixes the keys (`--<group>-net`) and the run-time arguments (`--<group>-ipv4`). */
  readonly group?: string;
  /** The default of `--ipv4` for a static configuration. */
  readonly ipv4Network?: string;
  /** The default of `--ipv4-gateway` for a static configuration. */
  readonly ipv4Gateway?: string;
}

type StackChoice = "socket" | "dhcp" | "static";

/**
 * The stack chosen at configure time, as upstream: `--net=host` or `--net=socket` gives the
 * socket stack; otherwise the TypeScript stack over `net` with DHCP, or with the static address
 * `--ipv4` after `--no-dhcp`, except that a unix target with `--no-dhcp` and no `--net` uses the
 * socket stack.
 *
 * @public
 */
export function genericStackv4v6(net: Impl<"network">, options: GenericStackOptions = {}): Impl<"stackv4v6"> {
  const choice = map(all([value(target), value(netKey(options.group)), value(noDhcpKey(options.group))] as const), ([t, chosen, noDhcp]): StackChoice => {
    if (chosen === "socket") return "socket";
    if (!noDhcp) return "dhcp";
    return t === "unix" && chosen === undefined ? "socket" : "static";
  });
  const eth = ethif(net);
  const link = arp(eth);
  const ip = matchImpl(
    choice,
    [["dhcp", ipv4OfDhcp(net, eth, link)]],
    createIpv4(eth, link, {
      ...(options.group === undefined ? {} : { group: options.group }),
      ...(options.ipv4Network === undefined ? {} : { network: options.ipv4Network }),
      ...(options.ipv4Gateway === undefined ? {} : { gateway: options.ipv4Gateway }),
    }),
  );
  return matchImpl(choice, [["socket", socketStackv4v6(options.group === undefined ? {} : { group: options.group })]], directStackv4v6(net, eth, link, ip));
}
