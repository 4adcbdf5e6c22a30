/**
 * `SimWorld`: a simulated network of hosts, driven by one seed. Every host sits on one
 * {@link @mirage-ts/tcpip#VirtualSwitch} port whose link applies its impairments (loss, delay and
 * jitter, reordering, duplication, corruption, bandwidth); every timer of every host is on one
 * {@link @mirage-ts/tcpip#VirtualClock}, which jumps to the next event when nothing else can run;
 * every random draw (fault decisions, MACs, TCP sequence numbers, ports) comes from generators
 * seeded from the world's seed, host by host in creation order. So the same seed and the same code
 * give the same frames at the same virtual times, byte for byte.
 *
 * @packageDocumentation
 */

import { type LogEvent, setReporter } from "@mirage-ts/mirage-runtime";
import { Ipv4Addr, Ipv4Prefix, Ipv6Prefix } from "@mirage-ts/mirage-types";
import {
  DirectStack,
  type LinkImpairments,
  SeededRandom,
  type TcpConfig,
  VirtualClock,
  VirtualSwitch,
  decodeDhcpMessage,
  encodeDhcpMessage,
} from "@mirage-ts/tcpip";
import { type SimDhcpOptions, SimDhcpServer } from "./dhcp-server.js";
import { SimDisk, type SimDiskOptions } from "./disk/sim-disk.js";
import { settle } from "./settle.js";
import { SimHost, type SimHostParts } from "./sim-host.js";

/**
 * Options of a {@link SimWorld}.
 *
 * @beta
 */
export interface SimWorldOptions {
  /** The seed deciding every random draw of the run (a 32-bit unsigned integer). */
  readonly seed: number;
  /** Record a pcap of every host's traffic (default `false`). */
  readonly capture?: boolean;
  /** Bytes kept of each captured frame (default 65535). */
  readonly snaplen?: number;
  /** Wall-clock time of virtual time 0, in ms since the Unix epoch (default 2026-01-01T00:00:00Z). */
  readonly epochMs?: number;
}

/**
 * Options of {@link SimWorld.host}.
 *
 * @beta
 */
export interface SimHostOptions {
  /**
   * The host's IPv4 address and prefix, such as `"10.0.0.2/24"`, or `"dhcp"` for a lease from a
   * {@link SimWorld.dhcpServer} (the host is ready once the lease is bound).
   */
  readonly ipv4: string;
  /**
   * An IPv6 address and prefix too, such as `"fd00::1/64"`: the host is then dual-stack (a link-local
   * address is always formed; duplicate address detection takes a second of virtual time).
   */
  readonly ipv6?: string;
  /** The impairments of the host's link to the switch, applied each way (default: a perfect link). */
  readonly link?: LinkImpairments;
  /** TCP settings of the host's stack. */
  readonly tcp?: TcpConfig;
  /** The link MTU (default 1500). */
  readonly mtu?: number;
  /** The host's wall-clock skew in ms (`pclock` reads the world's time plus this; default 0). */
  readonly skewMs?: number;
  /**
   * Give the host a stack of its own (`host.stack`, the default); `false` for a unikernel that makes
   * its own on `host.netif` (a bundle of the sim target).
   */
  readonly stack?: boolean;
  /** Give the host a disk that survives its crashes ({@link SimDisk}; `host.block`, `host.kv()`). */
  readonly disk?: SimDiskOptions;
}

/**
 * Options of {@link SimWorld.crash}.
 *
 * @beta
 */
export interface SimCrashOptions {
  /** Boot the host again this many ms of virtual time after the crash (default: stay down). */
  readonly restartAfterMs?: number;
}

/**
 * One line of the world's log: a unikernel's log message or console line, stamped with virtual time.
 *
 * @beta
 */
export interface SimLogLine {
  /** Virtual time in ms. */
  readonly atMs: number;
  /** The log source, or the host's name for console lines. */
  readonly source: string;
  /** The message. */
  readonly message: string;
}

/**
 * A simulated world of hosts.
 *
 * @beta
 */
export class SimWorld {
  /** The seed of the run. */
  readonly seed: number;
  /** The virtual clock of every host. */
  readonly clock: VirtualClock = new VirtualClock();
  /** A generator for the test's own draws (a fault schedule's times, sizes), seeded from the seed. */
  readonly random: SeededRandom;
  readonly #seeds: SeededRandom;
  readonly #switch: VirtualSwitch;
  readonly #hosts = new Map<string, SimHost>();
  readonly #capture: boolean;
  readonly #snaplen: number;
  readonly #epochMs: number;
  readonly #logs: SimLogLine[] = [];
  readonly #crashes: { host: string; error: unknown }[] = [];
  readonly #holds = new Set<Promise<unknown>>();
  #events = 0;

