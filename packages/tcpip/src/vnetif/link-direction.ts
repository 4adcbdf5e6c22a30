/**
 * One direction of a virtual link: the impairments a frame meets on its way, all drawn from a seeded
 * generator and timed on a clock, so a run is exactly repeatable.
 */

import { FrameFlags, type Random } from "@mirage-ts/mirage-types";
import { checkInteger, checkProbability } from "../internal/checks.js";
import type { Clock, TimerHandle } from "../time/clock.js";
import { completePartialChecksum } from "./frame-offload.js";
import type { LinkImpairments, LinkStats } from "./link-impairments.js";

/** Gets a frame at the far end of a link, with the `FrameFlags` it was sent with. */
export type LinkDeliver = (frame: Uint8Array, flags: number) => void;

interface Held {
  readonly frame: Uint8Array;
  readonly deliver: LinkDeliver;
  readonly flags: number;
  readonly timer: TimerHandle;
}

/**
 * Frames due at the same time, delivered in order by one timer: a burst of segments costs one timer
 * (one event-loop turn on a real clock) instead of one per frame, as a NIC ring is drained per poll.
 */
interface Batch {
  readonly at: number;
  /** Scheduled with a zero delay: "as soon as possible", which any later zero-delay frame can join. */
  readonly immediate: boolean;
  readonly frames: Uint8Array[];
  readonly delivers: LinkDeliver[];
  readonly flags: number[];
}

/** Throws a `RangeError` naming the first invalid impairment. */
export function checkImpairments(link: LinkImpairments): void {
  for (const name of ["loss", "duplicate", "reorder", "corrupt"] as const) {
    const value = link[name];
    if (value !== undefined) checkProbability(`link ${name}`, value);
  }
  for (const name of ["reorderHoldMs", "reorderMs", "delayMs", "jitterMs", "bandwidth", "queueMs"] as const) {
    const value = link[name];
    if (value !== undefined && !(value >= 0))
      throw new RangeError(`invalid link ${name} ${value}: must be a number of at least 0`);
  }
  if (link.mtu !== undefined) checkInteger("link mtu", link.mtu, 0);
  if (link.queueLimit !== undefined) checkInteger("link queueLimit", link.queueLimit, 1);
}

/** One direction of a link. */
export class LinkDirection {
  readonly #clock: Clock;
  readonly #random: Random;
  #impairments: LinkImpairments;
  #busyUntil = 0;
  #held: Held | undefined;
  #batch: Batch | undefined;
  readonly stats: LinkStats = {
    offered: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    corrupted: 0,
    tooBig: 0,
    queueDrops: 0,
    blackholed: 0,
    inFlight: 0,
  };

  constructor(clock: Clock, random: Random, impairments: LinkImpairments) {
    this.#clock = clock;
    this.#random = random;
    this.#impairments = impairments;
  }

  set impairments(impairments: LinkImpairments) {
    this.#impairments = impairments;
  }

  /**
   * Sends `frame` (which the link may modify) across; `deliver` gets it at the far end with `flags`
   * (its `FrameFlags`, which a corrupted frame loses).
   */
  transmit(frame: Uint8Array, deliver: LinkDeliver, flags = 0): void {
    const link = this.#impairments;
    this.stats.offered++;
    if (link.blackhole?.(frame) === true) {
      this.stats.blackholed++;
      return;
    }
    if (this.stats.inFlight >= (link.queueLimit ?? 1024)) {
      this.stats.queueDrops++;
      return;
    }
    if (link.mtu !== undefined && frame.length - 14 > link.mtu) {
      this.stats.tooBig++;
      return;
    }
    if (this.#chance(link.loss)) {
      this.stats.lost++;
      return;
    }
    const now = this.#clock.now();
    if (link.queueMs !== undefined && this.#busyUntil - now > link.queueMs) {
      this.stats.queueDrops++;
      return;
    }
    if (this.#chance(link.corrupt) && frame.length > 0) {
      // The sending device sums a frame before the wire, the receiving one finds the damage.
      if ((flags & FrameFlags.checksumPartial) !== 0) completePartialChecksum(frame);
      flags = 0;
      const bit = this.#uniform(frame.length * 8);
      frame[bit >>> 3]! ^= 1 << (bit & 7);
      this.stats.corrupted++;
    }
    const copies = this.#chance(link.duplicate) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    let arrival = now;
    if (link.bandwidth !== undefined && link.bandwidth > 0) {
      this.#busyUntil = Math.max(arrival, this.#busyUntil) + (frame.length * 8 * 1000) / link.bandwidth;
      arrival = this.#busyUntil;
    }
    arrival += (link.delayMs ?? 0) + (link.jitterMs ? this.#float() * link.jitterMs : 0);
    const held = this.#held;
    if (held === undefined && this.#chance(link.reorder)) {
      this.stats.reordered++;
      if (link.reorderMs !== undefined) {
        const late = arrival + link.reorderMs;
        for (let i = 0; i < copies; i++) this.#schedule(i === 0 ? frame : frame.slice(), deliver, flags, late, now);
        return;
      }
      const timer = this.#clock.setTimer(link.reorderHoldMs ?? 10, () => this.#release(arrival));
      this.#held = { frame, deliver, flags, timer };
      if (copies === 2) this.#schedule(frame.slice(), deliver, flags, arrival, now);
      return;
    }
    for (let i = 0; i < copies; i++) this.#schedule(i === 0 ? frame : frame.slice(), deliver, flags, arrival, now);
    if (held !== undefined) this.#release(arrival);
  }

  /** Delivers the held frame no earlier than `after`, behind whatever was scheduled before it. */
  #release(after: number): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    held.timer.cancel();
    const now = this.#clock.now();
    this.#schedule(held.frame, held.deliver, held.flags, Math.max(after, now), now);
  }

  // `now` is the clock's time, read once by the caller (a real clock's `now()` is not free).
  #schedule(frame: Uint8Array, deliver: LinkDeliver, flags: number, at: number, now: number): void {
    this.stats.inFlight++;
    const delay = Math.max(0, at - now);
    const last = this.#batch;
    // Joining the pending batch keeps the link's FIFO order and the arrival time: it is due at the
    // same time, or both are due as soon as possible.
    if (last !== undefined && (last.at === at || (last.immediate && delay === 0))) {
      last.frames.push(frame);
      last.delivers.push(deliver);
      last.flags.push(flags);
      return;
    }
    const batch: Batch = { at, immediate: delay === 0, frames: [frame], delivers: [deliver], flags: [flags] };
    this.#batch = batch;
    this.#clock.setTimer(delay, () => this.#deliver(batch));
  }

  #deliver(batch: Batch): void {
    // Frames sent while this batch is delivered go into a new one: they are due later.
    if (this.#batch === batch) this.#batch = undefined;
    const { frames, delivers, flags } = batch;
    for (let i = 0; i < frames.length; i++) {
      this.stats.inFlight--;
      this.stats.delivered++;
      delivers[i]!(frames[i]!, flags[i]!);
    }
  }

  #chance(probability: number | undefined): boolean {
    return probability !== undefined && probability > 0 && this.#float() < probability;
  }

  #uniform(bound: number): number {
    return Math.floor(this.#float() * bound);
  }

  #float(): number {
    const b = this.#random.generate(4);
    return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 4294967296;
  }
}
