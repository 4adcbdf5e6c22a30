// The segment acceptability test of RFC 9293 §3.10.7.4 as a pure function: the RFC's table row by
// row, then properties against a reference written with unwrapped integers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { segmentAcceptable } from "../src/tcp/internal/acceptability.js";
import { seqAdd } from "../src/tcp/internal/seq.js";

const NXT = 1000;

describe("segment acceptability (RFC 9293 §3.10.7.4)", () => {
  // [case, SEG.SEQ - RCV.NXT, SEG.LEN, RCV.WND, acceptable]
  const table: ReadonlyArray<readonly [string, number, number, number, boolean]> = [
    ["len 0, wnd 0: exactly RCV.NXT", 0, 0, 0, true],
    ["len 0, wnd 0: one past RCV.NXT", 1, 0, 0, false],
    ["len 0, wnd 0: one before RCV.NXT", -1, 0, 0, false],
    ["len 0, wnd > 0: at RCV.NXT", 0, 0, 100, true],
    ["len 0, wnd > 0: last in window", 99, 0, 100, true],
    ["len 0, wnd > 0: at the right edge", 100, 0, 100, false],
    ["len 0, wnd > 0: before RCV.NXT", -1, 0, 100, false],
    ["len > 0, wnd 0: past RCV.NXT", 1, 10, 0, false],
    ["len > 0, wnd 0: before RCV.NXT", -5, 10, 0, false],
    ["len > 0, wnd 0: at RCV.NXT (an ACK or probe is still processed)", 0, 10, 0, true],
    ["len > 0, wnd > 0: starts in window", 50, 100, 100, true],
    ["len > 0, wnd > 0: starts before, ends in window", -10, 20, 100, true],
    ["len > 0, wnd > 0: ends exactly at RCV.NXT", -10, 11, 100, true],
    ["len > 0, wnd > 0: ends just before RCV.NXT (old duplicate)", -10, 10, 100, false],
    ["len > 0, wnd > 0: starts at the right edge", 100, 10, 100, false],
    ["len > 0, wnd > 0: covers the whole window", -10, 200, 100, false],
  ];

  it.each(table)("%s", (_case, off, segLen, wnd, acceptable) => {
    expect(segmentAcceptable(seqAdd(NXT, off), segLen, NXT, wnd)).toBe(acceptable);
  });

  it("wraps around 2^32", () => {
    expect(segmentAcceptable(5, 10, 0xfffffff0, 100)).toBe(true);
    expect(segmentAcceptable(0xfffffff8, 20, 2, 100)).toBe(true);
    expect(segmentAcceptable(0xfffffff8, 5, 2, 100)).toBe(false);
  });

  const arbitrary = {
    rcvNxt: fc.nat({ max: 0xffffffff }),
    off: fc.integer({ min: -(2 ** 30), max: 2 ** 30 }),
    segLen: fc.oneof(fc.constant(0), fc.constant(1), fc.nat({ max: 2 ** 20 })),
    wnd: fc.oneof(fc.constant(0), fc.nat({ max: 2 ** 30 })),
  };

  it("agrees with the RFC's table in unwrapped arithmetic, wherever RCV.NXT is (property)", () => {
    fc.assert(
      fc.property(arbitrary.rcvNxt, arbitrary.off, arbitrary.segLen, arbitrary.wnd, (rcvNxt, off, segLen, wnd) => {
        const inWindow = (x: number): boolean => x >= 0 && x < wnd;
        const expected =
          off === 0 ||
          (segLen === 0 ? wnd > 0 && inWindow(off) : wnd > 0 && (inWindow(off) || inWindow(off + segLen - 1)));
        expect(segmentAcceptable(seqAdd(rcvNxt, off), segLen, rcvNxt, wnd)).toBe(expected);
      }),
    );
  });

  it("accepts nothing past the window and a window's worth of text at RCV.NXT (property)", () => {
    fc.assert(
      fc.property(
        arbitrary.rcvNxt,
        fc.nat({ max: 2 ** 30 }),
        arbitrary.segLen,
        arbitrary.wnd,
        (rcvNxt, k, len, wnd) => {
          fc.pre(wnd + k > 0);
          expect(segmentAcceptable(seqAdd(rcvNxt, wnd + k), len, rcvNxt, wnd)).toBe(false);
          expect(segmentAcceptable(rcvNxt, len, rcvNxt, wnd)).toBe(true);
        },
      ),
    );
  });
});
