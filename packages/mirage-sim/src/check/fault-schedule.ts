/**
 * Fault schedules as data: a list of faults at virtual times that a world applies
 * ({@link applySchedule}), prints, parses back (`SIM_SCHEDULE`), and shrinks: when a seed fails,
 * {@link shrinkSchedule} drops faults one at a time while the failure reproduces, so the report
 * names the few faults that matter.
 *
 * @packageDocumentation
 */

import type { LinkImpairments } from "@mirage-ts/tcpip";
import { SimSetupError } from "../setup-error.js";
import type { SimWorld } from "../sim-world.js";

/**
 * One fault. A partition with `forMs` heals itself (that pair) after that long.
 *
 * @beta
 */
export type SimFault =
  | {
      readonly kind: "partition";
      readonly a: string;
      readonly b: string;
      readonly oneWay?: boolean;
      readonly forMs?: number;
    }
  | { readonly kind: "heal"; readonly a?: string; readonly b?: string }
  | { readonly kind: "crash"; readonly host: string; readonly restartAfterMs?: number }
  | { readonly kind: "link"; readonly host: string; readonly link: LinkImpairments };

/**
 * A fault at a virtual time (ms).
 *
 * @beta
 */
export interface ScheduledFault {
  readonly atMs: number;
  readonly fault: SimFault;
}

/**
 * A list of faults at virtual times.
 *
 * @beta
 */
export type FaultSchedule = readonly ScheduledFault[];

/**
 * Schedules every fault of `schedule` on `world` (times are absolute virtual times), once every entry
 * is checked against the world as it is: make its hosts first.
 *
 * @throws SimSetupError, scheduling nothing, naming the entry when a fault names a host the world does
 * not have (with the hosts it has), lies in the past, or has a negative duration.
 * @beta
 */
export function applySchedule(world: SimWorld, schedule: FaultSchedule): void {
  const known = world.hosts.map((host) => host.name);
  for (const [i, entry] of schedule.entries()) checkEntry(entry, `fault schedule entry ${i}`, known, world.now);
  for (const { atMs, fault } of schedule) world.at(atMs, (w) => applyFault(w, fault));
}

function hostsNamed(fault: SimFault): (string | undefined)[] {
  switch (fault.kind) {
    case "partition":
    case "heal":
      return [fault.a, fault.b];
    case "crash":
    case "link":
      return [fault.host];
  }
}

// A schedule that cannot apply is the test's mistake: refused before the run, whatever the seed, rather than
// failing at its time as if the code under test had.
function checkEntry({ atMs, fault }: ScheduledFault, where: string, known: readonly string[], now: number): void {
  const what = `${where} (${fault.kind} at ${atMs} ms)`;
  for (const name of hostsNamed(fault)) {
    if (name === undefined || known.includes(name)) continue;
    const hosts = known.length === 0 ? "the world has no host yet" : `the world's hosts are ${known.join(", ")}`;
    throw new SimSetupError(
      `${what}: no simulated host ${JSON.stringify(name)}; ${hosts} (make every host before applySchedule)`,
    );
  }
  if (!(atMs >= now)) throw new SimSetupError(`${what}: the world is already at ${now} ms`);
  const bad = badDuration(fault);
  if (bad !== undefined) throw new SimSetupError(`${what}: ${bad}`);
}

/** What is wrong with a fault's duration (`forMs`, `restartAfterMs`), if anything. */
function badDuration(fault: SimFault): string | undefined {
  const duration =
    fault.kind === "partition"
      ? { field: "forMs", ms: fault.forMs as unknown }
      : fault.kind === "crash"
        ? { field: "restartAfterMs", ms: fault.restartAfterMs as unknown }
        : undefined;
  if (duration === undefined || duration.ms === undefined) return undefined;
  if (typeof duration.ms === "number" && duration.ms >= 0) return undefined;
  return `${duration.field} must be a number >= 0, got ${JSON.stringify(duration.ms)}`;
}

