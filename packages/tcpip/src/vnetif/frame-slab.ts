/**
 * Frame buffers carved from shared slabs. A `Uint8Array` of a frame's size gets a backing store of
 * its own outside the JavaScript heap, whose allocation and later release cost more than filling
 * the frame; views into one 64 KiB slab cost an object each. A slab lives while any of its frames is
 * referenced, at most 64 KiB held for one retained frame (Node's `Buffer` pool makes the same trade).
 */

const SLAB_SIZE = 64 * 1024;
// Frames start at multiples of 8, as fresh allocations do.
const ALIGN = 8;

/** Hands out zeroed, never-shared frame buffers. */
export class FrameSlab {
  #slab = new Uint8Array(0);
  #offset = 0;

  /** A zeroed buffer of `size` bytes that no other caller is given. */
  take(size: number): Uint8Array {
    if (size > SLAB_SIZE / 4) return new Uint8Array(size);
    if (this.#offset + size > this.#slab.length) {
      this.#slab = new Uint8Array(SLAB_SIZE);
      this.#offset = 0;
    }
    const frame = this.#slab.subarray(this.#offset, this.#offset + size);
    this.#offset += (size + ALIGN - 1) & ~(ALIGN - 1);
    return frame;
  }
}
