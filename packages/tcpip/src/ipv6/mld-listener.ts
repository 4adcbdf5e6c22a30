/**
 * The MLDv2 multicast listener of an interface (RFC 3810 §6), a pure state machine on the time its
 * caller passes in: the groups joined, State Change Reports when the set changes, retransmitted
 * [Robustness Variable] − 1 times at random moments within the Unsolicited Report Interval (§6.1),
 * and Current State Reports in answer to General and Multicast Address Specific Queries, after a
 * random delay within the query's Maximum Response Delay (§6.2, §6.3).
 *
 * Every group is in EXCLUDE mode with no sources (a solicited-node group): a join is reported as
 * CHANGE_TO_EXCLUDE_MODE({}), a leave as CHANGE_TO_INCLUDE_MODE({}), the current state as
 * MODE_IS_EXCLUDE({}). ff02::1 is joined for good and never reported (§6). Source Specific Queries
 * are answered as Address Specific ones (an EXCLUDE({}) listener wants every source). MLDv1 queries
 * are answered with MLDv2 reports: no MLDv1 compatibility mode (§8).
 *
 * @packageDocumentation
 */

import { Ipv6Addr } from "@mirage-ts/mirage-types";
import { ALL_NODES, MldRecordType, encodeMldv2Records } from "./ndp-message.js";

/** What the listener needs from its layer. */
export interface MldContext {
  now(): number;
  /** A random delay from 0 to `maxMs`. */
  randomDelay(maxMs: number): number;
  /** Sends one MLDv2 report of `count` records (`body`), to ff02::16 with a Router Alert. */
  report(body: Uint8Array, count: number): void;
}

/** Counters of MLD (documented in `NdpMessageStats`). */
export interface MldStats {
  mldQueries: number;
  mldQueriesInvalid: number;
  mldReports: number;
  mldLeaves: number;
}

/** The RFC 3810 §9 defaults: Robustness Variable 2, Unsolicited Report Interval 1 s. */
const ROBUSTNESS = 2;
const UNSOLICITED_REPORT_INTERVAL_MS = 1000;
// Pending state-change records kept at most (a bound against address churn; each lasts about 1 s).
const MAX_PENDING_CHANGES = 64;

/** A state-change record still to retransmit. */
interface Change {
  readonly group: Ipv6Addr;
  readonly recordType: number;
  left: number;
}

/**
 * The Maximum Response Delay of a query in ms, from its Maximum Response Code (RFC 3810 §5.1.3:
 * linear below 32768, then a floating-point code).
 */
export function maxResponseDelayMs(code: number): number {
  if (code < 32768) return code;
  const exponent = (code >>> 12) & 0x7;
  const mantissa = code & 0xfff;
  return (mantissa | 0x1000) << (exponent + 3);
}

/** The MLDv2 listener of one interface; see the module documentation. */
export class MldListener {
  readonly #ctx: MldContext;
  readonly #groups = new Map<string, Ipv6Addr>([[ALL_NODES.toString(), ALL_NODES]]);
  readonly #changes = new Map<string, Change>();
  #changeAt = Infinity;
  #generalAt = Infinity;
  readonly #groupAt = new Map<string, number>();
  readonly #stats = { mldQueries: 0, mldQueriesInvalid: 0, mldReports: 0, mldLeaves: 0 };

  constructor(ctx: MldContext) {
    this.#ctx = ctx;
  }

  /** Whether `group` is joined. */
  has(group: Ipv6Addr): boolean {
    return this.#groups.has(group.toString());
  }

