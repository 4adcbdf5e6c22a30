/**
 * The `sim` target's platform: what the entry that `mirage configure -t sim` generates imports. The
 * entry starts one simulation per process ({@link startSimulation}, with the seed from
 * `MIRAGE_SIM_SEED`), its devices are those of that simulation (virtual sleep and clocks, a seeded
 * random generator, a console), and {@link runSimulation} drives the virtual clock until the
 * unikernel's work settles: a program that sleeps an hour ends at once, and the same seed gives the
 * same output. Its network, block and key-value devices are those of one simulated host of that
 * world (with no peers, a server finds nothing to do and the run ends).
 *
 * Imported by a test through {@link SimHost.runBundle}, the entry finds the test's host instead
 * (`takeHostedBoot`): its devices, arguments and log are that host's, and the test's world drives
 * the time.
 *
 * @packageDocumentation
 */

import { ExitRequest, type Output, StartupError, exitStatuses } from "@mirage-ts/mirage-runtime";
import type { Block, Console, KvRw, MClock, Network, PClock, Random, Sleep } from "@mirage-ts/mirage-types";
import { type Clock, SeededRandom } from "@mirage-ts/tcpip";
import { type HostedBoot, type HostedDevices, takeHostedBoot } from "./hosted.js";
import { readSeedVariable } from "./seed-sweep.js";
import { SimConsole, SimMClock, SimPClock, SimSleep } from "./sim-devices.js";
import { SimWorld } from "./sim-world.js";

/**
 * Options of {@link startSimulation}.
 *
 * @beta
 */
export interface SimulationOptions {
  /**
   * The seed of the run; a string is the value of `MIRAGE_SIM_SEED` as the entry reads it (unset or empty:
   * 1), and one that is not a seed makes {@link runSimulation} report it, naming the variable, and return 64.
   */
  readonly seed: number | string | undefined;
  /** Writes one console line (the entry gives standard output). */
  readonly print: (line: string) => void;
  /** Virtual time after which the run stops with an error, in ms (default one day). */
  readonly timeLimitMs?: number;
}

interface Simulation {
  readonly world: SimWorld;
  readonly random: SeededRandom;
  readonly print: (line: string) => void;
  readonly timeLimitMs: number;
  host: Promise<HostedDevices> | undefined;
}

let current: Simulation | undefined;
let hosted: HostedBoot | undefined;
// A MIRAGE_SIM_SEED that is not a seed: reported by runSimulation, as a bad argument is, rather than thrown
// at the entry's top level with a stack trace.
let seedError: string | undefined;

function simulation(): Simulation {
  if (seedError !== undefined) throw new Error(seedError);
  if (current === undefined) throw new Error("no simulation is running: the entry must call startSimulation first");
  return current;
}

// The host whose devices the unikernel gets: the test's, or one of the process's world, made once.
function simHost(): Promise<HostedDevices> {
  if (hosted !== undefined) return Promise.resolve(hosted.host);
  const sim = simulation();
  sim.host ??= sim.world.host("unikernel", { ipv4: "10.0.0.2/24", stack: false, disk: {} });
  return sim.host;
}

/**
 * Starts the process's simulation; the `sim` target's entry calls it before any device is made.
 *
 * @throws Error if one is already started, RangeError if the seed is invalid.
 * @beta
 */
export function startSimulation(options: SimulationOptions): SimWorld | undefined {
  if (current !== undefined || hosted !== undefined || seedError !== undefined) {
    throw new Error("startSimulation: a simulation is already running in this process");
  }
  hosted = takeHostedBoot();
  if (hosted !== undefined) return undefined;
  let seed = 1;
  if (typeof options.seed === "number") seed = options.seed;
  else {
    const read = readSeedVariable("MIRAGE_SIM_SEED", options.seed);
    if (!read.ok) {
      seedError = `${read.error} (the seed of the simulation; unset, it is 1)`;
      return undefined;
    }
    seed = read.value ?? 1;
  }
  const world = new SimWorld({ seed });
  current = {
    world,
    random: new SeededRandom(world.random.nextUint32()),
    print: options.print,
    timeLimitMs: options.timeLimitMs ?? 86_400_000,
    host: undefined,
  };
  return world;
}

/** `Sleep` on the simulation's clock. @beta */
export function simSleep(): Sleep {
  return hosted?.host.sleep ?? new SimSleep(simulation().world.clock);
}

/** `MClock` on the simulation's clock. @beta */
export function simMClock(): MClock {
  return hosted?.host.mclock ?? new SimMClock(simulation().world.clock);
}

