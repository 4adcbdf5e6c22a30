/**
 * Network interfaces (upstream `Mirage.netif`, `default_network`). The run-time argument
 * `--interface` chooses the backend when the unikernel starts: on unix `tap0` or `tap:tap0` for a
 * tap device, `udp:LOCAL,REMOTE` for a UDP frame tunnel (to socat or QEMU), either followed by
 * `,queue=FRAMES` for the frames the host queues for the unikernel (4096 by default); in a page the
 * URL of a frame switch. A target that decides the interface itself (the simulation) has no `--interface`.
 *
 * @packageDocumentation
 */

import { type Impl, map, matchImpl, value } from "@mirage-ts/functoria";
import { interfaceArg } from "../internal/network-args.js";
import { platformImpl } from "../internal/platform.js";
import { target } from "../keys.js";
import { findTarget, platformDevice, targets } from "../targets.js";
import { network } from "./types.js";

// Whether the configured target reads `--interface` or decides the interface itself.
const interfaceChoice = map(value(target), (t) => (findTarget(t).networkInterface === false ? "target" : "key"));

// The interface of a target that has no `--interface` to read.
const chosenByTarget: Impl<"network"> = platformImpl({
  name: "Netif",
  type: network,
  connect: (t, importValue) => platformDevice(t, "netif", "netif")(importValue, ""),
});

/**
 * A network interface whose `--interface` (`--<group>-interface` with a group) defaults to
 * `name`; on a target that decides the interface itself (`-t sim`: the simulated host's), there is no
 * `--interface` and `name` is not used.
 *
 * @public
 */
export function netif(name: string, options: { readonly group?: string } = {}): Impl<"network"> {
  if (name === "") throw new TypeError("netif: the interface name cannot be empty");
  const fromKey = platformImpl({
    name: "Netif",
    type: network,
    runtimeArgs: [interfaceArg(name, options.group)],
    connect: (t, importValue, [spec = ""]) => platformDevice(t, "netif", "netif")(importValue, spec),
  });
  return matchImpl(interfaceChoice, [["target", chosenByTarget]], fromKey);
}

/**
 * The default network interface: `--interface` with the target's default, `tap0` on unix (upstream's
 * `default_network`), `ws://127.0.0.1:8090` (where `mirage-switch` listens) in a page, none on the sim
 * target, whose unikernel is on its simulated host's port.
 *
 * @public
 */
export const defaultNetwork: Impl<"network"> = matchImpl(
  value(target),
  Object.values(targets).flatMap((t) =>
    t.networkInterface === undefined || t.networkInterface === false
      ? []
      : [[t.name, netif(t.networkInterface.default)] as const],
  ),
  netif("tap0"),
);
