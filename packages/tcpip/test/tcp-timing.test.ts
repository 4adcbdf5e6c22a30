import { SeededRandom, VirtualClock } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { IsnGenerator } from "../src/tcp/internal/isn.js";
import { RtoEstimator } from "../src/tcp/internal/rto.js";
import { ConnectionTimers, TimerKind } from "../src/tcp/internal/timers.js";

describe("RtoEstimator (RFC 6298)", () => {
  it("starts at the initial RTO and applies the first-sample and smoothing rules", () => {
    const r = new RtoEstimator(1000, 200, 60_000);
    expect(r.rto).toBe(1000);
    r.sample(100);
    expect([r.srtt, r.rttvar, r.rto]).toEqual([100, 50, 300]);
    r.sample(200);
    // RTTVAR = 3/4·50 + 1/4·|100 − 200| = 62.5; SRTT = 7/8·100 + 1/8·200 = 112.5
    expect([r.srtt, r.rttvar, r.rto]).toEqual([112.5, 62.5, 362.5]);
  });

  it("respects the minimum and maximum, doubles on expiry, and a sample ends the backoff", () => {
    const r = new RtoEstimator(1000, 1000, 8000);
    r.sample(10);
    expect(r.rto).toBe(1000);
    r.expired();
    r.expired();
    expect(r.rto).toBe(4000);
    r.expired();
    r.expired();
    r.expired();
    expect(r.rto).toBe(8000);
    r.sample(10);
    expect(r.rto).toBe(1000);
  });
});

describe("ConnectionTimers", () => {
  it("holds one clock timer for several deadlines and fires each at its time", () => {
    const clock = new VirtualClock();
    const counter = { liveTimers: 0 };
    const fired: string[] = [];
    const t = new ConnectionTimers(clock, counter, (k) => fired.push(`${k}@${clock.now()}`));
    t.set(TimerKind.Retransmit, 1000);
    t.set(TimerKind.DelayedAck, 40);
    t.set(TimerKind.Keepalive, 5000);
    expect(clock.pendingTimers).toBe(1);
    expect(counter.liveTimers).toBe(1);
    clock.advance(40);
    expect(fired).toEqual([`${TimerKind.DelayedAck}@40`]);
    t.set(TimerKind.Retransmit, 2000); // pushed later: no new clock timer needed
    clock.advance(1000);
    expect(fired).toHaveLength(1);
    clock.advance(1000);
    expect(fired).toEqual([`${TimerKind.DelayedAck}@40`, `${TimerKind.Retransmit}@2040`]);
    t.clearAll();
    expect(clock.pendingTimers).toBe(0);
    expect(counter.liveTimers).toBe(0);
    clock.advance(10_000);
    expect(fired).toHaveLength(2);
  });

  it("drops the clock timer when the last deadline is cleared", () => {
    const clock = new VirtualClock();
    const counter = { liveTimers: 0 };
    const t = new ConnectionTimers(clock, counter, () => undefined);
    t.set(TimerKind.Linger, 60_000);
    t.setIfUnset(TimerKind.Linger, 1);
    expect(t.deadline(TimerKind.Linger)).toBe(60_000);
    t.clear(TimerKind.Linger);
    expect(clock.pendingTimers).toBe(0);
    expect(counter.liveTimers).toBe(0);
  });
});

describe("IsnGenerator (RFC 6528)", () => {
  it("grows with time for one tuple, differs between tuples and between keys", () => {
    const g = new IsnGenerator(new SeededRandom(1));
    const a0 = g.isn("10.0.0.1|80|10.0.0.2|40000", 0);
    const a1 = g.isn("10.0.0.1|80|10.0.0.2|40000", 1);
    expect((a1 - a0) >>> 0).toBe(250);
    expect(g.isn("10.0.0.1|80|10.0.0.2|40001", 0)).not.toBe(a0);
    expect(new IsnGenerator(new SeededRandom(2)).isn("10.0.0.1|80|10.0.0.2|40000", 0)).not.toBe(a0);
    expect(g.timestampOffset("x")).toBe(g.timestampOffset("x"));
    expect(g.timestampOffset("x")).not.toBe(g.timestampOffset("y"));
  });
});
