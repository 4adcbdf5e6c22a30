/**
 * References to the run-time network arguments (upstream `Mirage_runtime_network`): the generated
 * entry registers `--interface`, `--ipv4` and `--ipv4-gateway` (prefixed by a group, `--g-ipv4`)
 * from mirage-runtime, and passes their values to the devices.
 */

import { type RuntimeArg, runtimeArg } from "@mirage-ts/functoria";

const RUNTIME = "@mirage-ts/mirage-runtime";

function prefixed(group: string | undefined, name: string): string {
  return group === undefined || group === "" ? name : `${group}-${name}`;
}

function call(name: string, key: string, group: string | undefined, ...first: readonly string[]): RuntimeArg {
  const options = group === undefined || group === "" ? [] : [`{ group: ${JSON.stringify(group)} }`];
  return runtimeArg({
    module: RUNTIME,
    name,
    args: [...first, ...options],
    key: prefixed(group, key).replaceAll("-", "_"),
  });
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
