/**
 * `SimHost`: one machine of a {@link SimWorld}: a port on the world's switch (its link carries the
 * host's impairments), a partition gate, an optional pcap of everything it sends and receives, an
 * optional disk, and — per boot — a {@link @mirage-ts/tcpip#DirectStack}, timers and a random
 * stream. A crash kills the boot (its timers, its frames, its disk requests in flight); a restart
 * boots again on the same port, address and disk, and runs the host's boot function again.
 *
 * @packageDocumentation
 */

import { type Block, type Ipv4Addr, type Ipv6Addr, type Network, concatBytes } from "@mirage-ts/mirage-types";
import {
  type DirectStack,
  type LinkImpairments,
  PcapNetwork,
  PcapWriter,
  SeededRandom,
  type VirtualClock,
  type VirtualNetif,
} from "@mirage-ts/tcpip";
import { type BlockKv, connectBlockKv } from "./disk/block-kv.js";
import type { SimDisk } from "./disk/sim-disk.js";
import { startBundle } from "./hosted.js";
import { IncarnationClock, fusedNetwork } from "./incarnation.js";
import { PartitionGate, gatedNetwork } from "./partition-gate.js";
import { SimConsole, SimMClock, SimPClock, SimSleep } from "./sim-devices.js";

/**
 * A unikernel run on a host: how its `start` ended, if it did.
 *
 * @beta
 */
export interface SimProcess {
  /** `running` until `start` resolves (`exited`), rejects (`crashed`) or its host crashes (`killed`). */
  readonly state: "running" | "exited" | "crashed" | "killed";
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
  /** The host's seed: its first boot's random stream, its later boots' and its disk's derive from it. */
  readonly seed: number;
  /** The host's switch port. */
  readonly netif: VirtualNetif;
  /** Wall-clock time of virtual time 0. */
  readonly epochMs: number;
  /** The host's wall-clock skew in ms. */
  readonly skewMs: number;
  /** Whether to record a pcap. */
  readonly capture: boolean;
  /** Bytes kept per captured frame. */
  readonly snaplen: number;
  /** The host's disk, if it has one. */
  readonly disk: SimDisk | undefined;
  /** Where console lines go. */
  readonly log: (source: string, message: string) => void;
  /** Told when a unikernel crashes. */
  readonly onCrash: (host: string, error: unknown) => void;
  /** Stops virtual time until the work settles (a bundle being imported). */
  readonly hold: (work: Promise<unknown>) => void;
  /** Makes a boot's stack on its device, timers and random stream; `undefined` for a host without one. */
  readonly connect:
    | ((device: Network, clock: IncarnationClock, random: SeededRandom) => Promise<DirectStack>)
    | undefined;
}

/**
 * What {@link SimHost.boot} runs at every boot: it receives the host, whose devices are then those
 * of the boot being started.
 *
 * @beta
 */
export type SimBootFunction = (host: SimHost) => Promise<void> | void;

interface Boot {
  readonly clock: IncarnationClock;
  readonly random: SeededRandom;
  readonly sleep: SimSleep;
  readonly netif: Network;
  readonly stack: DirectStack | undefined;
  readonly block: Block | undefined;
  readonly processes: { state: SimProcess["state"]; error: unknown }[];
  kv: Promise<BlockKv> | undefined;
}

/**
 * A simulated machine.
 *
 * @beta
 */
export class SimHost {
  /** The host's name, unique in its world. */
  readonly name: string;
  readonly #ipv4: Ipv4Addr | undefined;
  /** The host's IPv6 address, for a dual-stack host. */
  readonly ipv6: Ipv6Addr | undefined;
  /** Monotonic clock on virtual time. */
  readonly mclock: SimMClock;
  /** Wall clock on virtual time, with this host's skew (which survives restarts, as a hardware clock's). */
  readonly pclock: SimPClock;
  /** A console writing to the world's log under the host's name. */
  readonly console: SimConsole;
  /** The host's disk (kept across crashes), if it was created with one. */
  readonly disk: SimDisk | undefined;
  readonly #parts: SimHostParts;
  readonly #device: Network;
  readonly #gate: PartitionGate;
  readonly #pcap: Uint8Array[] | undefined;
  readonly #down = { count: 0 };
  #boot: Boot | undefined;
  #boots = 0;
  #bootFunction: SimBootFunction | undefined;

