/**
 * Network interfaces (upstream `Mirage.netif`, `default_network`). The run-time argument
 * `--interface` chooses the backend when the unikernel starts: on unix `tap0` or `tap:tap0` for a
 * tap device, `udp:LOCAL,REMOTE` for a UDP frame tunnel (to socat or QEMU), either followed by
 * `,queue=FRAMES` for the frames the host queues for the unikernel (4096 by default).
 *
 * @packageDocumentation
 */

import type { Impl } from "@mirage-ts/functoria";
import { interfaceArg } from "../internal/network-args.js";
import { platformImpl } from "../internal/platform.js";
import { platformDevice } from "../targets.js";
import { network } from "./types.js";

/**
 * A network interface whose `--interface` (`--<group>-interface` with a group) defaults to
 * `name`.
 *
 * @public
 */
export function netif(name: string, options: { readonly group?: string } = {}): Impl<"network"> {
  if (name === "") throw new TypeError("netif: the interface name cannot be empty");
  return platformImpl({
    name: "Netif",
    type: network,
    runtimeArgs: [interfaceArg(name, options.group)],
    connect: (t, importValue, [spec = ""]) => platformDevice(t, "netif", "netif")(importValue, spec),
  });
}

/**
 * The default network interface: `tap0` unless `--interface` says otherwise.
 *
 * @public
 */
export const defaultNetwork: Impl<"network"> = netif("tap0");
