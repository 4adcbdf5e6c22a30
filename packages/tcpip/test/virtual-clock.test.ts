import { VirtualClock } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";

describe("VirtualClock", () => {
  it("starts where asked and only moves when advanced", () => {
    const clock = new VirtualClock(5);
    expect(clock.now()).toBe(5);
    clock.advance(10);
    expect(clock.now()).toBe(15);
  });

  it("fires timers in due order, ties in creation order, with time set to each due time", () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimer(30, () => log.push(`c@${clock.now()}`));
    clock.setTimer(10, () => log.push(`a@${clock.now()}`));
    clock.setTimer(10, () => log.push(`b@${clock.now()}`));
    clock.advance(25);
    expect(log).toEqual(["a@10", "b@10"]);
    clock.advance(5);
    expect(log).toEqual(["a@10", "b@10", "c@30"]);
  });

  it("fires timers scheduled by callbacks within the same advance", () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    clock.setTimer(1, () => {
      log.push(clock.now());
      clock.setTimer(1, () => log.push(clock.now()));
    });
    clock.advance(2);
    expect(log).toEqual([1, 2]);
  });

  it("cancel releases a timer, and a second cancel is harmless", () => {
    const clock = new VirtualClock();
    let fired = false;
    const t = clock.setTimer(1, () => (fired = true));
    expect(clock.pendingTimers).toBe(1);
    t.cancel();
    t.cancel();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(5);
    expect(fired).toBe(false);
    expect(clock.nextDue()).toBeUndefined();
  });

  it("step jumps to the next timer and reports when none is left", () => {
    const clock = new VirtualClock();
    clock.setTimer(100, () => undefined);
    expect(clock.step()).toBe(true);
    expect(clock.now()).toBe(100);
    expect(clock.step()).toBe(false);
  });

  it("rejects negative or NaN delays", () => {
    const clock = new VirtualClock();
    expect(() => clock.setTimer(-1, () => undefined)).toThrow(RangeError);
    expect(() => clock.setTimer(Number.NaN, () => undefined)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it("keeps order for many random timers (heap property)", () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    for (let i = 0; i < 500; i++) {
      const delay = (i * 7919) % 1000;
      clock.setTimer(delay, () => fired.push(clock.now()));
    }
    clock.advance(1000);
    expect(fired).toHaveLength(500);
    expect([...fired].sort((a, b) => a - b)).toEqual(fired);
  });
});
