import { logSource } from "@mirage-ts/mirage-runtime";
import type { MClock, PClock, Sleep } from "@mirage-ts/mirage-types";

const log = logSource("clock");

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** The time as Ptime's `pp_human`: `2026-11-21 13:00:00 +01:00` (`-00:00` for an unknown zone). */
function human(date: Date, tzOffsetS: number | undefined): string {
  const offset = tzOffsetS ?? 0;
  const local = new Date(date.getTime() + offset * 1000);
  const sign = tzOffsetS === undefined || offset < 0 ? "-" : "+";
  const minutes = Math.abs(offset) / 60;
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ` +
    `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
  );
}

export const SpeakingClock = {
  async start(pclock: PClock, mclock: MClock, sleep: Sleep): Promise<void> {
    for (;;) {
      log.app(`${mclock.elapsedNs()} nanoseconds have elapsed.`);
      log.app(`At the stroke, the time will be ${human(pclock.now(), pclock.currentTzOffsetS())} \x07 *BEEP*`);
      await sleep.sleepNs(1_000_000_000n);
    }
  },
};
