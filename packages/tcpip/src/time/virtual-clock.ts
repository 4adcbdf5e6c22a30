/**
 * `VirtualClock`: a deterministic {@link Clock} for tests and simulations. Time only moves when the
 * test advances it, and timers fire in order of due time (then of creation), so a run is exactly
 * repeatable.
 *
 * @packageDocumentation
 */

import type { Clock, TimerHandle } from "./clock.js";

interface Entry {
  readonly due: number;
  readonly seq: number;
  callback: (() => void) | undefined;
}

/**
 * A clock whose time is advanced explicitly.
 *
 * @public
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #live = 0;
  // Binary min-heap ordered by (due, seq); cancelled entries are dropped lazily when they surface.
  readonly #heap: Entry[] = [];

  /** Starts the clock at `start` milliseconds (default 0). */
  constructor(start = 0) {
    this.#now = start;
  }

  /** {@inheritDoc Clock.now} */
  now(): number {
    return this.#now;
  }

  /** {@inheritDoc Clock.setTimer} */
  setTimer(delayMs: number, callback: () => void): TimerHandle {
    if (!(delayMs >= 0)) throw new RangeError(`timer delay must be a non-negative number, got ${delayMs}`);
    const entry: Entry = { due: this.#now + delayMs, seq: this.#seq++, callback };
    this.#push(entry);
    this.#live++;
    return {
      cancel: () => {
        if (entry.callback !== undefined) {
          entry.callback = undefined;
          this.#live--;
        }
      },
    };
  }

  /** The number of timers scheduled and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#live;
  }

  /** The due time of the next live timer, or `undefined` when none is scheduled. */
  nextDue(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.due;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, in order; timers that
   * those callbacks schedule within the window fire too.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot advance a clock by ${ms} ms`);
    const target = this.#now + ms;
    for (;;) {
      const due = this.nextDue();
      if (due === undefined || due > target) break;
      this.#fireNext();
    }
    this.#now = target;
  }

  /**
   * Fires the next due timer, moving time to it. Returns `false` when no timer is scheduled.
   */
  step(): boolean {
    if (this.nextDue() === undefined) return false;
    this.#fireNext();
    return true;
  }

  #fireNext(): void {
    const entry = this.#pop();
    const callback = entry.callback;
    if (callback === undefined) return;
    entry.callback = undefined;
    this.#live--;
    if (entry.due > this.#now) this.#now = entry.due;
    callback();
  }

  #dropCancelled(): void {
    while (this.#heap.length > 0 && this.#heap[0]!.callback === undefined) this.#pop();
  }

  #push(entry: Entry): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): Entry {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && before(heap[l]!, heap[smallest]!)) smallest = l;
        if (r < heap.length && before(heap[r]!, heap[smallest]!)) smallest = r;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
