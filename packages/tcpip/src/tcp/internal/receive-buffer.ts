/**
 * The receive buffer: in-order bytes waiting for the application, and out-of-order bytes parked at
 * their place in the same ring with a small list of ranges (the reassembly queue), which also gives
 * the SACK blocks to advertise. Everything lives inside the advertised window, so memory is bounded
 * by the buffer size; the range list is bounded too, so a peer spraying tiny out-of-order segments
 * cannot grow state (extra ranges are dropped and retransmitted later).
 *
 * A large in-order payload whose memory the device gave away (`FrameFlags.owned`) is not copied: it
 * is queued as it is, ahead of the ring, and handed to the application whole by a read. Copying it in
 * and out again, into a fresh array the application owns, cost three passes over every byte; this
 * costs none. Only payloads filling at least half of their buffer are kept, so what the queue pins
 * stays within twice the window.
 *
 * @packageDocumentation
 */

import { seqAdd, seqDiff } from "./seq.js";

const MIN_STORAGE = 1024;
const EMPTY = new Uint8Array(0);
/** The largest fresh array the ring's bytes are copied out into (see `READ_CHUNK`). */
const COPY_CHUNK = 65_536;
/** The smallest payload kept as it is; smaller ones are copied (a view costs an object per segment). */
const MIN_KEPT = 4096;

/** A bounded ring with out-of-order reassembly, starting at the next byte the application reads. */
export class ReceiveBuffer {
  readonly capacity: number;
  readonly maxRanges: number;
  #buf: Uint8Array = EMPTY;
  #head = 0;
  /** In-order bytes in the ring (after the kept payloads). */
  #readable = 0;
  #nxt = 0;
  /**
   * In-order payloads kept as they are, oldest first from `#keptHead`, ahead of the ring's bytes;
   * made on first use (an idle connection has none).
   */
  #kept: Uint8Array[] | undefined;
  #keptHead = 0;
  #keptBytes = 0;
  // Out-of-order ranges [start, end) in sequence space, sorted by start, never touching each other
  // nor the in-order data; `stamps` order them by most recent change for SACK (RFC 2018 §4).
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  readonly #stamps: number[] = [];
  #stamp = 0;
  #oooBytes = 0;

  constructor(capacity: number, maxRanges: number) {
    this.capacity = capacity;
    this.maxRanges = maxRanges;
  }

  /** Starts the sequence space: the next in-order byte is `nxt`. */
  reset(nxt: number): void {
    this.#nxt = nxt >>> 0;
  }

  /** Sequence number of the next in-order byte expected (RCV.NXT, not counting a FIN). */
  get nxt(): number {
    return this.#nxt;
  }

  /** In-order bytes the application can read. */
  get readable(): number {
    return this.#keptBytes + this.#readable;
  }

  /** Bytes held out of order. */
  get outOfOrderBytes(): number {
    return this.#oooBytes;
  }

  /** Whether any out-of-order range is held. */
  get hasOutOfOrder(): boolean {
    return this.#starts.length > 0;
  }

  /** Bytes of storage currently allocated. */
  get allocated(): number {
    return this.#buf.length;
  }

  /** Space from `nxt` to the end of the buffer: the most the window can offer. */
  get space(): number {
    return this.capacity - this.#keptBytes - this.#readable;
  }

