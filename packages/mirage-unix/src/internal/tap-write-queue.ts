/**
 * The tap's batched writes: the frames written during one synchronous burst are filled in place in
 * one staging buffer, back to back (each behind its virtio-net header when the tap has one), and
 * handed to the addon's `writeFrames` in one call at the end of the burst (a microtask) or when the
 * buffer is full: one crossing into C for many frames, one write(2) per frame there (a tap takes one
 * packet per write), and no copy of the frame bytes on the way.
 *
 * Each frame's write resolves after the flush with that frame's own outcome, as the single write it
 * replaces did: `ok`, or an error naming the errno. A full tap (EAGAIN, ENOBUFS) drops the frame, as
 * a NIC does when its ring is full: the write fails and the frame is counted in {@link refused}
 * (the kernel does not count those itself).
 *
 * @packageDocumentation
 */

import { type NetError, type Result, err, ok } from "@mirage-ts/mirage-types";
import { errnoName } from "./system-error.js";

/** The addon's batch write (see native/tap.c). */
export type WriteFrames = (
  fd: number,
  data: Uint8Array,
  ends: Uint32Array,
  count: number,
  errors: Int32Array,
) => number;

/** Frames per flush at most. */
export const MAX_BATCH_FRAMES = 256;
/** The staging buffer: 256 small frames, or 16 of the largest a tap with offloads takes (64 KiB). */
export const STAGING_BYTES = 1 << 20;

/** Errors meaning the tap had no room for the frame: it is dropped, as by a full NIC ring. */
const FULL = new Set(["EAGAIN", "EWOULDBLOCK", "ENOBUFS"]);
const OK: Result<void, NetError> = ok();

/** One flush's frames: their writes wait on `done`, then read their own errno. */
class Batch {
  readonly done: Promise<void>;
  resolve!: () => void;
  /** errno per failed frame index; most batches have none. */
  failed: Map<number, number> | undefined;
  /** Set when the whole call failed (bad arguments): every frame's outcome. */
  failure: Result<void, NetError> | undefined;

  constructor() {
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }
}

/** The write queue of one tap descriptor. */
export class TapWriteQueue {
  readonly #writeFrames: WriteFrames;
  readonly #fd: number;
  readonly #name: string;
  /** Bytes in front of each frame: the virtio-net header's, or 0. */
  readonly #header: number;
  readonly #staging = new Uint8Array(STAGING_BYTES);
  readonly #ends = new Uint32Array(MAX_BATCH_FRAMES);
  readonly #errors = new Int32Array(MAX_BATCH_FRAMES);
  #count = 0;
  #used = 0;
  /** Where the frame handed out by {@link frameBuffer} starts, until it is queued; -1 for none. */
  #reserved = -1;
  #batch = new Batch();
  #scheduled = false;
  #refused = 0;
  #closed = false;

  constructor(writeFrames: WriteFrames, fd: number, name: string, headerSize: number) {
    this.#writeFrames = writeFrames;
    this.#fd = fd;
    this.#name = name;
    this.#header = headerSize;
  }

  /** Frames dropped because the tap was full (EAGAIN, ENOBUFS) since the queue was made. */
  get refused(): number {
    return this.#refused;
  }

