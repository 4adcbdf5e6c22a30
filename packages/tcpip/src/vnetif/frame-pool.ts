/**
 * Reused buffers for the switch's large frames. A 64 KiB segment in a fresh `Uint8Array` costs a
 * backing store outside the JavaScript heap, allocated, page-faulted in and later collected: tens of
 * microseconds, far more than filling or copying it. A frame's receiver may use it only until its
 * handler returns or the promise it returned settles (the `FrameHandler` contract), so the switch
 * takes the buffer back then and hands it to the next large write.
 *
 * @packageDocumentation
 */

/** Buffers kept for reuse at most: what a window of 64 KiB segments in flight on a few links needs. */
const MAX_FREE = 64;

/** Zeroed buffers of up to `capacity` bytes, each handed to one writer until given back. */
export class FramePool {
  readonly #capacity: number;
  readonly #free: ArrayBuffer[] = [];
  /** The buffers handed out and not given back: only those are taken back, and only once. */
  readonly #lent = new WeakSet<ArrayBufferLike>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The largest frame the pool hands out. */
  get capacity(): number {
    return this.#capacity;
  }

  /** A zeroed buffer of `size` bytes (at most the capacity) that no other caller holds. */
  take(size: number): Uint8Array {
    const reused = this.#free.pop();
    const buffer = reused ?? new ArrayBuffer(this.#capacity);
    this.#lent.add(buffer);
    const frame = new Uint8Array(buffer, 0, size);
    if (reused !== undefined) frame.fill(0);
    return frame;
  }

  /**
   * Takes back the buffer under `frame` once nobody uses it any more; a frame from anywhere else, or
   * given back already, is left alone. Returns whether it was taken.
   */
  give(frame: Uint8Array): boolean {
    const buffer = frame.buffer;
    if (!this.#lent.delete(buffer) || this.#free.length >= MAX_FREE) return false;
    this.#free.push(buffer as ArrayBuffer);
    return true;
  }
}
