/**
 * The `sim` target's platform: what the entry that `mirage configure -t sim` generates imports. The
 * entry starts one simulation per process ({@link startSimulation}, with the seed from
 * `MIRAGE_SIM_SEED`), its devices are those of that simulation (virtual sleep and clocks, a seeded
 * random generator, a console), and {@link runSimulation} drives the virtual clock until the
 * unikernel's work settles: a program that sleeps an hour ends at once, and the same seed gives the
 * same output. Network, block and key-value devices are not offered on this target yet (`configure`
 * says so); tests put networked unikernels on simulated hosts with {@link SimWorld}.
 *
 * @packageDocumentation
 */

import { ExitRequest, exitStatuses } from "@mirage-ts/mirage-runtime";
import { type Clock, SeededRandom } from "@mirage-ts/tcpip";
import { SimConsole, SimMClock, SimPClock, SimSleep } from "./sim-devices.js";
import { SimWorld } from "./sim-world.js";

/**
 * Options of {@link startSimulation}.
 *
 * @beta
 */
export interface SimulationOptions {
  /** The seed of the run. */
  readonly seed: number;
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
}

let current: Simulation | undefined;

function simulation(): Simulation {
  if (current === undefined) throw new Error("no simulation is running: the entry must call startSimulation first");
  return current;
}

/**
 * Starts the process's simulation; the `sim` target's entry calls it before any device is made.
 *
 * @throws Error if one is already started, RangeError if the seed is invalid.
 * @beta
 */
export function startSimulation(options: SimulationOptions): SimWorld {
  if (current !== undefined) throw new Error("startSimulation: a simulation is already running in this process");
  const world = new SimWorld({ seed: options.seed });
  current = {
    world,
    random: new SeededRandom(world.random.nextUint32()),
    print: options.print,
    timeLimitMs: options.timeLimitMs ?? 86_400_000,
  };
  return world;
}

/** `Sleep` on the simulation's clock. @beta */
export function simSleep(): SimSleep {
  return new SimSleep(simulation().world.clock);
}

/** `MClock` on the simulation's clock. @beta */
export function simMClock(): SimMClock {
  return new SimMClock(simulation().world.clock);
}

/** `PClock` on the simulation's clock, from 2026-01-01T00:00:00Z. @beta */
export function simPClock(): SimPClock {
  return new SimPClock(simulation().world.clock, Date.UTC(2026, 0, 1));
}

/** The simulation's random generator, seeded from its seed. @beta */
export function simRandom(): SeededRandom {
  return simulation().random;
}

/** The simulation's clock, as tcpip's timers. @beta */
export function simClock(): Clock {
  return simulation().world.clock;
}

/** A console printing through the simulation's `print`. @beta */
export function connectSimConsole(): Promise<SimConsole> {
  return Promise.resolve(new SimConsole(simulation().print));
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
 * 255 when it rejects (the error is written with `err`).
 *
 * @beta
 */
export async function runSimulation(work: Promise<unknown>, err: (text: string) => void): Promise<number> {
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
      err(`simulation ended at ${world.now} ms (seed ${world.seed}): nothing left to happen\n`);
      return 0;
    }
    err(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (!failed) return 0;
  if (failure instanceof ExitRequest) return failure.code;
  const shown = failure instanceof Error ? failure.stack : String(failure);
  err(`unikernel failed at ${world.now} ms (seed ${world.seed}): ${shown}\n`);
  return 255;
}
