/**
 * `browserPClock`: the wall clock (`Mirage_ptime` for the browser).
 *
 * @packageDocumentation
 */

import { datePClock } from "@mirage-ts/mirage-runtime";
import type { PClock } from "@mirage-ts/mirage-types";

/**
 * The wall clock of a page: POSIX time from `Date.now()`, so with millisecond resolution
 * (`periodDPs` is 1 ms), and the browser's time zone. It is mirage-runtime's `datePClock`.
 *
 * @beta
 */
export const browserPClock: PClock = datePClock;
