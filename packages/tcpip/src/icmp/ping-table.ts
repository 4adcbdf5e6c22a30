/**
 * The pings an ICMP layer waits on, ICMPv4's and ICMPv6's alike: at most `max` at once, each settled
 * once, by its reply, its timeout on the layer's clock, a failed send or the layer's disconnect.
 *
 * @packageDocumentation
 */

import { type IcmpError, type Result, err, ok } from "@mirage-ts/mirage-types";
import type { Clock, TimerHandle } from "../time/clock.js";

/**
 * Options of {@link Icmpv4Layer.ping} and {@link Icmpv6Layer.ping}.
 *
 * @public
 */
export interface PingOptions {
  /** The echo identifier (default: one per layer). */
  readonly id?: number;
  /** The sequence number (default: the next of the layer's counter). */
  readonly seq?: number;
  /** The echo data (default 56 bytes, as `ping`). */
  readonly data?: Uint8Array;
  /** How long to wait for the reply, in ms (default 1000). */
  readonly timeoutMs?: number;
}

/**
 * Ping errors: no reply in time, or the request could not be sent.
 *
 * @public
 */
export type PingError = { readonly kind: "timeout" } | IcmpError;

/**
 * A reply to {@link Icmpv4Layer.ping} or {@link Icmpv6Layer.ping}.
 *
 * @public
 */
export interface PingReply {
  /** The round-trip time in ms, on the layer's clock. */
  readonly rttMs: number;
  /** The echoed data. */
  readonly data: Uint8Array;
}

interface Waiting {
  readonly sentAt: number;
  readonly timer: TimerHandle;
  readonly resolve: (result: Result<PingReply, PingError>) => void;
}

/** The pings waiting for their reply, by a key of the layer's choosing (peer, identifier, sequence). */
export class PingTable {
  readonly #clock: Clock;
  readonly #max: number;
  readonly #waiting = new Map<string, Waiting>();

  constructor(clock: Clock, max: number) {
    this.#clock = clock;
    this.#max = max;
  }

  /** Pings waiting now. */
  get size(): number {
    return this.#waiting.size;
  }

  /**
   * Starts waiting `timeoutMs` for the reply to ping `key`: the promise of its result, or `undefined`
   * when `max` pings already wait or one with the same key does.
   */
  wait(key: string, timeoutMs: number): Promise<Result<PingReply, PingError>> | undefined {
    if (this.#waiting.size >= this.#max || this.#waiting.has(key)) return undefined;
    return new Promise((resolve) => {
      const timer = this.#clock.setTimer(timeoutMs, () => {
        this.#waiting.delete(key);
        resolve(err({ kind: "timeout" }));
      });
      this.#waiting.set(key, { sentAt: this.#clock.now(), timer, resolve });
    });
  }

  /** Settles ping `key` with its reply's data (copied); a reply nobody waits for is ignored. */
  reply(key: string, data: Uint8Array): void {
    const ping = this.#take(key);
    ping?.resolve(ok({ rttMs: this.#clock.now() - ping.sentAt, data: data.slice() }));
  }

  /** Settles ping `key` with the error that kept its request from being sent. */
  fail(key: string, error: IcmpError): void {
    this.#take(key)?.resolve(err(error));
  }

  /** Fails every waiting ping with `timeout` and cancels their timers. */
  clear(): void {
    for (const ping of this.#waiting.values()) {
      ping.timer.cancel();
      ping.resolve(err({ kind: "timeout" }));
    }
    this.#waiting.clear();
  }

  #take(key: string): Waiting | undefined {
    const ping = this.#waiting.get(key);
    if (ping === undefined) return undefined;
    this.#waiting.delete(key);
    ping.timer.cancel();
    return ping;
  }
}