  /**
   * A zeroed buffer of `size` bytes in the staging memory for the next frame, with room for its
   * header in front, or `undefined` when the frame cannot fit or another frame is being filled (the
   * caller then allocates). Frames queued before are flushed first when the staging memory or the
   * batch is full. The buffer is the next frame's until {@link push} or {@link cancelFrameBuffer}.
   */
  frameBuffer(size: number): Uint8Array | undefined {
    if (this.#closed || this.#reserved >= 0 || size + this.#header > STAGING_BYTES) return undefined;
    this.#makeRoom(size);
    this.#reserved = this.#used + this.#header;
    return this.#staging.subarray(this.#reserved, this.#reserved + size).fill(0);
  }

  /** Gives back the buffer of {@link frameBuffer}: its frame will not be sent (its fill failed). */
  cancelFrameBuffer(): void {
    this.#reserved = -1;
  }

  /**
   * Queues `frame` behind `header` (both copied, unless the frame is the buffer {@link frameBuffer}
   * handed out, which is not; a missing header is zeros, one on a queue without headers is ignored)
   * and resolves with its outcome after the flush.
   */
  push(frame: Uint8Array, header: Uint8Array | undefined): Promise<Result<void, NetError>> {
    if (this.#closed) return Promise.resolve(err({ kind: "disconnected" }));
    if (frame.length + this.#header > STAGING_BYTES) return Promise.resolve(err({ kind: "invalid_length" }));
    const reserved = this.#reserved;
    let start: number;
    if (reserved >= 0 && frame.buffer === this.#staging.buffer && frame.byteOffset === reserved) {
      this.#reserved = -1;
      start = reserved - this.#header;
      // A frame written alone while this one was being filled flushed the queue: close the gap.
      if (start !== this.#used) this.#staging.copyWithin(this.#used + this.#header, reserved, reserved + frame.length);
      start = this.#used;
    } else if (reserved >= 0) {
      // Written from inside another frame's fill function: that frame's buffer must stay as it is.
      return Promise.resolve(this.#writeAlone(frame, header));
    } else {
      this.#makeRoom(frame.length);
      start = this.#used;
      this.#staging.set(frame, start + this.#header);
    }
    if (this.#header > 0) {
      if (header === undefined) this.#staging.fill(0, start, start + this.#header);
      else this.#staging.set(header.subarray(0, this.#header), start);
    }
    const index = this.#count++;
    this.#used = start + this.#header + frame.length;
    this.#ends[index] = this.#used;
    const batch = this.#batch;
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#flushLater);
    }
    if (this.#count === MAX_BATCH_FRAMES) this.flush();
    return batch.done.then(() => batch.failure ?? this.#outcome(batch.failed?.get(index)));
  }

  /** Writes the queued frames now and settles their writes. */
  flush(): void {
    const count = this.#count;
    if (count === 0) return;
    const batch = this.#batch;
    this.#batch = new Batch();
    this.#count = 0;
    this.#used = 0;
    try {
      const failures = this.#writeFrames(this.#fd, this.#staging, this.#ends, count, this.#errors);
      if (failures > 0) batch.failed = this.#collectFailures(count);
    } catch (error) {
      batch.failure = err(this.#callFailed(error));
    }
    batch.resolve();
  }

  /** Flushes what is queued; later writes fail with `disconnected` (the descriptor is closed next). */
  close(): void {
    this.flush();
    this.#closed = true;
  }

  readonly #flushLater = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  #makeRoom(size: number): void {
    if (this.#count === MAX_BATCH_FRAMES || this.#used + this.#header + size > STAGING_BYTES) this.flush();
  }

  /** Sends one frame now, after the queued ones, from a buffer of its own. */
  #writeAlone(frame: Uint8Array, header: Uint8Array | undefined): Result<void, NetError> {
    this.flush();
    const data = new Uint8Array(this.#header + frame.length);
    if (header !== undefined && this.#header > 0) data.set(header.subarray(0, this.#header));
    data.set(frame, this.#header);
    const errors = new Int32Array(1);
    try {
      this.#writeFrames(this.#fd, data, Uint32Array.of(data.length), 1, errors);
    } catch (error) {
      return err(this.#callFailed(error));
    }
    if (errors[0] !== 0) this.#collectFailures(1, errors);
    return this.#outcome(errors[0] === 0 ? undefined : errors[0]);
  }

  #callFailed(error: unknown): NetError {
    return { kind: "msg", message: `netif ${this.#name}: write failed: ${(error as Error).message}` };
  }

  #collectFailures(count: number, errors = this.#errors): Map<number, number> {
    const failed = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const errno = errors[i]!;
      if (errno === 0) continue;
      failed.set(i, errno);
      if (FULL.has(errnoName(errno)[0])) this.#refused++;
    }
    return failed;
  }

  #outcome(errno: number | undefined): Result<void, NetError> {
    if (errno === undefined) return OK;
    const [code, text] = errnoName(errno);
    const message = FULL.has(code)
      ? `the tap's queue is full (${code}): frame dropped`
      : `write failed: ${code}: ${text}${code === "EIO" ? " (is the interface up?)" : ""}`;
    return err({ kind: "msg", message: `netif ${this.#name}: ${message}` });
  }
}
