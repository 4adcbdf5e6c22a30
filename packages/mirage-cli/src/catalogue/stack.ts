/**
 * Network stacks (upstream `Mirage.direct_stackv4v6`, `socket_stackv4v6`, `generic_stackv4v6`):
 * the TypeScript stack of `@mirage-ts/tcpip` over a network interface, or the host's sockets.
 *
 * @packageDocumentation
 */

import { type Impl, type RuntimeArg, all, apply, fn, map, matchImpl, value } from "@mirage-ts/functoria";
import {
  directIpv6Args,
  directIpv6Options,
  ipv4Arg,
  ipv4GatewayArg,
  socketIpv6Args,
  socketIpv6Options,
} from "../internal/network-args.js";
import { platformImpl } from "../internal/platform.js";
import { netKey, noDhcpKey, target } from "../keys.js";
import { platformDevice } from "../targets.js";
import { defaultRandom, defaultTimers } from "./base.js";
import { directIcmpv4, icmpv4 } from "./icmp.js";
import { createIpv4v6, createIpv6, ipv4v6 } from "./ipv6.js";
import { tcpipDevice } from "./tcpip-device.js";
import { directTcp, directUdp } from "./transport.js";
import { arpv4, ethernet, ipv4, network, stackv4v6, tcp, udp } from "./types.js";

const directStack = tcpipDevice({
  name: "DirectStack",
  type: fn(network, fn(ethernet, fn(arpv4, fn(ipv4, fn(ipv4v6, fn(icmpv4, fn(udp, fn(tcp, stackv4v6)))))))),
  extraDeps: [defaultTimers, defaultRandom],
  connect: ({
    impl: cls,
    args: [net = "", e = "", a = "", ip = "", ip46 = "", icmp = "", u = "", t = "", c = "", r = ""],
  }) =>
    `${cls}.ofLayers({ netif: ${net}, ethernet: ${e}, arp: ${a}, ipv4: ${ip}, icmp: ${icmp}, udp: ${u}, tcp: ${t}, ` +
    `ipv6Only: !${ip46}.usesIpv4, ...(${ip46}.ipv6 === undefined ? {} : ` +
    `${cls}.ipv6Transports(${ip46}.ipv6, { clock: ${c}, random: ${r} })) })`,
});

/**
 * The TypeScript stack over `net`, composed from the given ethernet, ARP, IPv4 and IPv6 layers
 * (upstream `direct_stackv4v6 net eth arp ip4 ip6`, `Tcpip_stack_direct.MakeV4V6`, tcpip's
 * `DirectStack.ofLayers`): ICMP, UDP ({@link directUdp}) and TCP ({@link directTcp}) over the IPv4
 * layer, UDP and TCP over the IPv6 layer, the families joined by {@link createIpv4v6} (so
 * `--ipv4-only` and `--ipv6-only` apply).
 *
 * @remarks
 * The stack is what listens on `net`: it demultiplexes every frame to the layers (ethertype to ARP,
 * IPv4 or IPv6, protocol to ICMP, UDP or TCP). With {@link ipv4OfDhcp} it takes the interface over
 * from the DHCP layer, which listened until its lease was bound. The IPv4 address is the IPv4
 * layer's (`--ipv4` for {@link createIpv4}); the IPv6 addresses are the IPv6 layer's (link-local,
 * `--ipv6`, SLAAC). Without `ip6`, {@link createIpv6} over `net` and `eth` is used.
 *
 * @public
 */
export function directStackv4v6(
  net: Impl<"network">,
  eth: Impl<"ethernet">,
  arpImpl: Impl<"arpv4">,
  ip: Impl<"ipv4">,
  ip6: Impl<"ipv6"> = createIpv6(net, eth),
): Impl<"stackv4v6"> {
  const dual = createIpv4v6(ip, ip6);
  return apply(directStack, net, eth, arpImpl, ip, dual, directIcmpv4(ip), directUdp(ip), directTcp(ip));
}

