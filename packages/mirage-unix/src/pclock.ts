/**
 * `unixPClock`: the wall clock (`Mirage_ptime` for unix).
 *
 * @packageDocumentation
 */

import { datePClock } from "@mirage-ts/mirage-runtime";
import type { PClock } from "@mirage-ts/mirage-types";

/**
 * The wall clock of the unix platform: POSIX time from `Date.now()`, so with millisecond resolution
 * (`periodDPs` is 1 ms), and the local time zone of the process (`TZ`). It is mirage-runtime's
 * `datePClock`.
 *
 * @public
 */
export const unixPClock: PClock = datePClock;