  /** The groups joined, ff02::1 first. */
  groups(): Ipv6Addr[] {
    return [...this.#groups.values()];
  }

  /**
   * Makes the joined groups `wanted` (plus ff02::1): reports the joins and leaves at once, and
   * schedules their retransmissions.
   */
  sync(wanted: readonly Ipv6Addr[]): void {
    const keep = new Map(wanted.map((g) => [g.toString(), g]));
    const joined: Ipv6Addr[] = [];
    const left: Ipv6Addr[] = [];
    for (const [key, group] of keep) {
      if (this.#groups.has(key)) continue;
      this.#groups.set(key, group);
      joined.push(group);
    }
    for (const [key, group] of this.#groups) {
      if (keep.has(key) || group.equals(ALL_NODES)) continue;
      this.#groups.delete(key);
      this.#groupAt.delete(key);
      left.push(group);
    }
    if (joined.length === 0 && left.length === 0) return;
    this.#stats.mldLeaves += left.length;
    for (const group of joined) this.#pend(group, MldRecordType.changeToExclude);
    for (const group of left) this.#pend(group, MldRecordType.changeToInclude);
    this.#send([
      [joined, MldRecordType.changeToExclude],
      [left, MldRecordType.changeToInclude],
    ]);
    if (this.#changeAt === Infinity) this.#changeAt = this.#nextRetransmission();
  }

  /**
   * Handles an MLD query (type 130): `maxResponseCode` from its first 16 bits, `body` from the
   * multicast address on. A General Query has the unspecified address and goes to ff02::1; an
   * Address Specific one names a group and goes to it (§5.1.15).
   */
  query(src: Ipv6Addr, dst: Ipv6Addr, hopLimit: number, maxResponseCode: number, body: Uint8Array): void {
    if (hopLimit !== 1 || !src.isLinkLocal() || body.length < 16) {
      this.#stats.mldQueriesInvalid++;
      return;
    }
    const group = Ipv6Addr.read(body, 0);
    const general = group.isUnspecified();
    if (general ? !dst.equals(ALL_NODES) : !group.isMulticast() || !dst.equals(group)) {
      this.#stats.mldQueriesInvalid++;
      return;
    }
    this.#stats.mldQueries++;
    const now = this.#ctx.now();
    const at = now + this.#ctx.randomDelay(maxResponseDelayMs(maxResponseCode));
    // §6.2: a pending General response sooner than this one answers for everything already.
    if (this.#generalAt <= at) return;
    if (general) {
      this.#generalAt = at;
      return;
    }
    const key = group.toString();
    if (!this.#groups.has(key) || group.equals(ALL_NODES)) return;
    this.#groupAt.set(key, Math.min(this.#groupAt.get(key) ?? Infinity, at));
  }

  /** Sends the reports due at `now`. */
  tick(now: number): void {
    if (this.#generalAt <= now) {
      this.#generalAt = Infinity;
      this.#groupAt.clear();
      this.#send([[this.#reported(), MldRecordType.modeIsExclude]]);
    }
    const due: Ipv6Addr[] = [];
    for (const [key, at] of this.#groupAt) {
      if (at > now) continue;
      this.#groupAt.delete(key);
      const group = this.#groups.get(key);
      if (group !== undefined) due.push(group);
    }
    this.#send([[due, MldRecordType.modeIsExclude]]);
    if (this.#changeAt <= now) this.#retransmit();
  }

  /** When {@link MldListener.tick} next has work (ms), if ever. */
  nextDeadline(): number | undefined {
    let next = Math.min(this.#changeAt, this.#generalAt);
    for (const at of this.#groupAt.values()) next = Math.min(next, at);
    return next === Infinity ? undefined : next;
  }

  /** Leaves every group at once (the interface stops): one report, no retransmission. */
  leaveAll(): void {
    const left = this.#reported();
    this.#groups.clear();
    this.#changes.clear();
    this.#groupAt.clear();
    this.#changeAt = Infinity;
    this.#generalAt = Infinity;
    this.#stats.mldLeaves += left.length;
    this.#send([[left, MldRecordType.changeToInclude]]);
  }

  /** A snapshot of the counters. */
  stats(): MldStats {
    return { ...this.#stats };
  }

  #reported(): Ipv6Addr[] {
    return this.groups().filter((g) => !g.equals(ALL_NODES));
  }

  /** §6.1: a new change of a group replaces its pending one, with the retransmissions counted again. */
  #pend(group: Ipv6Addr, recordType: number): void {
    const key = group.toString();
    this.#changes.delete(key);
    if (this.#changes.size >= MAX_PENDING_CHANGES) {
      const oldest = this.#changes.keys().next().value;
      if (oldest !== undefined) this.#changes.delete(oldest);
    }
    if (ROBUSTNESS > 1) this.#changes.set(key, { group, recordType, left: ROBUSTNESS - 1 });
  }

  #retransmit(): void {
    const byType = new Map<number, Ipv6Addr[]>();
    for (const [key, change] of this.#changes) {
      const groups = byType.get(change.recordType) ?? [];
      groups.push(change.group);
      byType.set(change.recordType, groups);
      if (--change.left <= 0) this.#changes.delete(key);
    }
    this.#send([...byType].map(([type, groups]) => [groups, type] as const));
    this.#changeAt = this.#changes.size > 0 ? this.#nextRetransmission() : Infinity;
  }

  #nextRetransmission(): number {
    return this.#ctx.now() + this.#ctx.randomDelay(UNSOLICITED_REPORT_INTERVAL_MS);
  }

  /** Sends one report holding every record of `parts` (none when they are all empty). */
  #send(parts: readonly (readonly [readonly Ipv6Addr[], number])[]): void {
    const bodies = parts
      .filter(([groups]) => groups.length > 0)
      .map(([groups, type]) => encodeMldv2Records(groups, type));
    if (bodies.length === 0) return;
    const body = new Uint8Array(bodies.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of bodies) {
      body.set(b, at);
      at += b.length;
    }
    this.#stats.mldReports++;
    this.#ctx.report(body, body.length / 20);
  }
}
