/**
 * Per-connection timers multiplexed onto one {@link Clock} timer. A connection has several deadlines
 * (retransmission or persist, delayed ACK, keepalive, and one for TIME-WAIT / FIN-WAIT-2 / user
 * timeout), but holds at most one clock timer, armed for the earliest. Pushing a deadline later (as
 * every ACK does to the retransmission timer) costs nothing: the clock timer fires early, finds
 * nothing due, and re-arms. Clearing every deadline cancels the clock timer, so a closed connection
 * holds none.
 *
 * @packageDocumentation
 */

import type { Clock, TimerHandle } from "../../time/clock.js";

/** The deadlines of a connection. */
export const TimerKind = {
  /** Retransmission timeout, or the persist (zero-window probe) timer: never both. */
  Retransmit: 0,
  /** Delayed acknowledgment. */
  DelayedAck: 1,
  /** Keepalive probe. */
  Keepalive: 2,
  /** End of a state: TIME-WAIT (2 MSL) or FIN-WAIT-2 after close. */
  Linger: 3,
} as const;

/** One of {@link TimerKind}. */
export type TimerKind = (typeof TimerKind)[keyof typeof TimerKind];

const KINDS = 4;

/** Counts live clock timers across connections (the leak check reads it). */
export interface TimerCounter {
  liveTimers: number;
}

/** The deadlines of one connection and the single clock timer serving them. */
export class ConnectionTimers {
  readonly #clock: Clock;
  readonly #counter: TimerCounter;
  readonly #onFire: (kind: TimerKind) => void;
  readonly #deadlines = new Float64Array(KINDS).fill(Number.POSITIVE_INFINITY);
  #handle: TimerHandle | undefined;
  #armedAt = Number.POSITIVE_INFINITY;
  readonly #fire = (): void => this.#run();

  constructor(clock: Clock, counter: TimerCounter, onFire: (kind: TimerKind) => void) {
    this.#clock = clock;
    this.#counter = counter;
    this.#onFire = onFire;
  }

  /** Whether `kind` has a deadline. */
  isSet(kind: TimerKind): boolean {
    return this.#deadlines[kind] !== Number.POSITIVE_INFINITY;
  }

  /** The deadline of `kind` (infinite when unset). */
  deadline(kind: TimerKind): number {
    return this.#deadlines[kind]!;
  }

  /** Sets `kind` to fire `delayMs` from now, replacing any earlier setting. */
  set(kind: TimerKind, delayMs: number): void {
    const at = this.#clock.now() + delayMs;
    this.#deadlines[kind] = at;
    if (at < this.#armedAt) this.#arm(at);
  }

  /** Sets `kind` only if it is not set already. */
  setIfUnset(kind: TimerKind, delayMs: number): void {
    if (!this.isSet(kind)) this.set(kind, delayMs);
  }

  /** Clears `kind`; the clock timer is dropped when nothing remains. */
  clear(kind: TimerKind): void {
    this.#deadlines[kind] = Number.POSITIVE_INFINITY;
    if (this.#handle !== undefined && this.#earliest() === Number.POSITIVE_INFINITY) this.#disarm();
  }

  /** Clears every deadline and cancels the clock timer. */
  clearAll(): void {
    this.#deadlines.fill(Number.POSITIVE_INFINITY);
    this.#disarm();
  }

  #earliest(): number {
    let min = Number.POSITIVE_INFINITY;
    for (let k = 0; k < KINDS; k++) if (this.#deadlines[k]! < min) min = this.#deadlines[k]!;
    return min;
  }

  #arm(at: number): void {
    if (this.#handle !== undefined) this.#handle.cancel();
    else this.#counter.liveTimers++;
    this.#armedAt = at;
    this.#handle = this.#clock.setTimer(Math.max(0, at - this.#clock.now()), this.#fire);
  }

  #disarm(): void {
    if (this.#handle === undefined) return;
    this.#handle.cancel();
    this.#handle = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.#counter.liveTimers--;
  }

  #run(): void {
    this.#handle = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.#counter.liveTimers--;
    const now = this.#clock.now();
    for (let k = 0; k < KINDS; k++) {
      if (this.#deadlines[k]! <= now) {
        this.#deadlines[k] = Number.POSITIVE_INFINITY;
        // A handler may clear every timer (the connection closed); later kinds then stay unset.
        this.#onFire(k as TimerKind);
      }
    }
    const next = this.#earliest();
    if (next !== Number.POSITIVE_INFINITY && next < this.#armedAt) this.#arm(next);
  }
}
