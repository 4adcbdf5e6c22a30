// The spurious-recovery undo (Eifel detection, RFC 3522) on its own: which cumulative ACKs prove a
// fast recovery spurious, which invalidate the evidence, and what the undo does.
import { describe, expect, it } from "vitest";
import type { CongestionController } from "../src/tcp/congestion.js";
import { Counters } from "../src/tcp/internal/counters.js";
import { LossRecovery } from "../src/tcp/internal/loss-recovery.js";
import { armUndo, spuriousUndo, undoAtRecoveryEnd, undoEarly } from "../src/tcp/internal/spurious-undo.js";

const SMSS = 100;
const UNA = 1000;
const TS_AT_RECOVERY = 5000;

/** A recovery entered at UNA with 1000 bytes in flight, `retransmitted` bytes of it sent again. */
function setup(retransmitted: number) {
  const recovery = new LossRecovery(16);
  recovery.start(UNA, false, SMSS);
  recovery.enterRecovery(UNA, UNA + 1000);
  recovery.retransmitted(UNA + retransmitted);
  const undone: number[] = [];
  const cc: CongestionController = {
    name: "recording",
    cwnd: 10 * SMSS,
    ssthresh: 5 * SMSS,
    onAck: () => {},
    onCongestion: () => {},
    onRecoveryEnd: () => {},
    onTimeout: () => {},
    onUndo: (now) => {
      undone.push(now);
    },
  };
  const counters = new Counters();
  const undo = spuriousUndo();
  armUndo(undo, UNA, TS_AT_RECOVERY);
  return { recovery, cc, counters, undo, undone };
}

describe("spurious recovery undo", () => {
  it("undoes at once when the only retransmission's hole is filled by the original segment", () => {
    const { recovery, cc, counters, undo, undone } = setup(SMSS);
    undoEarly(undo, recovery, cc, counters, UNA, UNA + SMSS, TS_AT_RECOVERY - 10, SMSS, 42);
    expect(undone).toEqual([42]);
    expect(counters.spuriousRecoveries).toBe(1);
    expect(undo.armed).toBe(false);
    expect(recovery.phase).toBe("open");
  });

  it.each([
    ["echoes a timestamp from the retransmission or later", TS_AT_RECOVERY],
    ["echoes no timestamp", 0],
  ])("drops the evidence when an ACK of retransmitted data %s", (_case, tsEcr) => {
    const { recovery, cc, counters, undo, undone } = setup(SMSS);
    undoEarly(undo, recovery, cc, counters, UNA, UNA + SMSS, tsEcr, SMSS, 42);
    expect(undo.armed).toBe(false);
    expect(undone).toEqual([]);
    expect(recovery.phase).toBe("recovery");
    expect(undoAtRecoveryEnd(undo, cc, counters, 43)).toBe(false);
    expect(counters.spuriousRecoveries).toBe(0);
  });

  it("with several retransmissions, waits for the end of the recovery to undo", () => {
    const { recovery, cc, counters, undo, undone } = setup(3 * SMSS);
    undoEarly(undo, recovery, cc, counters, UNA, UNA + SMSS, TS_AT_RECOVERY - 10, SMSS, 42);
    expect(undo.armed).toBe(true);
    expect(undone).toEqual([]);
    expect(undoAtRecoveryEnd(undo, cc, counters, 43)).toBe(true);
    expect(undone).toEqual([43]);
    expect(counters.spuriousRecoveries).toBe(1);
    expect(undoAtRecoveryEnd(undo, cc, counters, 44)).toBe(false);
  });

  it("says nothing about ACKs beyond the retransmitted data, or when no recovery is watched", () => {
    const { recovery, cc, counters, undo, undone } = setup(SMSS);
    undoEarly(undo, recovery, cc, counters, UNA + SMSS, UNA + 2 * SMSS, TS_AT_RECOVERY + 10, SMSS, 42);
    expect(undo.armed).toBe(true);
    undo.armed = false;
    undoEarly(undo, recovery, cc, counters, UNA, UNA + SMSS, TS_AT_RECOVERY - 10, SMSS, 42);
    expect(undone).toEqual([]);
    expect(recovery.phase).toBe("recovery");
  });
});
