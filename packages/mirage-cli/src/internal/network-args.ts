/**
 * References to the run-time network arguments (upstream `Mirage_runtime_network`): the generated
 * entry registers `--interface`, `--ipv4`, `--ipv4-gateway`, `--ipv6`, `--ipv6-gateway`,
 * `--accept-router-advertisements`, `--ipv4-only` and `--ipv6-only` (prefixed by a group,
 * `--g-ipv4`) from mirage-runtime, and passes their values to the devices.
 */

import { type Package, type RuntimeArg, runtimeArg } from "@mirage-ts/functoria";
import { groupName } from "@mirage-ts/mirage-runtime";

const RUNTIME = "@mirage-ts/mirage-runtime";

/**
 * The run-time argument that `module`'s `name(...first, { group })` builds, keyed `<group>_<key>`
 * (dashes as underscores); `packages` are what the entry then needs.
 */
export function groupedRuntimeArg(
  module: string,
  name: string,
  key: string,
  group: string | undefined,
  first: readonly string[] = [],
  packages?: readonly Package[],
): RuntimeArg {
  const options = group === undefined || group === "" ? [] : [`{ group: ${JSON.stringify(group)} }`];
  return runtimeArg({
    module,
    name,
    args: [...first, ...options],
    key: groupName(key, group).replaceAll("-", "_"),
    packages,
  });
}

function call(name: string, key: string, group: string | undefined, ...first: readonly string[]): RuntimeArg {
  return groupedRuntimeArg(RUNTIME, name, key, group, first);
}

/** `--interface=INTERFACE`: the network interface (`tap0`, `tap:tap0`, `udp:LOCAL,REMOTE` on unix). */
export function interfaceArg(defaultSpec: string, group: string | undefined): RuntimeArg {
  return call("interfaceArg", "interface", group, JSON.stringify(defaultSpec));
}

/** `--ipv4=PREFIX`: the IPv4 address and network (`10.0.0.2/24`). */
export function ipv4Arg(defaultPrefix: string, group: string | undefined): RuntimeArg {
  return call("ipv4Arg", "ipv4", group, JSON.stringify(defaultPrefix));
}

/** `--ipv4-gateway=IP`: the default gateway, none by default. */
export function ipv4GatewayArg(defaultGateway: string | undefined, group: string | undefined): RuntimeArg {
  return call(
    "ipv4GatewayArg",
    "ipv4-gateway",
    group,
    defaultGateway === undefined ? "undefined" : JSON.stringify(defaultGateway),
  );
}

/** `--ipv6=PREFIX`: a static IPv6 address and network (`2001:db8::2/64`), none by default. */
export function ipv6Arg(group: string | undefined): RuntimeArg {
  return call("ipv6Arg", "ipv6", group, "undefined");
}

/** `--ipv6-gateway=IP`: the IPv6 default router, none by default. */
export function ipv6GatewayArg(group: string | undefined): RuntimeArg {
  return call("ipv6GatewayArg", "ipv6-gateway", group, "undefined");
}

/** `--accept-router-advertisements=BOOL` (default true). */
export function acceptRouterAdvertisementsArg(group: string | undefined): RuntimeArg {
  return call("acceptRouterAdvertisementsArg", "accept-router-advertisements", group, "true");
}

/** `--ipv4-only=BOOL` (default false). */
export function ipv4OnlyArg(group: string | undefined): RuntimeArg {
  return call("ipv4OnlyArg", "ipv4-only", group, "false");
}

/** `--ipv6-only=BOOL` (default false). */
export function ipv6OnlyArg(group: string | undefined): RuntimeArg {
  return call("ipv6OnlyArg", "ipv6-only", group, "false");
}

/** The IPv6 and family arguments of a direct stack, in the order {@link directIpv6Options} reads them. */
export function directIpv6Args(group: string | undefined): RuntimeArg[] {
  return [
    ipv6Arg(group),
    ipv6GatewayArg(group),
    acceptRouterAdvertisementsArg(group),
    ipv4OnlyArg(group),
    ipv6OnlyArg(group),
  ];
}

/**
 * The `DirectStack.connect` option properties (source text starting with `, `) from the expressions
 * of {@link directIpv6Args}.
 */
export function directIpv6Options([
  ipv6 = "",
  gateway = "",
  acceptRa = "",
  ipv4Only = "",
  ipv6Only = "",
]: readonly string[]): string {
  return (
    `, ipv6: { addresses: ${ipv6} === undefined ? [] : [${ipv6}], ` +
    `...(${gateway} === undefined ? {} : { gateway: ${gateway} }), acceptRouterAdvertisements: ${acceptRa} }, ` +
    `ipv4Only: ${ipv4Only}, ipv6Only: ${ipv6Only}`
  );
}

/** The IPv6 and family arguments of the socket stack (no gateway or advertisements: the host's). */
export function socketIpv6Args(group: string | undefined): RuntimeArg[] {
  return [ipv6Arg(group), ipv4OnlyArg(group), ipv6OnlyArg(group)];
}

/** The `connectSocketStack` option properties from the expressions of {@link socketIpv6Args}. */
export function socketIpv6Options([ipv6 = "", ipv4Only = "", ipv6Only = ""]: readonly string[]): string {
  return `, ...(${ipv6} === undefined ? {} : { ipv6: ${ipv6} }), ipv4Only: ${ipv4Only}, ipv6Only: ${ipv6Only}`;
}
