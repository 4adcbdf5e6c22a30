/**
 * A string key per IPv6 address for maps, cached per address object: the layers see the same
 * address objects on every packet of a flow, so a key is formatted once, not once per packet.
 *
 * @packageDocumentation
 */

import type { Ipv6Addr } from "@mirage-ts/mirage-types";

const keys = new WeakMap<Ipv6Addr, string>();

/** The key of `address` (its words in hex), equal for equal addresses. */
export function addressKey(address: Ipv6Addr): string {
  let key = keys.get(address);
  if (key === undefined) {
    key = address
      .toWords()
      .map((w) => w.toString(16))
      .join(":");
    keys.set(address, key);
  }
  return key;
}
