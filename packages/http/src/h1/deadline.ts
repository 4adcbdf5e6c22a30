/**
 * A one-shot deadline on the server's injected timers: a promise that resolves when it passes, for
 * racing a read against.
 *
 * @packageDocumentation
 */

import type { HttpTimers } from "../timers.js";

/** A deadline that may be cancelled before it passes. */
export class Deadline {
  readonly passed: Promise<"timeout">;
  readonly #cancel: () => void;

  constructor(timers: HttpTimers, delayMs: number) {
    let fire: (value: "timeout") => void = () => {};
    this.passed = new Promise((resolve) => {
      fire = resolve;
    });
    const handle = timers.setTimer(delayMs, () => fire("timeout"));
    this.#cancel = () => handle.cancel();
  }

  cancel(): void {
    this.#cancel();
  }
}
