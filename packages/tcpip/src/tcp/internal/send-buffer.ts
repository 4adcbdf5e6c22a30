/**
 * The send buffer: bytes the application wrote that the peer has not acknowledged yet, in a ring.
 * Writes are copied in once; segments are sent as views of the ring (one, or two when the range
 * wraps), so data is never copied again until the IP layer builds the packet. Storage grows on demand
 * up to the configured size, so an idle connection costs no buffer memory.
 *
 * @packageDocumentation
 */

const MIN_STORAGE = 1024;
const EMPTY = new Uint8Array(0);

/** A bounded byte ring holding unacknowledged and unsent data, starting at the oldest unacked byte. */
export class SendBuffer {
  readonly capacity: number;
  #buf: Uint8Array = EMPTY;
  #head = 0;
  #length = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Bytes held (unacknowledged plus unsent). */
  get length(): number {
    return this.#length;
  }

  /** Bytes that can still be appended. */
  get free(): number {
    return this.capacity - this.#length;
  }

  /** Bytes of storage currently allocated. */
  get allocated(): number {
    return this.#buf.length;
  }

  /** Copies up to `free` bytes of `data` in; returns how many were taken. */
  append(data: Uint8Array): number {
    const n = Math.min(data.length, this.free);
    if (n === 0) return 0;
    this.#reserve(this.#length + n);
    const size = this.#buf.length;
    let tail = this.#head + this.#length;
    if (tail >= size) tail -= size;
    const first = Math.min(n, size - tail);
    this.#buf.set(first === data.length ? data : data.subarray(0, first), tail);
    if (first < n) this.#buf.set(data.subarray(first, n), 0);
    this.#length += n;
    return n;
  }

  /**
   * Pushes onto `out` the views covering `len` bytes from `offset` (relative to the oldest byte) and
   * returns how many views were pushed (1 or 2; 0 for an empty range).
   */
  views(offset: number, len: number, out: Uint8Array[]): number {
    if (len <= 0) return 0;
    if (offset < 0 || offset + len > this.#length) {
      throw new RangeError(`send buffer range ${offset}+${len} is outside its ${this.#length} bytes`);
    }
    const size = this.#buf.length;
    let start = this.#head + offset;
    if (start >= size) start -= size;
    const first = Math.min(len, size - start);
    out.push(this.#buf.subarray(start, start + first));
    if (first === len) return 1;
    out.push(this.#buf.subarray(0, len - first));
    return 2;
  }

  /** Drops the `n` oldest bytes (they were acknowledged). */
  consume(n: number): void {
    if (n <= 0) return;
    if (n > this.#length) throw new RangeError(`cannot consume ${n} of ${this.#length} buffered bytes`);
    this.#length -= n;
    if (this.#length === 0) {
      this.#head = 0;
      return;
    }
    this.#head += n;
    if (this.#head >= this.#buf.length) this.#head -= this.#buf.length;
  }

  /** Drops everything and frees the storage. */
  release(): void {
    this.#buf = EMPTY;
    this.#head = 0;
    this.#length = 0;
  }

  #reserve(needed: number): void {
    const size = this.#buf.length;
    if (needed <= size) return;
    const grown = Math.min(this.capacity, Math.max(needed, size * 2, MIN_STORAGE));
    const next = new Uint8Array(grown);
    // Linearise while copying so the ring starts at 0 in the new storage.
    const first = Math.min(this.#length, size - this.#head);
    next.set(this.#buf.subarray(this.#head, this.#head + first), 0);
    if (first < this.#length) next.set(this.#buf.subarray(0, this.#length - first), first);
    this.#buf = next;
    this.#head = 0;
  }
}
