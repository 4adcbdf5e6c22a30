/**
 * Time devices: `Sleep` (`Mirage_sleep`), the monotonic clock `MClock` (`Mirage_mtime`) and the wall
 * clock `PClock` (`Mirage_ptime`). Durations are nanoseconds as `bigint`, as Mirage's `int64`.
 *
 * @packageDocumentation
 */

/**
 * Sleeping for a duration.
 *
 * @public
 */
export interface Sleep {
  /** Resolves after at least `ns` nanoseconds (unsigned; negative values throw a `RangeError`). */
  sleepNs(ns: bigint): Promise<void>;
}

/**
 * A monotonic clock: elapsed time since an arbitrary origin, never going backwards.
 *
 * @public
 */
export interface MClock {
  /** Nanoseconds elapsed since the clock's origin (for example process start). */
  elapsedNs(): bigint;
  /** The clock's resolution in nanoseconds, when known. */
  periodNs(): bigint | undefined;
}

/**
 * A point in POSIX time as days since the epoch and picoseconds in the day (`Ptime.d_ps`).
 *
 * @public
 */
export interface DaysPs {
  /** Whole days since 1970-01-01 (may be negative). */
  readonly days: number;
  /** Picoseconds into the day, in `[0, 86_399_999_999_999_999]`. */
  readonly ps: bigint;
}

/**
 * The wall clock (POSIX time).
 *
 * @public
 */
export interface PClock {
  /** The current POSIX time as days and picoseconds. */
  nowDPs(): DaysPs;
  /** The current POSIX time as a `Date` (millisecond precision). */
  now(): Date;
  /** The clock's resolution, when known. */
  periodDPs(): DaysPs | undefined;
  /** The local time zone's offset from UTC in seconds, when known. */
  currentTzOffsetS(): number | undefined;
}
