/**
 * `browserMClock`: the monotonic clock (`Mirage_mtime` for the browser).
 *
 * @packageDocumentation
 */

import type { MClock } from "@mirage-ts/mirage-types";

const origin = performance.now();

/**
 * The monotonic clock of a page: nanoseconds elapsed since this module was loaded, from
 * `performance.now()`, which never goes backwards. Browsers coarsen it (5 µs to 100 µs, more without
 * cross-origin isolation), so `periodNs` is unknown.
 *
 * @beta
 */
export const browserMClock: MClock = Object.freeze({
  elapsedNs(): bigint {
    return BigInt(Math.round((performance.now() - origin) * 1e6));
  },
  periodNs(): bigint | undefined {
    return undefined;
  },
});
