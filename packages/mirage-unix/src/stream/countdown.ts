/**
 * A restartable timer for a stream's timeouts.
 *
 * @packageDocumentation
 */

/**
 * Calls `fire` once `ms` pass without a restart; 0 turns it off. The timer never holds the event
 * loop (unref), as a socket's timeout does not.
 */
export class Countdown {
  readonly #fire: () => void;
  #ms = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(fire: () => void) {
    this.#fire = fire;
  }

  get ms(): number {
    return this.#ms;
  }

  /** Sets the time; a countdown running now starts again with it. */
  set ms(ms: number) {
    this.#ms = ms;
    const running = this.#timer !== undefined;
    this.stop();
    if (running) this.restart();
  }

  /** Starts counting from now (again), unless turned off. */
  restart(): void {
    if (this.#ms === 0) return;
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#fire();
      }, this.#ms);
      this.#timer.unref();
    } else {
      this.#timer.refresh();
    }
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
