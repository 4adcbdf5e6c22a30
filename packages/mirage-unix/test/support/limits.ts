/**
 * The time limits of mirage-unix's tests, in one place. Each one only stops a hung test: none is a
 * measure of speed. They are sized for a loaded 2-core machine, where a child Node process that
 * transpiles its fixture takes seconds to start, and scale with the work (processes run, bytes moved).
 */

/** A child process started from a fixture, until it exits or prints the line waited for. */
export const FIXTURE_MS = 120_000;

/** Waiting for a condition to hold: a link to appear or go, a process to get somewhere. */
export const WAIT_MS = 60_000;

/** A test that runs `count` fixtures one after another: their limits, and a minute for the rest. */
export function fixturesMs(count: number): number {
  return count * FIXTURE_MS + 60_000;
}

/** Moving `bytes` through loopback: a minute, plus a second for every MB. */
export function transferMs(bytes: number): number {
  return 60_000 + Math.ceil(bytes / 1_000_000) * 1000;
}

/** Compiling the native addon with node-gyp. */
export const COMPILE_MS = 300_000;

/** A test around one run of the install hook (which compiles the addon, or fails to). */
export const INSTALL_HOOK_TEST_MS = COMPILE_MS + 60_000;
