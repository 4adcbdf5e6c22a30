/**
 * The seed of a `-t sim` bundle comes from MIRAGE_SIM_SEED as text: a value that is not a seed is reported
 * like a bad argument (the variable, its value, the range; exit 64), not thrown at the entry's top level.
 * Each case loads a fresh copy of the platform, which holds one simulation per process.
 */

import { describe, expect, it, vi } from "vitest";

async function platform() {
  vi.resetModules();
  return import("../src/sim-platform.js");
}

describe("MIRAGE_SIM_SEED", () => {
  for (const text of ["abc", "-1", "1.5", "0x10", " 7", "4294967296"]) {
    it(`reports ${JSON.stringify(text)} with the variable's name and exits 64`, async () => {
      const { runSimulation, simSleep, startSimulation } = await platform();
      expect(startSimulation({ seed: text, print: () => {} })).toBeUndefined();
      const errors: string[] = [];
      const work = (async () => simSleep().sleepNs(1n))();
      expect(await runSimulation(work, (line) => void errors.push(line))).toBe(64);
      expect(errors).toEqual([
        `MIRAGE_SIM_SEED=${JSON.stringify(text)}: must be an integer from 0 to 4294967295 ` +
          "(the seed of the simulation; unset, it is 1)\n",
      ]);
    });
  }

  it("runs the seed it names, and 1 when it is unset or empty", async () => {
    for (const [text, seed] of [
      ["3", 3],
      ["4294967295", 4294967295],
      ["", 1],
      [undefined, 1],
    ] as const) {
      const { startSimulation } = await platform();
      expect(startSimulation({ seed: text, print: () => {} })?.seed).toBe(seed);
    }
  });

  it("still throws for a number that is not a seed (a program's error, not the user's)", async () => {
    const { startSimulation } = await platform();
    expect(() => startSimulation({ seed: Number.NaN, print: () => {} })).toThrow(RangeError);
  });
});