// tcpip's DirectStack composes Ethernet, ARP, IPv4, ICMP, UDP and TCP over the device itself:
// the devices below give it the interface, the timers and the generator, and the address.
const stackDeps = (clock: string, random: string): string => `clock: ${clock}, random: ${random}`;

/**
 * tcpip's `DirectStack.connect` over the interface, the timers and the generator, with the run-time
 * arguments `runtimeArgs`; `options` writes the rest of its options from their values.
 */
function directStackImpl(runtimeArgs: readonly RuntimeArg[], options: (values: readonly string[]) => string) {
  return tcpipDevice({
    name: "DirectStack",
    type: fn(network, stackv4v6),
    extraDeps: [defaultTimers, defaultRandom],
    runtimeArgs,
    connect: ({ impl: cls, args: [net = "", clock = "", random = "", ...values] }) =>
      `${cls}.connect({ netif: ${net}, ${stackDeps(clock, random)}, ${options(values)} })`,
  });
}

/** The direct stack whose IPv4 address comes from DHCP, with IPv6 from `--ipv6*` and SLAAC. */
function dhcpDirectStack(group: string | undefined) {
  return directStackImpl(directIpv6Args(group), (v6) => `dhcp: true${directIpv6Options(v6)}`);
}

/**
 * The direct stack with the static address `--ipv4` and gateway `--ipv4-gateway`, and IPv6 from
 * `--ipv6`, `--ipv6-gateway`, `--accept-router-advertisements` and SLAAC.
 */
function staticDirectStack(options: GenericStackOptions) {
  const runtimeArgs = [
    ipv4Arg(options.ipv4Network ?? "10.0.0.2/24", options.group),
    ipv4GatewayArg(options.ipv4Gateway, options.group),
    ...directIpv6Args(options.group),
  ];
  return directStackImpl(
    runtimeArgs,
    ([cidr = "", gateway = "", ...v6]) =>
      `ipv4: ${gateway} === undefined ? { cidr: ${cidr} } : { cidr: ${cidr}, gateway: ${gateway} }` +
      directIpv6Options(v6),
  );
}

/**
 * The host's socket stack (unix only), bound to `--ipv4` (default `0.0.0.0/0`, any address) and
 * `--ipv6`, honouring `--ipv4-only` and `--ipv6-only`.
 *
 * @public
 */
export function socketStackv4v6(options: { readonly group?: string } = {}): Impl<"stackv4v6"> {
  return platformImpl({
    name: "Socket_stack",
    type: stackv4v6,
    runtimeArgs: [ipv4Arg("0.0.0.0/0", options.group), ...socketIpv6Args(options.group)],
    connect: (t, importValue, [ip = "", ...v6]) =>
      platformDevice(
        t,
        "socketStack",
        "the socket stack",
        "configure with --net=direct (tcpip's own stack)",
      )(importValue, ip, socketIpv6Options(v6)),
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
 * socket stack; otherwise the TypeScript stack over `net` (tcpip's `DirectStack`) with DHCP, or
 * with the static address `--ipv4` and gateway `--ipv4-gateway` after `--no-dhcp`, except that a
 * unix target with `--no-dhcp` and no `--net` uses the socket stack.
 *
 * @public
 */
export function genericStackv4v6(net: Impl<"network">, options: GenericStackOptions = {}): Impl<"stackv4v6"> {
  const choice = map(
    all([value(target), value(netKey(options.group)), value(noDhcpKey(options.group))] as const),
    ([t, chosen, noDhcp]): StackChoice => {
      if (chosen === "socket") return "socket";
      if (!noDhcp) return "dhcp";
      return t === "unix" && chosen === undefined ? "socket" : "static";
    },
  );
  const socket = socketStackv4v6(options.group === undefined ? {} : { group: options.group });
  return matchImpl(
    choice,
    [
      ["socket", socket],
      ["dhcp", apply(dhcpDirectStack(options.group), net)],
    ],
    apply(staticDirectStack(options), net),
  );
}
