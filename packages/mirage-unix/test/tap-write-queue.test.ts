/**
 * The tap's batched writes with the real addon, on a FIFO instead of a tap (no root needed): a pipe
 * keeps the bytes of every write in order and refuses a write with EAGAIN when full, as a full tap
 * does. What reaches the descriptor is read back and compared with what was written.
 */
import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { describeRequiring, missingTapAddon } from "@mirage-ts/test-support";
import { afterEach, beforeEach, expect, it } from "vitest";
import { type TapAddon, loadTapAddon } from "../src/internal/tap-addon.js";
import { MAX_BATCH_FRAMES, TapWriteQueue, type WriteFrames } from "../src/internal/tap-write-queue.js";
import { tempDir } from "./support/temp-dir.js";

/** A frame of `length` bytes, all `seq & 0xff`. */
const frameOf = (seq: number, length = 60) => new Uint8Array(length).fill(seq & 0xff);

describeRequiring(missingTapAddon(), "the tap's write queue on a FIFO", {}, () => {
  let addon: TapAddon;
  let fd: number;
  let calls: number[];
  let writeFrames: WriteFrames;
  const dir = tempDir("tap-write-queue");
  let fifos = 0;

  beforeEach(() => {
    addon = loadTapAddon();
    const fifo = join(dir, `fifo${fifos++}`);
    execFileSync("mkfifo", [fifo]);
    // Read-write, so the open needs no reader; non-blocking, as a tap's descriptor.
    fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    calls = [];
    writeFrames = (...args) => {
      calls.push(args[3]);
      return addon.writeFrames(...args);
    };
  });

  afterEach(() => {
    try {
      closeSync(fd);
    } catch {
      // a test closed it already
    }
  });

  /** Everything in the FIFO now. */
  function drain(): Uint8Array {
    const chunks: Uint8Array[] = [];
    const chunk = new Uint8Array(65536);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") break;
        throw error;
      }
      if (n === 0) break;
      chunks.push(chunk.slice(0, n));
    }
    return Uint8Array.from(chunks.flatMap((c) => [...c]));
  }

  /** Writes `frame` through the queue as FrameDevice does: filled in place when the queue can. */
  function write(queue: TapWriteQueue, frame: Uint8Array, header?: Uint8Array) {
    const staged = queue.frameBuffer(frame.length);
    if (staged === undefined) return queue.push(frame, header);
    staged.set(frame);
    return queue.push(staged, header);
  }

  it("writes a burst's frames in one call per 256, in order, resolving each after the flush", async () => {
    const queue = new TapWriteQueue(writeFrames, fd, "fifo0", 0);
    const count = MAX_BATCH_FRAMES + 44;
    let settled = 0;
    const writes = Array.from({ length: count }, (_, seq) =>
      write(queue, frameOf(seq, 60 + (seq % 3))).then((result) => {
        settled++;
        return result;
      }),
    );
    // The first 256 went out when the batch was full; the rest wait for the end of the burst.
    expect(calls).toEqual([MAX_BATCH_FRAMES]);
    expect(settled).toBe(0);
    expect(await Promise.all(writes)).toEqual(Array(count).fill({ ok: true, value: undefined }));
    expect(calls).toEqual([MAX_BATCH_FRAMES, 44]);
    const expected = Array.from({ length: count }, (_, seq) => [...frameOf(seq, 60 + (seq % 3))]).flat();
    expect(drain()).toEqual(Uint8Array.from(expected));
  });

  it("puts each frame behind its header, copied, the frame itself filled in place", async () => {
    const queue = new TapWriteQueue(writeFrames, fd, "fifo0", 12);
    const staged = queue.frameBuffer(20);
    expect(staged?.every((byte) => byte === 0)).toBe(true);
    staged?.fill(7);
    const header = new Uint8Array(12).fill(1);
    const first = queue.push(staged!.subarray(0, 16), header);
    header.fill(2); // reused by the caller at once, as the tap does with its offload header
    const second = write(queue, frameOf(9, 30), header);
    expect(await Promise.all([first, second])).toEqual([
      { ok: true, value: undefined },
      { ok: true, value: undefined },
    ]);
    expect(calls).toEqual([2]);
    const frames = [...Array(12).fill(1), ...Array(16).fill(7), ...Array(12).fill(2), ...Array(30).fill(9)];
    expect(drain()).toEqual(Uint8Array.from(frames));
    // Where a header was, a frame without one gets zeros, not the last header's bytes.
    expect(await write(queue, frameOf(5, 20))).toEqual({ ok: true, value: undefined });
    expect(drain()).toEqual(Uint8Array.from([...Array(12).fill(0), ...frameOf(5, 20)]));
  });

  it("drops frames a full descriptor refuses (EAGAIN), failing their writes and counting them", async () => {
    const queue = new TapWriteQueue(writeFrames, fd, "fifo0", 0);
    // A pipe holds 64 KiB: 16 frames of 4000 bytes fit, the 17th does not (writes of 4 KiB or less
    // are all or nothing). Frames after a refused one are still tried: 60 bytes fit in the rest.
    const sizes = [...Array(20).fill(4000), 60];
    const results = await Promise.all(sizes.map((size, seq) => write(queue, frameOf(seq, size))));
    expect(calls).toEqual([21]);
    const full = {
      ok: false,
      error: { kind: "msg", message: "netif fifo0: the tap's queue is full (EAGAIN): frame dropped" },
    };
    expect(results).toEqual([
      ...Array(16).fill({ ok: true, value: undefined }),
      ...Array(4).fill(full),
      { ok: true, value: undefined },
    ]);
    expect(queue.refused).toBe(4);
    const expected = [...sizes.slice(0, 16).flatMap((size, seq) => [...frameOf(seq, size)]), ...frameOf(20)];
    expect(drain()).toEqual(Uint8Array.from(expected));
  });

  it("reports EBADF for a descriptor closed under it, and `disconnected` once closed itself", async () => {
    const queue = new TapWriteQueue(writeFrames, fd, "fifo0", 0);
    const pending = write(queue, frameOf(1));
    closeSync(fd);
    expect(await pending).toEqual({
      ok: false,
      error: { kind: "msg", message: "netif fifo0: write failed: EBADF: bad file descriptor" },
    });
    expect(queue.refused).toBe(0);
    queue.close();
    expect(await write(queue, frameOf(2))).toEqual({ ok: false, error: { kind: "disconnected" } });
    expect(calls).toEqual([1]);
  });

  it("flushes the burst on close, before the descriptor goes", async () => {
    const queue = new TapWriteQueue(writeFrames, fd, "fifo0", 0);
    const writes = [write(queue, frameOf(1)), write(queue, frameOf(2))];
    queue.close();
    expect(calls).toEqual([2]);
    expect(await Promise.all(writes)).toEqual([
      { ok: true, value: undefined },
      { ok: true, value: undefined },
    ]);
    expect(drain()).toEqual(Uint8Array.from([...frameOf(1), ...frameOf(2)]));
  });

  it("keeps a frame being filled intact when another is written from inside its fill", async () => {
    const queue = new TapWriteQueue(writeFrames, fd, "fifo0", 0);
    const before = write(queue, frameOf(1));
    const outer = queue.frameBuffer(60)!;
    outer.fill(3);
    // A nested write cannot have staging memory: it goes out alone, after what was queued.
    expect(queue.frameBuffer(60)).toBeUndefined();
    expect(await queue.push(frameOf(2), undefined)).toEqual({ ok: true, value: undefined });
    const last = queue.push(outer, undefined);
    expect(await Promise.all([before, last])).toEqual([
      { ok: true, value: undefined },
      { ok: true, value: undefined },
    ]);
    expect(drain()).toEqual(Uint8Array.from([...frameOf(1), ...frameOf(2), ...frameOf(3)]));
    // A buffer given back (its fill failed) is not sent, and the next frame gets staging memory again.
    queue.frameBuffer(60)!.fill(4);
    queue.cancelFrameBuffer();
    expect(await write(queue, frameOf(5))).toEqual({ ok: true, value: undefined });
    expect(drain()).toEqual(frameOf(5));
  });

  it("the addon checks where the frames end before writing any", () => {
    const errors = new Int32Array(2);
    const data = new Uint8Array(100);
    expect(() => addon.writeFrames(fd, data, Uint32Array.of(50, 101), 2, errors)).toThrow(
      new RangeError(
        "writeFrames: frame 1 ends outside its data or before it starts (count 2, 2 ends, 2 errors, 100 bytes)",
      ),
    );
    expect(() => addon.writeFrames(fd, data, Uint32Array.of(50, 40), 2, errors)).toThrow(RangeError);
    expect(() => addon.writeFrames(fd, data, Uint32Array.of(50), 2, errors)).toThrow(RangeError);
    expect(() => addon.writeFrames(fd, data, new Uint32Array(2) as never, 2, new Uint32Array(2) as never)).toThrow(
      TypeError,
    );
    expect(drain()).toEqual(new Uint8Array(0));
    expect(addon.writeFrames(fd, data, Uint32Array.of(50, 100), 2, errors)).toBe(0);
    expect([...errors]).toEqual([0, 0]);
    expect(drain()).toEqual(data);
  });
});
