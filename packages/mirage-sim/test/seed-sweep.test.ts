/**
 * The seed-sweep helpers: a failing seed becomes a `SeedFailure` naming the seed and the replay
 * command, and the seeds come from the environment (a replay, a count, a first seed) with clear
 * errors for bad values. The sweep here drives a real world: a planted failure (a time drawn from a
 * host's seeded random device) breaks only some seeds, and the sweep finds the first one.
 */

import { describe, expect, it } from "vitest";
import { SeedFailure, SimWorld, seedsFromEnv, sweepSeeds, vitestReplay } from "../src/index.js";

describe("sweepSeeds", () => {
  it("reports the first failing seed with its replay command, and the sweep's figures", async () => {
    const ran: number[] = [];
    const run = async (seed: number) => {
      ran.push(seed);
      const world = new SimWorld({ seed });
      // A fault the seed decides: a host draws a "crash time"; seeds whose draw lands early fail.
      const host = await world.host("h", { ipv4: "10.0.0.1/24" });
      const crashAt = host.random.nextInt(1000);
      await world.run(500);
      if (crashAt < 100) throw new Error(`planted failure at ${crashAt} ms`);
      return { simulatedMs: world.now };
    };
    const replay = (seed: number) => vitestReplay(seed, { project: "mirage-sim", file: "test/x.test.ts", name: "a b" });
    const failure = await sweepSeeds({ seeds: seedsFromEnv({}, { count: 100 }), run, replay }).catch((e) => e);
    expect(failure).toBeInstanceOf(SeedFailure);
    const { seed } = failure as SeedFailure;
    expect(ran.at(-1)).toBe(seed);
    expect((failure as Error).message).toMatch(/^simulation failed for seed \d+: planted failure at \d+ ms\n/);
    expect((failure as Error).message).toContain(
      `  replay: SIM_SEED=${seed} pnpm vitest run --project mirage-sim test/x.test.ts -t "a b"`,
    );
    // The replay reproduces it, and the seeds before it pass.
    const before = ran.slice(0, -1);
    await expect(run(seed)).rejects.toThrow(`planted failure at ${/at (\d+) ms/.exec(failure.message)?.[1]} ms`);
    const passing = await sweepSeeds({ seeds: before, run, replay });
    expect(passing.runs).toBe(before.length);
    expect(passing.simulatedMs).toBeGreaterThanOrEqual(500 * before.length);
    expect(passing.speedUp).toBeGreaterThan(0);
  });

  it("reads seeds from the environment", () => {
    expect(seedsFromEnv({}, { count: 3 })).toEqual([1, 2, 3]);
    expect(seedsFromEnv({ SIM_SEEDS: "2", SIM_FIRST_SEED: "10" }, { count: 3 })).toEqual([10, 11]);
    expect(seedsFromEnv({ SIM_SEED: "77", SIM_SEEDS: "5" }, { count: 3 })).toEqual([77]);
    expect(() => seedsFromEnv({ SIM_SEEDS: "many" }, { count: 3 })).toThrow(
      'SIM_SEEDS="many": must be an integer from 0 to 4294967295',
    );
    expect(() => seedsFromEnv({ SIM_SEED: "0x10" }, { count: 3 })).toThrow('SIM_SEED="0x10": must be an integer');
    expect(seedsFromEnv({ SIM_SEED: "" }, { count: 2 })).toEqual([1, 2]);
  });

  it("leaves --project out of the replay of a project of one's own", () => {
    expect(vitestReplay(4, { file: "test/echo.test.ts", name: "echo" })).toBe(
      'SIM_SEED=4 pnpm vitest run test/echo.test.ts -t "echo"',
    );
  });

  it("refuses a sweep of no seed, which would pass having run nothing", () => {
    expect(() => seedsFromEnv({ SIM_SEEDS: "0" }, { count: 3 })).toThrow('SIM_SEEDS="0": must be at least 1');
  });
});
