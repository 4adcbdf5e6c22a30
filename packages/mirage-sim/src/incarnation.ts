/**
 * One boot of a simulated host: `IncarnationClock`, its timers, and `fusedNetwork`, its view of the
 * host's network device. The clock schedules on the world's
 * clock and remembers what it scheduled, so a crash cancels every timer of the dead incarnation at
 * once (its TCP retransmissions, its sleeps, its disk completions): the old code's promises then
 * never settle, as on a machine that lost power, and nothing of it runs after the crash.
 *
 * @packageDocumentation
 */

import { type NetError, type Network, type Result, ok } from "@mirage-ts/mirage-types";
import type { Clock, TimerHandle } from "@mirage-ts/tcpip";

const DEAD: TimerHandle = { cancel: () => {} };

/**
 * A clock whose timers all stop at {@link IncarnationClock.kill}.
 *
 * @beta
 */
export class IncarnationClock implements Clock {
  readonly #clock: Clock;
  readonly #live = new Set<TimerHandle>();
  #alive = true;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Whether the incarnation still runs. */
  get alive(): boolean {
    return this.#alive;
  }

  /** Timers scheduled and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#live.size;
  }

  now(): number {
    return this.#clock.now();
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    if (!this.#alive) return DEAD;
    const handle: TimerHandle = {
      cancel: () => {
        if (this.#live.delete(handle)) inner.cancel();
      },
    };
    const inner = this.#clock.setTimer(delayMs, () => {
      this.#live.delete(handle);
      callback();
    });
    this.#live.add(handle);
    return handle;
  }

  /** Cancels every pending timer; later `setTimer` calls schedule nothing. */
  kill(): void {
    this.#alive = false;
    for (const handle of [...this.#live]) handle.cancel();
  }
}

const SENT: Promise<Result<void, NetError>> = Promise.resolve(ok());

/**
 * `netif` as one incarnation sees it: once `clock` is killed, what the incarnation sends is lost
 * and nothing reaches its handler (the switch port, the partition gate and the capture stay the
 * host's, shared by its boots). `dropped` counts the frames cut.
 */
export function fusedNetwork(netif: Network, clock: IncarnationClock, dropped: { count: number }): Network {
  return {
    write: (size, fill) => {
      if (clock.alive) return netif.write(size, fill);
      dropped.count++;
      return SENT;
    },
    listen: (headerSize, handler) =>
      netif.listen(headerSize, (frame) => {
        if (clock.alive) return handler(frame);
        dropped.count++;
        return undefined;
      }),
    mac: () => netif.mac(),
    mtu: () => netif.mtu(),
    getStatsCounters: () => netif.getStatsCounters(),
    resetStatsCounters: () => netif.resetStatsCounters(),
    disconnect: async () => {},
  };
}
