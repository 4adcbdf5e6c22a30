/**
 * `PartitionGate`: the filter that drops the frames a host receives from blocked peers, by source
 * MAC, and `gatedNetwork`, the host's device with the gate in front of its handler. One gate per
 * host gives pairwise and one-way partitions on a shared switch (the switch's links only cut a host
 * off from everyone).
 *
 * @packageDocumentation
 */

import { Macaddr, type Network } from "@mirage-ts/mirage-types";

/**
 * The set of peers a host does not hear, and the count of frames it dropped.
 *
 * @beta
 */
export class PartitionGate {
  readonly #blocked = new Set<string>();
  /** Frames dropped because their sender is blocked. */
  dropped = 0;

  /** Drops frames from `mac` until {@link PartitionGate.unblock}. */
  block(mac: Macaddr): void {
    this.#blocked.add(mac.toString());
  }

  /** Lets frames from `mac` through again. */
  unblock(mac: Macaddr): void {
    this.#blocked.delete(mac.toString());
  }

  /** Lets every frame through again. */
  unblockAll(): void {
    this.#blocked.clear();
  }

  /** Whether `frame` passes; counts it in `dropped` when not. */
  admit(frame: Uint8Array): boolean {
    if (this.#blocked.size === 0 || frame.length < 12 || !this.#blocked.has(Macaddr.read(frame, 6).toString())) {
      return true;
    }
    this.dropped++;
    return false;
  }
}

/** `netif` with `gate` deciding which received frames reach the handler; sending is unchanged. */
export function gatedNetwork(netif: Network, gate: PartitionGate): Network {
  return {
    write: (size, fill) => netif.write(size, fill),
    listen: (headerSize, handler) =>
      netif.listen(headerSize, (frame) => (gate.admit(frame) ? handler(frame) : undefined)),
    mac: () => netif.mac(),
    mtu: () => netif.mtu(),
    getStatsCounters: () => netif.getStatsCounters(),
    resetStatsCounters: () => netif.resetStatsCounters(),
    disconnect: () => netif.disconnect(),
  };
}