/** `PClock` on the simulation's clock, from 2026-01-01T00:00:00Z (the host's, with its skew, when hosted). @beta */
export function simPClock(): PClock {
  return hosted?.host.pclock ?? new SimPClock(simulation().world.clock, Date.UTC(2026, 0, 1));
}

/** The simulation's random generator, seeded from its seed (the host boot's, when hosted). @beta */
export function simRandom(): Random {
  return hosted?.host.random ?? simulation().random;
}

/** The simulation's clock, as tcpip's timers (the host boot's, when hosted). @beta */
export function simClock(): Clock {
  return hosted?.host.timers ?? simulation().world.clock;
}

/** A console printing through the simulation's `print` (the host's console, when hosted). @beta */
export function connectSimConsole(): Promise<Console> {
  return Promise.resolve(hosted?.host.console ?? new SimConsole(simulation().print));
}

/** The simulated host's network device (the sim target registers no `--interface`: there is one host). @beta */
export async function simNetif(_spec?: string): Promise<Network> {
  return (await simHost()).netif;
}

/** The simulated host's disk as a `Block` (every block device of the unikernel is that one disk). @beta */
export async function simBlock(_name?: string): Promise<Block> {
  return (await simHost()).block;
}

/** The key-value store logged on the simulated host's disk, which survives the host's crashes. @beta */
export async function simKvRw(_dir?: string): Promise<KvRw> {
  return (await simHost()).kv();
}

/** The unikernel's run-time arguments: `argv`, or the test's when hosted. @beta */
export function simArgv(argv: readonly string[]): readonly string[] {
  return hosted?.argv ?? argv;
}

/** The output of the runtime (help, errors): `output`, or the world's log when hosted. @beta */
export function simOutput(output: Output): Output {
  const boot = hosted;
  if (boot === undefined) return output;
  const write = (text: string) => {
    for (const line of text.replace(/\n$/, "").split("\n")) boot.log(boot.host.name, line);
  };
  return { out: write, err: write };
}

/** Where log lines go: `sink`, or the world's log under the host's name when hosted. @beta */
export function simLogSink(sink: (line: string) => void): (line: string) => void {
  const boot = hosted;
  return boot === undefined ? sink : (line) => boot.log(boot.host.name, line);
}

/**
 * The exit statuses of the `sim` target: the runtime's, and 1 when the run stops on its time limit.
 *
 * @beta
 */
export const simExitStatuses: typeof exitStatuses = Object.freeze([
  ...exitStatuses,
  { code: 1, doc: "when the simulation reaches its time limit before the unikernel ends." },
]);

/**
 * Drives the simulation until `work` settles and returns the exit status: 0 when it resolves or when
 * nothing is left to happen (a server with no peers), an `ExitRequest`'s code, 1 on the time limit,
 * 255 when it rejects (the error is written with `err`; a `StartupError` by its message, with its own
 * exit code if it has one).
 *
 * @beta
 */
export async function runSimulation(work: Promise<unknown>, err: (text: string) => void): Promise<number> {
  const boot = hosted;
  if (boot !== undefined) {
    // The test's world drives the time; the end is the host's to report, and the process's exit
    // code is not this unikernel's to set.
    work.then(
      () => boot.done(undefined),
      (error: unknown) =>
        boot.done(error instanceof ExitRequest && error.code === 0 ? undefined : (error ?? new Error("failed"))),
    );
    return new Promise<number>(() => {});
  }
  if (seedError !== undefined) {
    work.catch(() => undefined); // its devices failed for want of a simulation: the seed is the error
    err(`${seedError}\n`);
    return 64;
  }
  const { world, timeLimitMs } = simulation();
  let failure: unknown;
  let failed = false;
  const settled = work.then(
    () => undefined,
    (error: unknown) => {
      failed = true;
      failure = error;
    },
  );
  try {
    await world.runUntil(settled, timeLimitMs);
  } catch (error) {
    if (world.clock.nextDue() === undefined) {
      err(`simulation ended at ${Math.round(world.now)} ms (seed ${world.seed}): nothing left to happen\n`);
      return 0;
    }
    err(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (!failed) return 0;
  if (failure instanceof ExitRequest) return failure.code;
  // A StartupError's message names the problem and its fix: no stack, and its own status (64 for an argument).
  const startup = failure instanceof StartupError ? failure : undefined;
  const shown = failure instanceof Error ? (startup?.message ?? failure.stack) : String(failure);
  err(`unikernel failed at ${world.now} ms (seed ${world.seed}): ${shown}\n`);
  return startup?.exitCode ?? 255;
}