function applyFault(world: SimWorld, fault: SimFault): void {
  switch (fault.kind) {
    case "partition": {
      world.partition(fault.a, fault.b, fault.oneWay === true ? { oneWay: true } : {});
      const forMs = fault.forMs;
      if (forMs !== undefined) world.at(world.now + forMs, (w) => w.heal(fault.a, fault.b));
      return;
    }
    case "heal":
      world.heal(fault.a, fault.b);
      return;
    case "crash":
      world.crash(fault.host, fault.restartAfterMs === undefined ? {} : { restartAfterMs: fault.restartAfterMs });
      return;
    case "link":
      world.get(fault.host).setLink(fault.link);
      return;
  }
}

/**
 * The schedule as one JSON line (what `SIM_SCHEDULE` takes).
 *
 * @beta
 */
export function formatSchedule(schedule: FaultSchedule): string {
  return JSON.stringify(schedule);
}

const KINDS = new Set(["partition", "heal", "crash", "link"]);

/**
 * Parses a schedule printed by {@link formatSchedule}.
 *
 * @throws Error naming the entry and the field when the text is not a schedule.
 * @beta
 */
export function parseSchedule(text: string): FaultSchedule {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`fault schedule: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(parsed)) throw new Error("fault schedule: expected a JSON array of { atMs, fault }");
  parsed.forEach((entry: unknown, i) => {
    const e = entry as { atMs?: unknown; fault?: { kind?: unknown; a?: unknown; b?: unknown; host?: unknown } };
    if (typeof e?.atMs !== "number" || !(e.atMs >= 0)) {
      throw new Error(`fault schedule entry ${i}: atMs must be a number >= 0, got ${JSON.stringify(e?.atMs)}`);
    }
    const kind = e.fault?.kind;
    if (typeof kind !== "string" || !KINDS.has(kind)) {
      throw new Error(
        `fault schedule entry ${i}: fault.kind must be one of ${[...KINDS].join(", ")}, got ${JSON.stringify(kind)}`,
      );
    }
    const needs = kind === "partition" ? ["a", "b"] : kind === "crash" || kind === "link" ? ["host"] : [];
    for (const field of needs) {
      if (typeof (e.fault as Record<string, unknown>)[field] !== "string") {
        throw new Error(`fault schedule entry ${i}: a ${kind} needs fault.${field}, a host name`);
      }
    }
    const bad = badDuration(e.fault as SimFault);
    if (bad !== undefined) throw new Error(`fault schedule entry ${i}: fault.${bad}`);
  });
  return parsed as FaultSchedule;
}

/**
 * Options of {@link shrinkSchedule}.
 *
 * @beta
 */
export interface ShrinkOptions {
  /** The failing schedule. */
  readonly schedule: FaultSchedule;
  /** Runs the failing seed with a schedule; resolves to the failure, or `undefined` when it passes. */
  readonly failure: (schedule: FaultSchedule) => Promise<unknown>;
  /** Whether a failure still counts as the original one (default: any failure does). */
  readonly same?: (original: unknown, now: unknown) => boolean;
  /** At most this many runs (default 200). */
  readonly maxRuns?: number;
}

/**
 * What {@link shrinkSchedule} found.
 *
 * @beta
 */
export interface ShrinkResult {
  /** A schedule from which no single fault can be dropped with the failure still reproducing. */
  readonly schedule: FaultSchedule;
  /** The failure of that schedule. */
  readonly failure: unknown;
  /** Runs made. */
  readonly runs: number;
}

/**
 * Drops faults one at a time, keeping each drop after which the failure still reproduces, until no
 * single drop does (a 1-minimal schedule) or `maxRuns` is reached.
 *
 * @throws Error when the original schedule does not fail.
 * @beta
 */
export async function shrinkSchedule(options: ShrinkOptions): Promise<ShrinkResult> {
  const same = options.same ?? (() => true);
  const maxRuns = options.maxRuns ?? 200;
  let runs = 1;
  const original = await options.failure(options.schedule);
  if (original === undefined) throw new Error("shrinkSchedule: the schedule given does not fail");
  let schedule = options.schedule;
  let failure = original;
  for (let progress = true; progress && runs < maxRuns; ) {
    progress = false;
    for (let i = schedule.length - 1; i >= 0 && runs < maxRuns; i--) {
      const smaller = schedule.filter((_, j) => j !== i);
      runs++;
      const now = await options.failure(smaller);
      if (now !== undefined && same(original, now)) {
        schedule = smaller;
        failure = now;
        progress = true;
      }
    }
  }
  return { schedule, failure, runs };
}
