/**
 * `sweepSeeds`: runs a simulation for many seeds, one after the other, and on the first failure
 * throws an error naming the seed and the one command that replays it. `seedsFromEnv` reads the
 * seeds from the environment the caller passes (`process.env` in a test), so a failing seed is
 * replayed with `SIM_SEED=n` and a longer sweep asked for with `SIM_SEEDS=n`.
 *
 * @packageDocumentation
 */

import { type Result, err, ok } from "@mirage-ts/mirage-types";
import { SimSetupError } from "./setup-error.js";

/**
 * What one seed's run reports.
 *
 * @beta
 */
export interface SeedRun {
  /** The virtual time the run covered, in ms (for the speed-up figure). */
  readonly simulatedMs: number;
}

/**
 * Options of {@link sweepSeeds}.
 *
 * @beta
 */
export interface SeedSweepOptions {
  /** The seeds to run, in order. */
  readonly seeds: readonly number[];
  /** Runs the simulation of one seed; rejects on failure. */
  readonly run: (seed: number) => Promise<SeedRun>;
  /** The command that replays one seed, printed on failure. */
  readonly replay: (seed: number) => string;
  /** The real time now in ms (default `performance.now` or `Date.now`), for the figures only. */
  readonly now?: () => number;
}

/**
 * What a sweep measured.
 *
 * @beta
 */
export interface SeedSweepResult {
  /** Seeds run. */
  readonly runs: number;
  /** Real time taken, in ms. */
  readonly realMs: number;
  /** Virtual time covered by all runs, in ms. */
  readonly simulatedMs: number;
  /** `simulatedMs / realMs`: how much faster than real time the simulation ran. */
  readonly speedUp: number;
}

/**
 * A sweep's failure: the seed, the replay command and the run's error as the cause.
 *
 * @beta
 */
export class SeedFailure extends Error {
  /** The failing seed. */
  readonly seed: number;
  /** The command that replays it. */
  readonly replay: string;

  constructor(seed: number, replay: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`simulation failed for seed ${seed}: ${reason}\n  replay: ${replay}`, { cause });
    this.name = "SeedFailure";
    this.seed = seed;
    this.replay = replay;
  }
}

const host = globalThis as { performance?: { now(): number } };
const clock = (): number => host.performance?.now() ?? Date.now();

/**
 * Runs every seed; stops at the first failure with a {@link SeedFailure}.
 *
 * @throws SimSetupError as the run threw it: a mistake in the test's setup is no seed's failure.
 * @beta
 */
export async function sweepSeeds(options: SeedSweepOptions): Promise<SeedSweepResult> {
  const now = options.now ?? clock;
  const started = now();
  let simulatedMs = 0;
  for (const seed of options.seeds) {
    try {
      simulatedMs += (await options.run(seed)).simulatedMs;
    } catch (error) {
      if (error instanceof SimSetupError) throw error;
      throw new SeedFailure(seed, options.replay(seed), error);
    }
  }
  const realMs = now() - started;
  return { runs: options.seeds.length, realMs, simulatedMs, speedUp: simulatedMs / Math.max(realMs, 1e-3) };
}

/**
 * The value `text` of the environment variable `name` as a seed (a 32-bit unsigned integer, in decimal
 * digits), undefined when unset or empty; the error names the variable and quotes its value.
 */
export function readSeedVariable(name: string, text: string | undefined): Result<number | undefined, string> {
  if (text === undefined || text === "") return ok(undefined);
  const value = /^[0-9]{1,10}$/u.test(text) ? Number(text) : Number.NaN;
  if (!(value <= 0xffffffff)) return err(`${name}=${JSON.stringify(text)}: must be an integer from 0 to 4294967295`);
  return ok(value);
}

/**
 * The seeds to run: `[SIM_SEED]` when set (a replay), else `SIM_SEEDS` (or `count`) seeds from
 * `SIM_FIRST_SEED` (or `first`, default 1).
 *
 * @throws Error naming the variable when one is not a non-negative integer.
 * @beta
 */
export function seedsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  defaults: { readonly count: number; readonly first?: number },
): number[] {
  const read = (name: string): number | undefined => {
    const value = readSeedVariable(name, env[name]);
    if (!value.ok) throw new Error(value.error);
    return value.value;
  };
  const single = read("SIM_SEED");
  if (single !== undefined) return [single];
  const count = read("SIM_SEEDS") ?? defaults.count;
  // A sweep of no seed would pass having run nothing.
  if (count === 0) throw new Error('SIM_SEEDS="0": must be at least 1 (a sweep of no seed tests nothing)');
  const first = read("SIM_FIRST_SEED") ?? defaults.first ?? 1;
  return Array.from({ length: count }, (_, i) => (first + i) >>> 0);
}

/**
 * The replay command of a vitest test: `SIM_SEED=<seed> pnpm vitest run --project <p> <file> -t "<name>"`,
 * preceded by `SIM_SCHEDULE='<json>'` when a (shrunk) fault schedule is given; without a `project` (a
 * project of one's own, with no vitest workspace), `--project` is left out.
 *
 * @beta
 */
export function vitestReplay(
  seed: number,
  test: { readonly project?: string; readonly file: string; readonly name: string },
  schedule?: string,
): string {
  const scheduled = schedule === undefined ? "" : `SIM_SCHEDULE='${schedule.replaceAll("'", "'\\''")}' `;
  const project = test.project === undefined || test.project === "" ? "" : `--project ${test.project} `;
  return `${scheduled}SIM_SEED=${seed} pnpm vitest run ${project}${test.file} ` + `-t ${JSON.stringify(test.name)}`;
}
