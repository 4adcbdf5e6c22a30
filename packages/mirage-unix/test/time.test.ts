import { unixMClock, unixPClock, unixRandom, unixSleep } from "@mirage-ts/mirage-unix";
import { describe, expect, it } from "vitest";

describe("unixSleep", () => {
  it("resolves after at least the requested nanoseconds of the monotonic clock", async () => {
    for (const ns of [0n, 1n, 999_999n, 3_000_000n, 12_345_678n]) {
      const start = process.hrtime.bigint();
      await unixSleep.sleepNs(ns);
      expect(process.hrtime.bigint() - start).toBeGreaterThanOrEqual(ns);
    }
  });

  it("yields to the event loop even for zero", async () => {
    let ticked = false;
    setImmediate(() => (ticked = true));
    await unixSleep.sleepNs(0n);
    expect(ticked).toBe(true);
  });

  it("rejects negative and non-bigint durations", () => {
    expect(() => unixSleep.sleepNs(-1n)).toThrow(RangeError);
    expect(() => unixSleep.sleepNs(-1n)).toThrow("sleepNs: the duration must not be negative, got -1 ns");
    expect(() => unixSleep.sleepNs(5 as unknown as bigint)).toThrow(TypeError);
  });
});

describe("unixMClock", () => {
  it("never goes backwards and counts nanoseconds", async () => {
    const a = unixMClock.elapsedNs();
    const b = unixMClock.elapsedNs();
    expect(b).toBeGreaterThanOrEqual(a);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(unixMClock.elapsedNs() - b).toBeGreaterThanOrEqual(4_000_000n);
    expect(a).toBeGreaterThanOrEqual(0n);
  });

  it("reports its period on Linux", () => {
    expect(unixMClock.periodNs()).toBe(process.platform === "linux" ? 1n : undefined);
  });
});

describe("unixPClock", () => {
  it("gives POSIX time as days and picoseconds consistent with Date", () => {
    const before = Date.now();
    const { days, ps } = unixPClock.nowDPs();
    const after = Date.now();
    const ms = days * 86_400_000 + Number(ps / 1_000_000_000n);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
    expect(ps).toBeGreaterThanOrEqual(0n);
    expect(ps).toBeLessThanOrEqual(86_399_999_999_999_999n);
    const early = Date.now();
    const now = unixPClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(early);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it("has a millisecond period and the time zone offset in seconds east of UTC", () => {
    expect(unixPClock.periodDPs()).toEqual({ days: 0, ps: 1_000_000_000n });
    expect(unixPClock.currentTzOffsetS()).toBe(-new Date().getTimezoneOffset() * 60);
  });
});

describe("unixRandom", () => {
  it("generates the requested number of bytes, different each time", () => {
    expect(unixRandom.generate(0)).toHaveLength(0);
    const a = unixRandom.generate(32);
    const b = unixRandom.generate(32);
    expect(a).toHaveLength(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it("fills only the requested range", () => {
    const buffer = new Uint8Array(64);
    unixRandom.generateInto(buffer, 16, 32);
    expect(buffer.subarray(0, 16).every((x) => x === 0)).toBe(true);
    expect(buffer.subarray(48).every((x) => x === 0)).toBe(true);
    expect(buffer.subarray(16, 48).some((x) => x !== 0)).toBe(true);
    const whole = new Uint8Array(4096);
    unixRandom.generateInto(whole);
    // 4096 random bytes take most of the 256 values
    expect(new Set(whole).size).toBeGreaterThan(200);
  });

  it("rejects bad counts and ranges", () => {
    expect(() => unixRandom.generate(-1)).toThrow(RangeError);
    expect(() => unixRandom.generate(1.5)).toThrow(RangeError);
    expect(() => unixRandom.generateInto(new Uint8Array(8), 4, 5)).toThrow(
      "offset 4 + length 5 exceeds the buffer's 8 bytes",
    );
    expect(() => unixRandom.generateInto(new Uint8Array(8), -1)).toThrow(RangeError);
  });
});
