/**
 * The time and console devices of a simulated host, all on the world's virtual clock: a monotonic
 * clock, a wall clock (the world's epoch plus the host's skew), `Sleep`, and a console whose lines
 * go to the world's log.
 *
 * @packageDocumentation
 */

import {
  type Console,
  type DaysPs,
  type MClock,
  type PClock,
  type ReadResult,
  type Result,
  type Sleep,
  eof,
  ok,
} from "@mirage-ts/mirage-types";
import type { Clock } from "@mirage-ts/tcpip";
import { utf8Text } from "./text.js";

const MS_PER_DAY = 86_400_000;
const PS_PER_MS = 1_000_000_000n;

/**
 * `MClock` on the virtual clock: nanoseconds since the world started.
 *
 * @beta
 */
export class SimMClock implements MClock {
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  elapsedNs(): bigint {
    return BigInt(Math.round(this.#clock.now() * 1e6));
  }

  periodNs(): bigint | undefined {
    return undefined;
  }
}

/**
 * `PClock` on the virtual clock: the world's epoch plus virtual time plus the host's skew.
 *
 * @beta
 */
export class SimPClock implements PClock {
  readonly #clock: Clock;
  readonly #epochMs: number;
  /** The host's clock skew in ms, added to every reading (settable to model drift or a bad clock). */
  skewMs: number;

  constructor(clock: Clock, epochMs: number, skewMs = 0) {
    this.#clock = clock;
    this.#epochMs = epochMs;
    this.skewMs = skewMs;
  }

  #ms(): number {
    return this.#epochMs + this.#clock.now() + this.skewMs;
  }

  nowDPs(): DaysPs {
    const ms = this.#ms();
    const days = Math.floor(ms / MS_PER_DAY);
    const intoDay = ms - days * MS_PER_DAY;
    return { days, ps: BigInt(Math.floor(intoDay)) * PS_PER_MS };
  }

  now(): Date {
    return new Date(Math.floor(this.#ms()));
  }

  periodDPs(): DaysPs | undefined {
    return undefined;
  }

  currentTzOffsetS(): number | undefined {
    return 0;
  }
}

/**
 * `Sleep` on the virtual clock: a sleep costs no real time.
 *
 * @beta
 */
export class SimSleep implements Sleep {
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  sleepNs(ns: bigint): Promise<void> {
    return new Promise((resolve) => {
      this.#clock.setTimer(Number(ns) / 1e6, resolve);
    });
  }
}

/**
 * A console whose lines are recorded (through `sink`) instead of printed; reads give end of file.
 *
 * @beta
 */
export class SimConsole implements Console {
  readonly #sink: (line: string) => void;

  constructor(sink: (line: string) => void) {
    this.#sink = sink;
  }

  async log(line: string): Promise<void> {
    this.#sink(line);
  }

  async read(): Promise<Result<ReadResult, never>> {
    return ok(eof);
  }

  async write(buffer: Uint8Array): Promise<Result<void, never>> {
    this.#sink(utf8Text(buffer).replace(/\n$/, ""));
    return ok();
  }

  async writev(buffers: readonly Uint8Array[]): Promise<Result<void, never>> {
    for (const buffer of buffers) await this.write(buffer);
    return ok();
  }

  async shutdown(): Promise<void> {}

  async close(): Promise<void> {}

  async disconnect(): Promise<void> {}
}