  /**
   * Creates the world and makes it the receiver of every mirage-runtime log message (the runtime's
   * reporter is one per process: the newest world gets the logs).
   *
   * @throws RangeError if the seed is not a 32-bit unsigned integer.
   */
  constructor(options: SimWorldOptions) {
    const { seed } = options;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`invalid simulation seed ${seed}: must be an integer from 0 to 4294967295`);
    }
    this.seed = seed;
    this.#seeds = new SeededRandom(seed);
    this.#switch = new VirtualSwitch({ clock: this.clock, random: new SeededRandom(this.#seeds.nextUint32()) });
    this.random = new SeededRandom(this.#seeds.nextUint32());
    this.#capture = options.capture ?? false;
    this.#snaplen = options.snaplen ?? 65535;
    this.#epochMs = options.epochMs ?? Date.UTC(2026, 0, 1);
    setReporter((event: LogEvent) => this.#log(event.source, event.message));
  }

  /** Virtual time now, in ms. */
  get now(): number {
    return this.clock.now();
  }

  /** Timer events fired so far. */
  get events(): number {
    return this.#events;
  }

  /** Every log message and console line so far, in order. */
  get logs(): readonly SimLogLine[] {
    return this.#logs;
  }

  /** The hosts, in creation order. */
  get hosts(): readonly SimHost[] {
    return [...this.#hosts.values()];
  }

  /**
   * Adds a host with a static IPv4 address and its stack, ready when the promise resolves.
   *
   * @throws Error if the name is taken or the address invalid.
   */
  async host(name: string, options: SimHostOptions): Promise<SimHost> {
    if (this.#hosts.has(name)) throw new Error(`simulated host ${JSON.stringify(name)} already exists`);
    const dhcp = options.ipv4 === "dhcp";
    const cidr = dhcp ? undefined : Ipv4Prefix.parse(options.ipv4);
    const cidr6 = options.ipv6 === undefined ? undefined : Ipv6Prefix.parse(options.ipv6);
    const skewMs = options.skewMs ?? 0;
    if (!Number.isFinite(skewMs)) throw new RangeError(`host ${name}: skewMs must be a finite number, got ${skewMs}`);
    const seed = this.#seeds.nextUint32();
    const netif = this.#switch.connect({
      ...(options.link === undefined ? {} : { link: options.link }),
      ...(options.mtu === undefined ? {} : { mtu: options.mtu }),
    });
    const tcp = options.tcp;
    const parts: SimHostParts = {
      name,
      clock: this.clock,
      seed,
      netif,
      epochMs: this.#epochMs,
      skewMs,
      capture: this.#capture,
      snaplen: this.#snaplen,
      // The disk's fault draws come from a stream of their own, derived from the host's seed.
      disk: options.disk === undefined ? undefined : new SimDisk(name, options.disk, new SeededRandom(~seed >>> 0)),
      log: (source, message) => this.#log(source, message),
      onCrash: (host, error) => this.#crashes.push({ host, error }),
      hold: (work) => this.hold(work),
      connect:
        options.stack === false
          ? undefined
          : (device, clock, random) =>
              DirectStack.connect({
                netif: device,
                clock,
                random,
                ...(cidr === undefined ? { dhcp: true } : { ipv4: { cidr } }),
                ...(cidr6 === undefined
                  ? { ipv4Only: true }
                  : { ipv6: { addresses: [cidr6], acceptRouterAdvertisements: false } }),
                ...(tcp === undefined ? {} : { tcp }),
              }),
    };
    const host = new SimHost(parts, cidr?.address, cidr6?.address);
    // Without a stack, booting needs no timer: it must not drive the clock (a platform device may
    // create a host while the simulation is being driven).
    await (options.stack === false ? host.bootUp() : this.runUntil(host.bootUp()));
    this.#hosts.set(name, host);
    return host;
  }

  /**
   * Runs a DHCP server ({@link SimDhcpServer}) on the host `name`, which has a static address: it
   * answers on UDP port 67 and broadcasts its replies. Hosts created afterwards with
   * `ipv4: "dhcp"` take their leases from it. The server is the host's boot function, so it comes
   * back (with its leases) when the host restarts.
   *
   * @throws Error if the host is unknown, has no stack, or the pool does not fit its subnet.
   */
  dhcpServer(name: string, options: SimDhcpOptions): SimDhcpServer {
    const host = this.get(name);
    const cidr = host.stack
      .ip()
      .configuredIps()
      .find((ip) => ip instanceof Ipv4Prefix);
    if (!(cidr instanceof Ipv4Prefix)) throw new Error(`dhcpServer: host ${name} has no static IPv4 address`);
    const server = new SimDhcpServer(cidr, options);
    host.boot((h) => {
      const udp = h.stack.udp();
      udp.listen(67, (_src, _dst, _port, payload) => {
        const request = decodeDhcpMessage(payload);
        const reply = request.ok ? server.handle(request.value, this.now) : undefined;
        if (reply !== undefined)
          return void udp.write(Ipv4Addr.broadcast, 68, encodeDhcpMessage(reply), { srcPort: 67 });
      });
    });
    return server;
  }

  /**
   * Crashes the host `name` at once, as a power cut: its unikernels stop where they are (their
   * timers, sleeps, connections and disk requests never complete), its frames stop, and its disk
   * applies the fault model to the writes in flight ({@link SimDisk}). Peers see nothing until they
   * time out, or until a restarted host answers their segments with resets.
   *
   * @throws Error if the host is unknown or already down.
   */
  crash(name: string, options: SimCrashOptions = {}): void {
    this.get(name).kill();
    const after = options.restartAfterMs;
    if (after === undefined) return;
    if (!(after >= 0)) throw new RangeError(`crash ${name}: restartAfterMs must be >= 0, got ${after}`);
    this.clock.setTimer(after, () => {
      this.restart(name).catch((error: unknown) => this.#crashes.push({ host: name, error }));
    });
  }

  /**
   * Boots a crashed host again: a new stack (same MAC and address), new timers and random stream,
   * the same disk; the function given to {@link SimHost.boot} runs again.
   *
   * @throws Error if the host is unknown or up.
   */
  async restart(name: string): Promise<SimHost> {
    const host = this.get(name);
    await host.bootUp();
    return host;
  }

  /** The host named `name`. @throws Error if there is none. */
  get(name: string): SimHost {
    const host = this.#hosts.get(name);
    if (host === undefined) {
      throw new Error(`no simulated host ${JSON.stringify(name)}; hosts: ${[...this.#hosts.keys()].join(", ")}`);
    }
    return host;
  }

  /**
   * Cuts `a` and `b` apart: frames between them are dropped (only those from `a` to `b` when
   * `oneWay`). Other hosts still reach both.
   */
  partition(a: string, b: string, options: { readonly oneWay?: boolean } = {}): void {
    const from = this.get(a);
    const to = this.get(b);
    to.gate.block(from.mac);
    if (options.oneWay !== true) from.gate.block(to.mac);
    this.#log("sim", `partition ${a} ${options.oneWay === true ? "->" : "<->"} ${b}`);
  }

  /** Heals the partition between `a` and `b`, or every partition when no host is named. */
  heal(a?: string, b?: string): void {
    if (a === undefined || b === undefined) {
      for (const host of this.#hosts.values()) host.gate.unblockAll();
      this.#log("sim", "heal all");
      return;
    }
    this.get(a).gate.unblock(this.get(b).mac);
    this.get(b).gate.unblock(this.get(a).mac);
    this.#log("sim", `heal ${a} <-> ${b}`);
  }

  /** Runs `action` at virtual time `atMs` (a fault schedule is a list of these). */
  at(atMs: number, action: (world: SimWorld) => void): void {
    if (!(atMs >= this.now)) throw new RangeError(`cannot schedule at ${atMs} ms: the world is at ${this.now} ms`);
    this.clock.setTimer(atMs - this.now, () => action(this));
  }

  /** Runs the world for `ms` of virtual time. @throws Error if a unikernel crashed. */
  async run(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await this.#settle();
      this.#checkCrashes();
      const due = this.clock.nextDue();
      if (due === undefined || due > end) break;
      this.#fireAt(due);
    }
    this.clock.advance(end - this.now);
    await this.#settle();
    this.#checkCrashes();
  }

  /**
   * Runs the world until `promise` settles and returns its value.
   *
   * @throws Error if a unikernel crashed, if nothing is left to happen, or after `maxMs` of virtual
   * time (default one hour).
   */
  async runUntil<T>(promise: Promise<T>, maxMs = 3_600_000): Promise<T> {
    let done = false;
    let failed = false;
    let value: T | undefined;
    let failure: unknown;
    promise.then(
      (v) => {
        done = true;
        value = v;
      },
      (e: unknown) => {
        done = failed = true;
        failure = e;
      },
    );
    const end = this.now + maxMs;
    for (;;) {
      await this.#settle();
      this.#checkCrashes();
      if (done) break;
      const due = this.clock.nextDue();
      if (due === undefined) throw new Error(`simulation (seed ${this.seed}) stalled at ${this.now} ms: nothing to do`);
      if (due > end) throw new Error(`simulation (seed ${this.seed}): not done after ${maxMs} ms of virtual time`);
      this.#fireAt(due);
    }
    if (failed) throw failure;
    return value as T;
  }

  /**
   * Stops virtual time until `work` settles: for work that waits on the real world (a bundle being
   * imported), so that it takes no virtual time whatever its real time.
   */
  hold(work: Promise<unknown>): void {
    const release = (): void => {
      this.#holds.delete(held);
    };
    const held: Promise<void> = work.then(release, release);
    this.#holds.add(held);
  }

  // Lets pending continuations run, and waits for held work, before time moves.
  async #settle(): Promise<void> {
    await settle();
    while (this.#holds.size > 0) {
      await Promise.all(this.#holds);
      await settle();
    }
  }

  // Timers due at the same instant fire together, then their promise chains settle.
  #fireAt(due: number): void {
    while (this.clock.nextDue() === due) {
      this.clock.step();
      this.#events++;
    }
  }

  #checkCrashes(): void {
    const crash = this.#crashes[0];
    if (crash === undefined) return;
    const cause = crash.error instanceof Error ? crash.error.message : String(crash.error);
    throw new Error(`unikernel on ${crash.host} crashed at ${this.now} ms (seed ${this.seed}): ${cause}`, {
      cause: crash.error,
    });
  }

  #log(source: string, message: string): void {
    this.#logs.push({ atMs: this.now, source, message });
  }
}
