/**
 * `sweepSchedules`: a seed sweep whose runs take a fault schedule drawn from the seed. On the first
 * failing seed it shrinks the schedule ({@link shrinkSchedule}) and fails with a
 * {@link ScheduleFailure} naming the seed, the minimal schedule and the one command replaying it
 * (`SIM_SCHEDULE='…' SIM_SEED=n …`); with `SIM_SCHEDULE` set, runs use that schedule instead of
 * drawing one.
 *
 * @packageDocumentation
 */

import { SeededRandom } from "@mirage-ts/tcpip";
import { SeedFailure, type SeedRun, type SeedSweepResult, sweepSeeds } from "../seed-sweep.js";
import { type FaultSchedule, formatSchedule, parseSchedule, shrinkSchedule } from "./fault-schedule.js";

/**
 * Options of {@link sweepSchedules}.
 *
 * @beta
 */
export interface ScheduleSweepOptions {
  /** The seeds to run, in order. */
  readonly seeds: readonly number[];
  /**
   * Draws a seed's fault schedule from a generator seeded from it (not the world's, so that the run
   * itself is the same with any schedule, which shrinking relies on).
   */
  readonly draw: (random: SeededRandom, seed: number) => FaultSchedule;
  /** Runs one seed with a schedule (`applySchedule(world, schedule)`); rejects on failure. */
  readonly run: (seed: number, schedule: FaultSchedule) => Promise<SeedRun>;
  /** The command that replays a seed with a schedule (its JSON, for `SIM_SCHEDULE`). */
  readonly replay: (seed: number, schedule: string) => string;
  /** The environment (`process.env`): `SIM_SCHEDULE` replaces every drawn schedule. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Whether a failure while shrinking is the original one (default: any failure). */
  readonly same?: (original: unknown, now: unknown) => boolean;
  /** The real time now in ms, for the figures. */
  readonly now?: () => number;
}

/**
 * A failing seed with its shrunk schedule.
 *
 * @beta
 */
export class ScheduleFailure extends SeedFailure {
  /** The minimal schedule that still fails. */
  readonly schedule: FaultSchedule;
  /** The schedule the seed drew. */
  readonly drawn: FaultSchedule;

  constructor(seed: number, replay: string, cause: unknown, schedule: FaultSchedule, drawn: FaultSchedule) {
    super(seed, replay, cause);
    this.name = "ScheduleFailure";
    this.schedule = schedule;
    this.drawn = drawn;
    const faults = schedule.map((f) => `\n    at ${f.atMs} ms: ${JSON.stringify(f.fault)}`).join("");
    this.message += `\n  minimal fault schedule (${schedule.length} of ${drawn.length} faults):${faults}`;
  }
}

/**
 * Runs every seed with its schedule; on the first failure shrinks the schedule and throws a
 * {@link ScheduleFailure}.
 *
 * @throws Error naming `SIM_SCHEDULE` when it is set and not a schedule; a `SimSetupError` as the run
 * threw it (a schedule naming a host the world lacks, from `applySchedule`), with no seed to replay.
 * @beta
 */
export async function sweepSchedules(options: ScheduleSweepOptions): Promise<SeedSweepResult> {
  const given = options.env?.["SIM_SCHEDULE"];
  const fixed = given === undefined || given === "" ? undefined : parseScheduleEnv(given);
  const scheduleOf = (seed: number) => fixed ?? options.draw(new SeededRandom((seed ^ 0x5ced) >>> 0), seed);
  try {
    return await sweepSeeds({
      seeds: options.seeds,
      run: (seed) => options.run(seed, scheduleOf(seed)),
      replay: (seed) => options.replay(seed, formatSchedule(scheduleOf(seed))),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  } catch (error) {
    if (!(error instanceof SeedFailure)) throw error;
    const { seed } = error;
    const drawn = scheduleOf(seed);
    const shrunk = await shrinkSchedule({
      schedule: drawn,
      failure: (schedule) =>
        options.run(seed, schedule).then(
          () => undefined,
          (e: unknown) => e ?? new Error("the run rejected with no reason"),
        ),
      ...(options.same === undefined ? {} : { same: options.same }),
    });
    const replay = options.replay(seed, formatSchedule(shrunk.schedule));
    throw new ScheduleFailure(seed, replay, shrunk.failure, shrunk.schedule, drawn);
  }
}

function parseScheduleEnv(text: string): FaultSchedule {
  try {
    return parseSchedule(text);
  } catch (error) {
    throw new Error(`SIM_SCHEDULE: ${error instanceof Error ? error.message : String(error)}`);
  }
}