  /** @internal */
  constructor(parts: SimHostParts, ipv4: Ipv4Addr | undefined, ipv6?: Ipv6Addr) {
    this.name = parts.name;
    this.#ipv4 = ipv4;
    this.ipv6 = ipv6;
    this.mclock = new SimMClock(parts.clock);
    this.pclock = new SimPClock(parts.clock, parts.epochMs, parts.skewMs);
    this.console = new SimConsole((line) => parts.log(parts.name, line));
    this.disk = parts.disk;
    this.#parts = parts;
    this.#gate = new PartitionGate();
    const gated = gatedNetwork(parts.netif, this.#gate);
    if (!parts.capture) {
      this.#device = gated;
      return;
    }
    const chunks: Uint8Array[] = [];
    const writer = new PcapWriter({
      sink: (chunk) => chunks.push(chunk),
      clock: parts.clock,
      epochMs: parts.epochMs,
      snaplen: parts.snaplen,
    });
    // The capture holds what the stack sent and what reached it past the partitions.
    this.#device = new PcapNetwork(gated, writer);
    this.#pcap = chunks;
  }

  /** @internal Boots the host: a new stack and timers on the same port, address and disk. */
  async bootUp(): Promise<void> {
    if (this.#boot?.clock.alive === true) throw new Error(`host ${this.name} is up: crash it before restarting it`);
    const boot = this.#boots++;
    const clock = new IncarnationClock(this.#parts.clock);
    // Later boots draw from streams derived from the host's seed, so the first boot's draws do not
    // depend on whether the host will ever restart.
    const random = new SeededRandom(
      boot === 0 ? this.#parts.seed : (this.#parts.seed ^ Math.imul(boot, 0x9e3779b9)) >>> 0,
    );
    const netif = fusedNetwork(this.#device, clock, this.#down);
    const stack = await this.#parts.connect?.(netif, clock, random);
    this.#boot = {
      clock,
      random,
      sleep: new SimSleep(clock),
      netif,
      stack,
      block: this.disk?.attach(clock),
      processes: [],
      kv: undefined,
    };
    if (boot > 0) this.#parts.log("sim", `restart ${this.name} (boot ${boot})`);
    if (this.#bootFunction !== undefined) this.#run(this.#bootFunction, [this]);
  }

  /** @internal Kills the running boot: its timers, frames and disk requests stop; the disk applies its fault model. */
  kill(): void {
    const boot = this.#current();
    boot.clock.kill();
    for (const process of boot.processes) if (process.state === "running") process.state = "killed";
    this.disk?.crash();
    this.#parts.log("sim", `crash ${this.name}`);
  }

  /**
   * The host's IPv4 address: its static one, or the running boot's DHCP lease.
   *
   * @throws Error for a DHCP host that is down or holds no lease.
   */
  get ipv4(): Ipv4Addr {
    if (this.#ipv4 !== undefined) return this.#ipv4;
    const lease = this.#current().stack?.dhcpClient?.lease();
    if (lease === undefined) throw new Error(`host ${this.name} holds no DHCP lease`);
    return lease.cidr.address;
  }

  /** Whether the host is up (booted and not crashed). */
  get up(): boolean {
    return this.#boot?.clock.alive === true;
  }

  /** Boots so far (1 after creation, one more per restart). */
  get boots(): number {
    return this.#boots;
  }

  /** Frames a dead boot sent or would have received (while the host was down). */
  get downDropped(): number {
    return this.#down.count;
  }

  /**
   * The running boot's stack, to pass to a unikernel's `start` or to drive from a test.
   *
   * @throws Error for a host created with `stack: false`.
   */
  get stack(): DirectStack {
    const stack = this.#current().stack;
    if (stack === undefined) throw new Error(`host ${this.name} has no stack of its own (created with stack: false)`);
    return stack;
  }

  /** The running boot's network device (for a unikernel that makes its own stack). */
  get netif(): Network {
    return this.#current().netif;
  }

  /** The running boot's timers (tcpip's `Clock`); a crash cancels them. */
  get timers(): IncarnationClock {
    return this.#current().clock;
  }

  /** The running boot's random device (its own stream, drawn from the world's seed). */
  get random(): SeededRandom {
    return this.#current().random;
  }

  /** Sleep on virtual time, for the running boot (a crash cancels its sleeps). */
  get sleep(): SimSleep {
    return this.#current().sleep;
  }

  /**
   * The running boot's view of the host's disk as a `Block`.
   *
   * @throws Error when the host has no disk.
   */
  get block(): Block {
    const block = this.#current().block;
    if (block === undefined) throw new Error(`host ${this.name} has no disk; create it with { disk: {} }`);
    return block;
  }

  /**
   * The running boot's key-value store logged on the host's disk ({@link connectBlockKv}): it
   * replays the log once per boot and survives crashes.
   *
   * @throws Error when the host has no disk.
   */
  kv(): Promise<BlockKv> {
    const boot = this.#current();
    const block = this.block;
    boot.kv ??= connectBlockKv(block, { pclock: this.pclock });
    return boot.kv;
  }

  /** The host's MAC. */
  get mac(): ReturnType<Network["mac"]> {
    return this.#parts.netif.mac();
  }

  /** The host's partition gate: its `dropped` counts the frames partitions cut. */
  get gate(): PartitionGate {
    return this.#gate;
  }

  /** Replaces the impairments of the host's link (both directions). */
  setLink(link: LinkImpairments): void {
    this.#parts.netif.setLink(link);
  }

  /** The counters of the host's link: frames lost, duplicated, reordered… each way. */
  linkStats(): ReturnType<VirtualNetif["linkStats"]> {
    return this.#parts.netif.linkStats();
  }

  /**
   * The capture of the host's traffic as a libpcap file (every boot's).
   *
   * @throws Error when the world was created without `capture`.
   */
  pcap(): Uint8Array {
    if (this.#pcap === undefined) throw new Error(`host ${this.name}: no capture; create the world with capture: true`);
    return concatBytes(this.#pcap);
  }

  /**
   * Runs a unikernel on this host: calls its `start` (unchanged application code) with `devices`,
   * usually built from this host (`host.stack`, `host.sleep`…) and the test's own stores. A crash of
   * the unikernel is reported to the world, which fails the run at its next step; a crash of the
   * host ends it (`killed`), and it does not run again at restart: use {@link SimHost.boot} for that.
   */
  start<D extends unknown[]>(start: (...devices: D) => Promise<void> | void, ...devices: D): SimProcess {
    return this.#run(start, devices);
  }

  /**
   * Runs `boot` now and again after every restart, with the host (whose `stack`, `sleep`, `block`,
   * `kv()`… are then the new boot's): `host.boot((h) => App.start(h.stack, h.sleep))`.
   */
  boot(boot: SimBootFunction): SimProcess {
    this.#bootFunction = boot;
    return this.#run(boot, [this]);
  }

  /**
   * Runs a unikernel built by `mirage build -t sim` (from its own config.ts) on this host: `load(tag)`
   * imports a fresh instance of the bundle (its URL with `?` and the tag), `argv` are its
   * run-time arguments. Its devices are this boot's; its log lines go to the world's log. Resolves
   * when its work ends, rejects when it fails: `host.boot((h) => h.runBundle(load, argv))` runs it
   * at every boot and fails the run when it fails. Create the host with `stack: false` when the
   * unikernel makes its own stack on the network device.
   */
  runBundle(load: (tag: string) => Promise<unknown>, argv: readonly string[]): Promise<void> {
    return startBundle(this, load, argv, this.#parts.log, this.#parts.hold);
  }

  #run<D extends unknown[]>(start: (...devices: D) => Promise<void> | void, devices: D): SimProcess {
    const boot = this.#current();
    const process: { state: SimProcess["state"]; error: unknown } = { state: "running", error: undefined };
    boot.processes.push(process);
    Promise.resolve()
      .then(() => start(...devices))
      .then(
        () => {
          if (process.state === "running") process.state = "exited";
        },
        (error: unknown) => {
          if (process.state !== "running") return;
          process.state = "crashed";
          process.error = error;
          this.#parts.onCrash(this.name, error);
        },
      );
    return process;
  }

  #current(): Boot {
    const boot = this.#boot;
    if (boot === undefined || !boot.clock.alive) throw new Error(`host ${this.name} is down (crashed, not restarted)`);
    return boot;
  }
}
