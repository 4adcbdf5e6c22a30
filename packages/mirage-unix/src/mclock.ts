/**
 * `unixMClock`: the monotonic clock (`Mirage_mtime` for unix).
 *
 * @packageDocumentation
 */

import type { MClock } from "@mirage-ts/mirage-types";

const origin = process.hrtime.bigint();

/**
 * The monotonic clock of the unix platform: nanoseconds elapsed since this module was loaded (about
 * the start of the unikernel), read from `process.hrtime`, which never goes backwards.
 *
 * `periodNs` is 1 ns on Linux, where libuv reads `CLOCK_MONOTONIC` (nanosecond resolution with
 * high-resolution timers), and unknown elsewhere.
 *
 * @public
 */
export const unixMClock: MClock = Object.freeze({
  elapsedNs(): bigint {
    return process.hrtime.bigint() - origin;
  },
  periodNs(): bigint | undefined {
    return process.platform === "linux" ? 1n : undefined;
  },
});
