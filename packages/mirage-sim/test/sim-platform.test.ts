/**
 * The platform of the `sim` target (mirage-cli's generated entry calls it; the end-to-end build is
 * in mirage-cli's sim-target test): one simulation per process, devices on its clock, and the exit
 * status `runSimulation` gives for each way a unikernel's work can end.
 */

import { ExitRequest, StartupError } from "@mirage-ts/mirage-runtime";
import { describe, expect, it } from "vitest";
import { connectSimConsole, runSimulation, simRandom, simSleep, startSimulation } from "../src/index.js";

describe("the sim target's platform", () => {
  const printed: string[] = [];
  const world = startSimulation({ seed: 9, print: (line) => printed.push(line) })!;

  it("runs work on virtual time and maps each ending to an exit status", async () => {
    const errors: string[] = [];
    const err = (text: string) => void errors.push(text);
    expect(() => startSimulation({ seed: 1, print: () => {} })).toThrow(/already running/);
    expect(await runSimulation(simSleep().sleepNs(3_600_000_000_000n), err)).toBe(0);
    expect(world.now).toBe(3_600_000);
    expect(await runSimulation(Promise.reject(new ExitRequest(63)), err)).toBe(63);
    expect(await runSimulation(new Promise(() => {}), err)).toBe(0);
    expect(errors.pop()).toBe("simulation ended at 3600000 ms (seed 9): nothing left to happen\n");
    expect(await runSimulation(simSleep().sleepNs(2n * 86_400_000_000_000n), err)).toBe(1);
    expect(errors.pop()).toMatch(/not done after 86400000 ms of virtual time/);
    expect(await runSimulation(Promise.reject(new Error("boom")), err)).toBe(255);
    expect(errors.pop()).toMatch(/^unikernel failed at \d+ ms \(seed 9\): Error: boom/);
    // A start-up error: its message alone, and its own status (64 for a refused argument).
    expect(await runSimulation(Promise.reject(new StartupError("bad --x", { exitCode: 64 })), err)).toBe(64);
    expect(errors.pop()).toMatch(/^unikernel failed at \d+ ms \(seed 9\): bad --x\n$/);
    expect(await runSimulation(Promise.reject(new StartupError("no file")), err)).toBe(255);
    await (await connectSimConsole()).log("on the console");
    expect(printed).toEqual(["on the console"]);
    expect(simRandom()).toBe(simRandom());
  });
});
