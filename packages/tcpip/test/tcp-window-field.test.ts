// The advertised window as pure functions: the window field with window scaling and receiver-side
// silly window avoidance, the remembered right edge that never moves back, and when a read is worth
// a window update. Tables of cases, then properties.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seqAdd, seqDiff, seqGe } from "../src/tcp/internal/seq.js";
import { advertisedEdge, advertisedWindow, windowField, windowUpdateDue } from "../src/tcp/internal/window-field.js";

const NXT = 0xffff_ff00; // near the wrap, so every case crosses 2^32
const MSS = 1460;

describe("window field", () => {
  // [case, space, capacity, advertised (edge - RCV.NXT), shift, field]
  const table: ReadonlyArray<readonly [string, number, number, number, number, number]> = [
    ["a fresh window, unscaled", 65535, 65535, 0, 0, 65535],
    ["capped at 65535 without scaling", 200_000, 200_000, 0, 0, 65535],
    ["scaled by the shift", 1 << 20, 1 << 20, 0, 5, 32768],
    ["scaled, rounded down", (1 << 20) - 100, 1 << 20, 0, 5, 32764],
    ["an opening smaller than one MSS keeps the old edge", 60_500, 65535, 60_000, 0, 60_000],
    ["an opening of one MSS moves it", 61_460, 65535, 60_000, 0, 61_460],
    ["a small buffer: half the buffer is enough", 2000, 2000, 1000, 0, 2000],
    ["a small buffer: less than half is not", 1999, 2000, 1000, 0, 1000],
    ["less space than advertised (data arrived): the space", 30_000, 65535, 40_000, 0, 30_000],
    ["a zero window", 0, 65535, 0, 0, 0],
    ["an edge behind RCV.NXT counts as nothing advertised", 10_000, 65535, -50, 0, 10_000],
    ["scaled small opening re-advertises the old edge", 1000 * 128 + 500, 1 << 22, 1000 * 128, 7, 1000],
  ];

  it.each(table)("%s", (_case, space, capacity, advertised, shift, field) => {
    expect(windowField(space, capacity, MSS, advertisedWindow(NXT, seqAdd(NXT, advertised)), shift)).toBe(field);
  });

  it("remembers the further right edge", () => {
    expect(advertisedEdge(NXT, 100, 0, seqAdd(NXT, 50))).toBe(seqAdd(NXT, 100));
    expect(advertisedEdge(NXT, 100, 0, seqAdd(NXT, 150))).toBe(seqAdd(NXT, 150));
    expect(advertisedEdge(NXT, 100, 3, seqAdd(NXT, 50))).toBe(seqAdd(NXT, 800));
  });

  const arbitrary = fc
    .record({
      capacity: fc.integer({ min: 1, max: 1 << 24 }),
      used: fc.nat({ max: 1 << 24 }),
      advertised: fc.integer({ min: -1000, max: 1 << 24 }),
      shift: fc.integer({ min: 0, max: 14 }),
      mss: fc.integer({ min: 88, max: 9000 }),
      rcvNxt: fc.nat({ max: 0xffffffff }),
    })
    .map((r) => ({ ...r, space: Math.max(0, r.capacity - r.used), advEdge: seqAdd(r.rcvNxt, r.advertised) }));

  it("fits 16 bits, never offers more than the free space, and never moves the edge back (property)", () => {
    fc.assert(
      fc.property(arbitrary, ({ space, capacity, mss, rcvNxt, advEdge, shift }) => {
        const field = windowField(space, capacity, mss, advertisedWindow(rcvNxt, advEdge), shift);
        expect(Number.isInteger(field) && field >= 0 && field <= 65535).toBe(true);
        expect(field * 2 ** shift).toBeLessThanOrEqual(space);
        const edge = advertisedEdge(rcvNxt, field, shift, advEdge);
        expect(seqGe(edge, advEdge)).toBe(true);
        expect(seqGe(edge, seqAdd(rcvNxt, field << shift))).toBe(true);
      }),
    );
  });

  it("moves the edge forward only by at least min(capacity / 2, MSS) (property)", () => {
    fc.assert(
      fc.property(arbitrary, ({ space, capacity, mss, rcvNxt, advEdge, shift }) => {
        const advertised = Math.max(0, seqDiff(advEdge, rcvNxt));
        expect(advertisedWindow(rcvNxt, advEdge)).toBe(advertised);
        const field = windowField(space, capacity, mss, advertised, shift);
        if (space > advertised && space - advertised < Math.min(capacity / 2, mss)) {
          expect(field).toBe(Math.min(advertised >>> shift, 65535));
        } else {
          expect(field).toBe(Math.min(space >>> shift, 65535));
        }
      }),
    );
  });
});

describe("window update after a read", () => {
  // [case, space, capacity, advertised, shift, due]
  const table: ReadonlyArray<readonly [string, number, number, number, number, boolean]> = [
    ["a closed window reopened", 65535, 65535, 0, 0, true],
    ["doubled by more than one MSS", 40_000, 65535, 20_000, 0, true],
    ["grown, but not doubled", 39_999, 65535, 20_000, 0, false],
    ["doubled by less than one MSS", 2000, 65535, 1000, 0, false],
    ["beyond 65535 unscaled, only what the field expresses counts", 1 << 20, 1 << 20, 40_000, 0, false],
    ["beyond 65535 scaled", 1 << 20, 1 << 20, 40_000, 4, true],
  ];

  it.each(table)("%s", (_case, space, capacity, advertised, shift, due) => {
    expect(windowUpdateDue(space, capacity, MSS, advertisedWindow(NXT, seqAdd(NXT, advertised)), shift)).toBe(due);
  });
});
