/**
 * `datePClock`: the wall clock every JavaScript host has, `Date`.
 *
 * @packageDocumentation
 */

import type { DaysPs, PClock } from "@mirage-ts/mirage-types";

const msPerDay = 86_400_000;
const psPerMs = 1_000_000_000n;

/**
 * The wall clock of a JavaScript host (`Mirage_ptime`): POSIX time from `Date.now()`, so with
 * millisecond resolution (`periodDPs` is 1 ms), and the host's local time zone. The unix platform's
 * `unixPClock` and the browser platform's `browserPClock` are this clock.
 *
 * @beta
 */
export const datePClock: PClock = Object.freeze({
  nowDPs(): DaysPs {
    const ms = Date.now();
    const days = Math.floor(ms / msPerDay);
    return { days, ps: BigInt(ms - days * msPerDay) * psPerMs };
  },
  now(): Date {
    return new Date();
  },
  periodDPs(): DaysPs {
    return { days: 0, ps: psPerMs };
  },
  currentTzOffsetS(): number {
    // getTimezoneOffset is minutes *behind* UTC; Ptime's offset is seconds ahead of UTC.
    return -new Date().getTimezoneOffset() * 60;
  },
});
