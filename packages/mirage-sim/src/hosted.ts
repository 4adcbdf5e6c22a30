/**
 * Running a unikernel built by `mirage build -t sim` on a host of a test's {@link SimWorld}. The
 * bundle carries its own copy of this package and of mirage-runtime, so the handover is through a
 * well-known global slot: {@link startBundle} puts the host and the run-time arguments there and
 * imports the bundle; the bundle's entry takes them at its first line (`startSimulation`) and its
 * devices become the host's (the running boot's network device, timers, random stream, disk…).
 * Each boot imports a fresh instance of the bundle (its `tag` differs), so restarts and several
 * hosts running the same bundle each get their own runtime.
 *
 * @packageDocumentation
 */

import type { Block, Console, KvRw, MClock, Network, PClock, Random, Sleep } from "@mirage-ts/mirage-types";
import type { Clock } from "@mirage-ts/tcpip";

/**
 * What a bundle needs of its host: the members of {@link SimHost} its devices come from.
 *
 * @beta
 */
export interface HostedDevices {
  readonly name: string;
  readonly netif: Network;
  readonly timers: Clock;
  readonly random: Random;
  readonly sleep: Sleep;
  readonly mclock: MClock;
  readonly pclock: PClock;
  readonly console: Console;
  readonly block: Block;
  kv(): Promise<KvRw>;
}

/**
 * The handover to a bundle's entry.
 *
 * @beta
 */
export interface HostedBoot {
  /** The host's devices. */
  readonly host: HostedDevices;
  /** The unikernel's run-time arguments. */
  readonly argv: readonly string[];
  /** Writes a line of the unikernel's log or output to the world's log. */
  readonly log: (source: string, line: string) => void;
  /** Told once when the unikernel's work ends: `undefined` when it ended well, else why. */
  readonly done: (failure: unknown) => void;
}

const SLOT = Symbol.for("@mirage-ts/mirage-sim/hosted-boot");
const slot = globalThis as { [SLOT]?: HostedBoot | undefined };
let queue: Promise<unknown> = Promise.resolve();
// Imports made so far: a tag is unique in the process, so every boot of every world gets a new instance.
let loads = 0;

/**
 * Takes the handover a test left for the bundle being imported, if any (the entry's first call).
 *
 * @beta
 */
export function takeHostedBoot(): HostedBoot | undefined {
  const boot = slot[SLOT];
  slot[SLOT] = undefined;
  return boot;
}

/**
 * Runs a bundle built by `mirage build -t sim` on `host`, from the bundle's own config.ts unchanged:
 * `load(tag)` imports a fresh instance of it (the bundle's URL with `?` and the tag) and `argv` are its run-time
 * arguments (`--ipv4 10.0.0.1/24`…). Resolves when the unikernel's work ends, rejects when it fails
 * (so in {@link SimHost.boot} a failure fails the run). Loads are one at a time, and `hold` stops
 * virtual time while one takes real time.
 *
 * @throws Error when the module loaded is not a sim bundle (it did not take the handover).
 * @beta
 */
export function startBundle(
  host: HostedDevices & { readonly boots: number },
  load: (tag: string) => Promise<unknown>,
  argv: readonly string[],
  log: (source: string, line: string) => void,
  hold: (work: Promise<unknown>) => void = () => {},
): Promise<void> {
  let settle: (failure: unknown) => void = () => {};
  const ended = new Promise<void>((resolve, reject) => {
    settle = (failure) => (failure === undefined ? resolve() : reject(failure));
  });
  const loading = queue.then(async () => {
    const handover: HostedBoot = { host, argv, log, done: (failure) => settle(failure) };
    slot[SLOT] = handover;
    let taken = false;
    try {
      await load(`${encodeURIComponent(host.name)}-boot-${host.boots}-${++loads}`);
    } finally {
      taken = slot[SLOT] !== handover;
      slot[SLOT] = undefined;
    }
    if (!taken) {
      throw new Error(
        `host ${host.name}: the module loaded is not a bundle of the sim target: build it with ` +
          "mirage configure -t sim and mirage build, and load dist/<name>.app.mjs (a bundle of another target " +
          "has already run as a program of that target)",
      );
    }
  });
  queue = loading.catch(() => undefined);
  hold(queue);
  return loading.then(() => ended);
}