  /**
   * Stores `data` found at sequence number `seq`, trimmed to the buffer space; returns how far the
   * in-order data advanced (0 for old or out-of-order data). With `owned`, nobody else reads or
   * writes `data`'s memory any more, so a large in-order payload may be kept as it is.
   */
  write(seq: number, data: Uint8Array, owned = false): number {
    let off = seqDiff(seq, this.#nxt);
    let d = data;
    if (off < 0) {
      if (-off >= d.length) return 0;
      d = d.subarray(-off);
      off = 0;
    }
    const space = this.space;
    if (off >= space) return 0;
    if (off + d.length > space) d = d.subarray(0, space - off);
    if (d.length === 0) return 0;
    if (off > 0) {
      if (!this.#addRange(seqAdd(this.#nxt, off), seqAdd(this.#nxt, off + d.length))) return 0;
      this.#copyIn(off, d);
      return 0;
    }
    if (owned && this.#starts.length === 0 && d.length >= MIN_KEPT && 2 * d.length >= d.buffer.byteLength) {
      // The kept payloads stay ahead of every ring byte: bytes in the ring go first, copied out as
      // a read would copy them.
      while (this.#readable > 0) this.#keep(this.#copyOut(Math.min(this.#readable, COPY_CHUNK)));
      this.#keep(d);
      this.#nxt = seqAdd(this.#nxt, d.length);
      return d.length;
    }
    this.#copyIn(0, d);
    let advance = d.length;
    // Absorb the out-of-order ranges the new data reaches.
    while (this.#starts.length > 0 && seqDiff(this.#starts[0]!, this.#nxt) <= advance) {
      const end = seqDiff(this.#ends[0]!, this.#nxt);
      this.#oooBytes -= seqDiff(this.#ends[0]!, this.#starts[0]!);
      if (end > advance) advance = end;
      this.#starts.shift();
      this.#ends.shift();
      this.#stamps.shift();
    }
    this.#readable += advance;
    this.#nxt = seqAdd(this.#nxt, advance);
    return advance;
  }

  /**
   * Consumes and returns up to `max` readable bytes, in an array the caller owns: the oldest kept
   * payload (or its first `max` bytes), else a fresh copy out of the ring.
   */
  read(max: number = Number.POSITIVE_INFINITY): Uint8Array {
    if (this.#keptBytes > 0) return this.#readKept(max);
    const n = Math.min(this.#readable, max);
    return n === 0 ? EMPTY : this.#copyOut(n);
  }

  /** Drops every readable byte (the application shut its read side). */
  discardReadable(): void {
    this.#dropKept();
    this.#consume(this.#readable);
  }

  /**
   * Writes up to `max` SACK blocks into `out` as `[left, right, ...]`, most recently changed range
   * first, and returns how many were written.
   */
  sackBlocks(out: Uint32Array, max: number): number {
    const count = this.#starts.length;
    const n = Math.min(max, count);
    // Selects the n most recent ranges in one pass per block (n is at most 4), without sorting.
    let below = Number.POSITIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      let best = -1;
      for (let i = 0; i < count; i++) {
        const stamp = this.#stamps[i]!;
        if (stamp < below && (best < 0 || stamp > this.#stamps[best]!)) best = i;
      }
      below = this.#stamps[best]!;
      out[2 * k] = this.#starts[best]!;
      out[2 * k + 1] = this.#ends[best]!;
    }
    return n;
  }

  /** Drops everything and frees the storage. */
  release(): void {
    this.#dropKept();
    this.#kept = undefined;
    this.#buf = EMPTY;
    this.#head = 0;
    this.#readable = 0;
    this.#starts.length = 0;
    this.#ends.length = 0;
    this.#stamps.length = 0;
    this.#oooBytes = 0;
  }

  // Copies the first `n` readable bytes of the ring into a fresh array and consumes them.
  #copyOut(n: number): Uint8Array {
    const out = new Uint8Array(n);
    const size = this.#buf.length;
    const first = Math.min(n, size - this.#head);
    out.set(this.#buf.subarray(this.#head, this.#head + first), 0);
    if (first < n) out.set(this.#buf.subarray(0, n - first), first);
    this.#consume(n);
    return out;
  }

  #keep(d: Uint8Array): void {
    if (this.#kept === undefined) this.#kept = [d];
    else this.#kept.push(d);
    this.#keptBytes += d.length;
  }

  #readKept(max: number): Uint8Array {
    if (max <= 0) return EMPTY;
    const kept = this.#kept!;
    const first = kept[this.#keptHead]!;
    if (first.length > max) {
      kept[this.#keptHead] = first.subarray(max);
      this.#keptBytes -= max;
      return first.subarray(0, max);
    }
    this.#keptBytes -= first.length;
    if (this.#keptBytes === 0) {
      this.#dropKept();
    } else {
      kept[this.#keptHead++] = EMPTY;
      // A reader that never drains the queue must not let the consumed slots pile up.
      if (this.#keptHead >= 64 && 2 * this.#keptHead >= kept.length) {
        kept.splice(0, this.#keptHead);
        this.#keptHead = 0;
      }
    }
    return first;
  }

  #dropKept(): void {
    if (this.#kept !== undefined) this.#kept.length = 0;
    this.#keptHead = 0;
    this.#keptBytes = 0;
  }

  #consume(n: number): void {
    this.#readable -= n;
    if (this.#readable === 0 && this.#starts.length === 0) {
      this.#head = 0;
      return;
    }
    this.#head += n;
    if (this.#head >= this.#buf.length) this.#head -= this.#buf.length;
  }

  // Inserts [start, end) into the range list, merging with every range it overlaps or touches;
  // refuses (returns false) when that would need one range more than allowed.
  #addRange(start: number, end: number): boolean {
    const starts = this.#starts;
    const ends = this.#ends;
    const base = this.#nxt;
    const s = seqDiff(start, base);
    const e = seqDiff(end, base);
    let i = 0;
    while (i < starts.length && seqDiff(ends[i]!, base) < s) i++;
    let j = i;
    while (j < starts.length && seqDiff(starts[j]!, base) <= e) j++;
    // Ranges i..j-1 overlap or touch [s, e).
    if (i === j && starts.length >= this.maxRanges) return false;
    let mergedStart = s;
    let mergedEnd = e;
    let removed = 0;
    for (let k = i; k < j; k++) {
      const ks = seqDiff(starts[k]!, base);
      const ke = seqDiff(ends[k]!, base);
      removed += ke - ks;
      if (ks < mergedStart) mergedStart = ks;
      if (ke > mergedEnd) mergedEnd = ke;
    }
    starts.splice(i, j - i, seqAdd(base, mergedStart));
    ends.splice(i, j - i, seqAdd(base, mergedEnd));
    this.#stamps.splice(i, j - i, ++this.#stamp);
    this.#oooBytes += mergedEnd - mergedStart - removed;
    return true;
  }

  // Copies `d` to `off` bytes past the in-order data, growing the storage if needed.
  #copyIn(off: number, d: Uint8Array): void {
    const extent = this.#readable + off + d.length;
    if (extent > this.#buf.length) this.#grow(extent);
    const size = this.#buf.length;
    let pos = this.#head + this.#readable + off;
    if (pos >= size) pos -= size;
    const first = Math.min(d.length, size - pos);
    this.#buf.set(first === d.length ? d : d.subarray(0, first), pos);
    if (first < d.length) this.#buf.set(d.subarray(first), 0);
  }

  #grow(needed: number): void {
    const size = this.#buf.length;
    const grown = Math.min(this.capacity, Math.max(needed, size * 2, MIN_STORAGE));
    const next = new Uint8Array(grown);
    // Everything from the read head to the end of the furthest out-of-order range moves, holes included.
    const last =
      this.#ends.length > 0 ? this.#readable + seqDiff(this.#ends[this.#ends.length - 1]!, this.#nxt) : this.#readable;
    const first = Math.min(last, size - this.#head);
    next.set(this.#buf.subarray(this.#head, this.#head + first), 0);
    if (first < last) next.set(this.#buf.subarray(0, last - first), first);
    this.#buf = next;
    this.#head = 0;
  }
}
