/**
 * `SimHost`: one machine of a {@link SimWorld}: a port on the world's switch (its link carries the
 * host's impairments), a partition gate, an optional pcap of everything it sends and receives, a
 * {@link @mirage-ts/tcpip#DirectStack} on that device, and the time, random and console devices a
 * unikernel's `start` takes, all driven by the world's clock and seed.
 *
 * @packageDocumentation
 */

import type { Ipv4Addr, Network } from "@mirage-ts/mirage-types";
import {
  type DirectStack,
  type LinkImpairments,
  PcapNetwork,
  PcapWriter,
  type SeededRandom,
  type VirtualClock,
  type VirtualNetif,
} from "@mirage-ts/tcpip";
import { concat } from "./bytes.js";
import { PartitionGate, gatedNetwork } from "./partition-gate.js";
import { SimConsole, SimMClock, SimPClock, SimSleep } from "./sim-devices.js";

/**
 * A unikernel run on a host: how its `start` ended, if it did.
 *
 * @beta
 */
export interface SimProcess {
  /** `running` until `start` resolves (`exited`) or rejects (`crashed`, with the error). */
  readonly state: "running" | "exited" | "crashed";
  /** What `start` threw, when it crashed. */
  readonly error: unknown;
}

/**
 * What a host needs from its world when it is created (the world builds it).
 *
 * @beta
 */
export interface SimHostParts {
  /** The host's name. */
  readonly name: string;
  /** The world's clock. */
  readonly clock: VirtualClock;
  /** The host's own generator. */
  readonly random: SeededRandom;
  /** The host's switch port. */
  readonly netif: VirtualNetif;
  /** Wall-clock time of virtual time 0. */
  readonly epochMs: number;
  /** Whether to record a pcap. */
  readonly capture: boolean;
  /** Bytes kept per captured frame. */
  readonly snaplen: number;
  /** Where console lines go. */
  readonly log: (source: string, message: string) => void;
  /** Told when a unikernel crashes. */
  readonly onCrash: (host: string, error: unknown) => void;
}

/**
 * A simulated machine.
 *
 * @beta
 */
export class SimHost {
  /** The host's name, unique in its world. */
  readonly name: string;
  /** The host's IPv4 address. */
  readonly ipv4: Ipv4Addr;
  /** The host's stack, to pass to a unikernel's `start` or to drive from a test. */
  readonly stack: DirectStack;
  /** The host's random device (its own stream, drawn from the world's seed). */
  readonly random: SeededRandom;
  /** Monotonic clock on virtual time. */
  readonly mclock: SimMClock;
  /** Wall clock on virtual time, with this host's skew. */
  readonly pclock: SimPClock;
  /** Sleep on virtual time. */
  readonly sleep: SimSleep;
  /** A console writing to the world's log under the host's name. */
  readonly console: SimConsole;
  readonly #netif: VirtualNetif;
  readonly #gate: PartitionGate;
  readonly #pcap: Uint8Array[] | undefined;
  readonly #onCrash: (host: string, error: unknown) => void;
  readonly #processes: SimProcess[] = [];

  /** @internal */
  constructor(parts: SimHostParts, gate: PartitionGate, stack: DirectStack, ipv4: Ipv4Addr, pcap?: Uint8Array[]) {
    this.name = parts.name;
    this.ipv4 = ipv4;
    this.stack = stack;
    this.random = parts.random;
    this.mclock = new SimMClock(parts.clock);
    this.pclock = new SimPClock(parts.clock, parts.epochMs);
    this.sleep = new SimSleep(parts.clock);
    this.console = new SimConsole((line) => parts.log(parts.name, line));
    this.#netif = parts.netif;
    this.#gate = gate;
    this.#pcap = pcap;
    this.#onCrash = parts.onCrash;
  }

  /**
   * The device under the stack and its recorder: the switch port, then the gate, then the pcap
   * writer (so the capture holds what the stack sent and what reached it past the partitions).
   *
   * @internal
   */
  static device(parts: SimHostParts): { gate: PartitionGate; device: Network; pcap: Uint8Array[] | undefined } {
    const gate = new PartitionGate();
    const gated = gatedNetwork(parts.netif, gate);
    if (!parts.capture) return { gate, device: gated, pcap: undefined };
    const chunks: Uint8Array[] = [];
    const writer = new PcapWriter({
      sink: (chunk) => chunks.push(chunk),
      clock: parts.clock,
      epochMs: parts.epochMs,
      snaplen: parts.snaplen,
    });
    return { gate, device: new PcapNetwork(gated, writer), pcap: chunks };
  }

  /** The host's MAC. */
  get mac(): ReturnType<Network["mac"]> {
    return this.#netif.mac();
  }

  /** The host's partition gate: its `dropped` counts the frames partitions cut. */
  get gate(): PartitionGate {
    return this.#gate;
  }

  /** Replaces the impairments of the host's link (both directions). */
  setLink(link: LinkImpairments): void {
    this.#netif.setLink(link);
  }

  /** The counters of the host's link: frames lost, duplicated, reordered… each way. */
  linkStats(): ReturnType<VirtualNetif["linkStats"]> {
    return this.#netif.linkStats();
  }

  /**
   * The capture of the host's traffic as a libpcap file.
   *
   * @throws Error when the world was created without `capture`.
   */
  pcap(): Uint8Array {
    if (this.#pcap === undefined) throw new Error(`host ${this.name}: no capture; create the world with capture: true`);
    return concat(this.#pcap);
  }

  /**
   * Runs a unikernel on this host: calls its `start` (unchanged application code) with `devices`,
   * usually built from this host (`host.stack`, `host.sleep`…) and the test's own stores. A crash is
   * reported to the world, which fails the run at its next step.
   */
  start<D extends unknown[]>(start: (...devices: D) => Promise<void> | void, ...devices: D): SimProcess {
    const process: { state: SimProcess["state"]; error: unknown } = { state: "running", error: undefined };
    this.#processes.push(process);
    Promise.resolve()
      .then(() => start(...devices))
      .then(
        () => {
          process.state = "exited";
        },
        (error: unknown) => {
          process.state = "crashed";
          process.error = error;
          this.#onCrash(this.name, error);
        },
      );
    return process;
  }
}
