/**
 * A FIFO of asynchronous tasks run one at a time: concurrent operations on a device complete in the
 * order they were issued.
 *
 * @packageDocumentation
 */

/** Runs tasks one after the other, in submission order. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task submitted before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
