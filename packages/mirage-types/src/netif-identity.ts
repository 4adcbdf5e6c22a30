/**
 * `netifIdentity`: the MTU and MAC address a new network device takes from its options, checked and
 * defaulted alike on every platform.
 *
 * @packageDocumentation
 */

import { Macaddr } from "./macaddr.js";
import type { Random } from "./random.js";

/**
 * The identity options of a network device.
 *
 * @beta
 */
export interface NetifIdentityOptions {
  /** The device's MAC address; a random locally administered one by default. */
  readonly mac?: Macaddr | undefined;
  /** The MTU the device reports and accepts, from 68 to 65535; 1500 by default. */
  readonly mtu?: number | undefined;
}

/**
 * The MTU and MAC address of a new network device: `options.mtu` checked (1500 by default), and
 * `options.mac` or else a random locally administered address drawn from `random`.
 *
 * @throws RangeError `mtu must be an integer from 68 to 65535, got <mtu>`.
 * @beta
 */
export function netifIdentity(
  options: NetifIdentityOptions,
  random: Random,
): { readonly mtu: number; readonly mac: Macaddr } {
  const mtu = options.mtu ?? 1500;
  if (!Number.isSafeInteger(mtu) || mtu < 68 || mtu > 65535) {
    throw new RangeError(`mtu must be an integer from 68 to 65535, got ${String(mtu)}`);
  }
  return { mtu, mac: options.mac ?? Macaddr.makeLocal(random.generate(6)) };
}
