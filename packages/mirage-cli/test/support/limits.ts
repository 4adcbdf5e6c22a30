// The time limits of mirage-cli's tests, in one place. Each one only stops a hung test: none is a
// measure of speed. A `mirage build` type-checks with the TypeScript compiler (seconds on a quiet
// machine, minutes on a loaded 2-core one running other builds beside it), so the limits are sized
// for that machine and scale with the work: the count of builds, the bytes moved.

/** One `mirage` command, one run of a built bundle, or one tool run in a namespace. */
export const COMMAND_MS = 300_000;

/** Waiting for a condition to hold: a unikernel to start and log, a tap to appear. */
export const WAIT_MS = 120_000;

/** A test or hook that runs `builds` `mirage build`s (each after its `mirage configure`), plus `moreMs`. */
export function buildsMs(builds: number, moreMs = 0): number {
  return builds * 300_000 + moreMs;
}

/** A test that runs no build: a unikernel built beforehand, started, talked to and stopped. */
export const RUN_TEST_MS = 300_000;

/**
 * Moving `bytes` through a link of the tests (a tunnel, a tap, a veth): two minutes, plus a second for every
 * 500 kB.
 */
export function transferMs(bytes: number): number {
  return 120_000 + Math.ceil(bytes / 500_000) * 1000;
}
