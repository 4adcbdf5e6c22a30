// The sender's loss recovery on its own: when fast recovery starts, how it ends, and that a long
// loss-free transfer (sequence numbers more than 2^31 past the last recovery) does not block it.
import { describe, expect, it } from "vitest";
import { DUP_THRESH, LossRecovery } from "../src/tcp/internal/loss-recovery.js";
import { seqAdd } from "../src/tcp/internal/seq.js";

const SMSS = 1000;

/** Three duplicate ACKs at `una`: whether fast recovery may start. */
function lossAt(recovery: LossRecovery, una: number): boolean {
  for (let i = 0; i < DUP_THRESH; i++) recovery.onDupAck(una);
  return recovery.shouldEnterRecovery(una);
}

describe("LossRecovery", () => {
  it("enters fast recovery on the third duplicate ACK, once per window, and leaves it at the recovery point", () => {
    const recovery = new LossRecovery(16);
    recovery.start(0, false, SMSS);
    recovery.onDupAck(0);
    recovery.onDupAck(0);
    expect(recovery.shouldEnterRecovery(0)).toBe(false);
    expect(lossAt(recovery, 0)).toBe(true);
    recovery.enterRecovery(0, 10 * SMSS);
    expect(recovery.shouldEnterRecovery(0)).toBe(false);
    expect(recovery.onCumulativeAck(SMSS, 10 * SMSS, SMSS)).toBe("partial");
    expect(recovery.phase).toBe("recovery");
    expect(recovery.onCumulativeAck(10 * SMSS, 10 * SMSS, 9 * SMSS)).toBe("exit-recovery");
    expect(recovery.phase).toBe("open");
    expect(recovery.dupAcks).toBe(0);
  });

  it("a timeout marks everything outstanding lost; abandoning recovery opens it again", () => {
    const recovery = new LossRecovery(16);
    recovery.start(0, false, SMSS);
    recovery.onTimeout(0, 5 * SMSS, false);
    expect([recovery.phase, recovery.recoveryPoint, recovery.lostEnd]).toEqual(["loss", 5 * SMSS, 5 * SMSS]);
    expect(recovery.nextRetransmit(0, 5 * SMSS, SMSS)).toBe(true);
    expect([recovery.rtxStart, recovery.rtxEnd]).toEqual([0, SMSS]);
    recovery.abandon(2 * SMSS);
    expect([recovery.phase, recovery.recoveryPoint, recovery.highRxt, recovery.lostEnd, recovery.dupAcks]).toEqual([
      "open",
      2 * SMSS,
      2 * SMSS,
      2 * SMSS,
      0,
    ]);
  });

  it("still starts fast recovery after more than 2^31 bytes acknowledged without loss", () => {
    const recovery = new LossRecovery(16);
    const iss = 0x1000;
    recovery.start(iss, false, SMSS);
    let una = iss;
    // Three cumulative ACKs of 1 GiB each: SND.UNA ends 3 GiB (more than 2^31) past the start.
    for (let i = 0; i < 3; i++) {
      const next = seqAdd(una, 2 ** 30);
      expect(recovery.onCumulativeAck(next, seqAdd(next, 10 * SMSS), 2 ** 30)).toBe("none");
      una = next;
    }
    expect(lossAt(recovery, una)).toBe(true);
  });
});
