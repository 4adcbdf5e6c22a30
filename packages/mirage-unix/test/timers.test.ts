import { unixClock } from "@mirage-ts/mirage-unix";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setIterationHooks } from "../src/internal/iteration.js";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Resolves from a timer of `unixClock` itself: after the timers due before it, in due order. */
const clockWait = (ms: number) => new Promise<void>((resolve) => unixClock.setTimer(ms, resolve));

describe("unixClock", () => {
  afterEach(() => {
    setIterationHooks(undefined);
    vi.useRealTimers();
  });

  it("reads monotonic milliseconds from performance.now()", async () => {
    // Node may run a 5 ms timeout early by its loop's stale time: wait on the high-resolution clock.
    const a = unixClock.now();
    const start = process.hrtime.bigint();
    while (process.hrtime.bigint() - start < 5_000_000n) await wait(1);
    const b = unixClock.now();
    expect(b - a).toBeGreaterThanOrEqual(4.9);
    const before = performance.now();
    const now = unixClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(performance.now());
  });

  it("fires a timer once, no earlier than its delay (within Node's 1 ms granularity)", async () => {
    const start = unixClock.now();
    const fired: number[] = [];
    unixClock.setTimer(15.5, () => fired.push(unixClock.now() - start));
    await clockWait(60);
    expect(fired).toHaveLength(1);
    expect(fired[0]!).toBeGreaterThanOrEqual(14.5);
  });

  it("fires timers in due order and never after cancel", async () => {
    const log: string[] = [];
    unixClock.setTimer(20, () => log.push("b"));
    unixClock.setTimer(5, () => log.push("a"));
    const cancelled = unixClock.setTimer(10, () => log.push("cancelled"));
    const immediate = unixClock.setTimer(0, () => log.push("cancelled immediate"));
    cancelled.cancel();
    immediate.cancel();
    cancelled.cancel();
    await clockWait(50);
    expect(log).toEqual(["a", "b"]);
  });

  // Whether a setImmediate runs before a 1 ms setTimeout is up to the event loop's phase at the
  // call, so only the asynchrony and the order among these timers are checked.
  it("runs a zero or negative delay in a later turn, in the order they were set", async () => {
    const log: string[] = [];
    unixClock.setTimer(0, () => log.push("zero"));
    unixClock.setTimer(-5, () => log.push("negative"));
    expect(log).toEqual([]);
    await clockWait(0);
    expect(log).toEqual(["zero", "negative"]);
  });

  it("chains delays beyond setTimeout's 2^31 - 1 ms limit", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    let fired = false;
    unixClock.setTimer(30 * 86_400_000, () => (fired = true));
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(fired).toBe(false);
    vi.advanceTimersByTime(30 * 86_400_000 - (2 ** 31 - 1));
    expect(fired).toBe(true);
  });

  it("dispatches callbacks as main-loop iterations", async () => {
    const log: string[] = [];
    let left: () => void = () => {};
    const leaving = new Promise<void>((resolve) => (left = resolve));
    setIterationHooks({
      runEnterIterHooks: () => log.push("enter"),
      runLeaveIterHooks: () => {
        log.push("leave");
        left();
      },
    });
    unixClock.setTimer(1, () => log.push("timer"));
    await leaving;
    expect(log).toEqual(["enter", "timer", "leave"]);
  });

  it("rejects a delay that is not a number", () => {
    expect(() => unixClock.setTimer(Number.NaN, () => undefined)).toThrow(TypeError);
    expect(() => unixClock.setTimer("5" as unknown as number, () => undefined)).toThrow(TypeError);
  });
});
