import { describe, expect, it } from "vitest";
import type { CongestionController } from "../src/tcp/congestion.js";
import { initialCongestionWindow } from "../src/tcp/congestion.js";
import { cubic } from "../src/tcp/cubic.js";
import { newReno } from "../src/tcp/new-reno.js";
import { tcpPair } from "./tcp/pair.js";
import { randomBytes, transfer } from "./tcp/transfer.js";

const MSS = 1000;

describe("NewReno", () => {
  it("starts at IW10, doubles per round trip in slow start, adds one MSS per window after", () => {
    const cc = newReno(MSS);
    expect(cc.cwnd).toBe(initialCongestionWindow(MSS));
    expect(initialCongestionWindow(1460)).toBe(14600);
    expect(initialCongestionWindow(500)).toBe(5000);
    for (let i = 0; i < 10; i++) cc.onAck(MSS, true, 0, 10);
    expect(cc.cwnd).toBe(20 * MSS);
    cc.onCongestion(20 * MSS, 0);
    expect([cc.cwnd, cc.ssthresh]).toEqual([10 * MSS, 10 * MSS]);
    for (let i = 0; i < 10; i++) cc.onAck(MSS, true, 0, 10);
    expect(cc.cwnd).toBe(11 * MSS);
    cc.onTimeout(11 * MSS, 0);
    expect([cc.cwnd, cc.ssthresh]).toEqual([MSS, 5.5 * MSS]);
  });

  it("does not grow when the sender is not using its window (RFC 7661)", () => {
    const cc = newReno(MSS);
    const before = cc.cwnd;
    for (let i = 0; i < 100; i++) cc.onAck(MSS, false, 0, 10);
    expect(cc.cwnd).toBe(before);
  });
});

describe("CUBIC (RFC 9438)", () => {
  it("reduces by β = 0.7 and regrows along the cubic curve back to W_max after K seconds", () => {
    const cc = cubic(MSS);
    for (let i = 0; i < 90; i++) cc.onAck(MSS, true, 0, 100);
    expect(cc.cwnd).toBe(100 * MSS);
    cc.onCongestion(100 * MSS, 0);
    expect(cc.cwnd).toBeCloseTo(70 * MSS);
    // K = cbrt(30 / 0.4) ≈ 4.217 s; feed one window of ACKs per 100 ms RTT.
    const samples: number[] = [];
    for (let t = 0; t <= 8000; t += 100) {
      const acks = Math.round(cc.cwnd / MSS);
      for (let i = 0; i < acks; i++) cc.onAck(MSS, true, t, 100);
      samples.push(cc.cwnd / MSS);
    }
    const atK = samples[42]!;
    expect(atK).toBeGreaterThan(97);
    expect(atK).toBeLessThan(103);
    // Concave before K (growth slows), convex after (growth speeds up).
    expect(samples[10]! - samples[5]!).toBeGreaterThan(samples[40]! - samples[35]!);
    expect(samples[80]! - samples[75]!).toBeGreaterThan(samples[50]! - samples[45]!);
  });

  it("uses fast convergence and one MSS after a timeout", () => {
    const cc = cubic(MSS);
    for (let i = 0; i < 90; i++) cc.onAck(MSS, true, 0, 100);
    cc.onCongestion(100 * MSS, 0);
    cc.onCongestion(70 * MSS, 1000);
    expect(cc.ssthresh).toBeCloseTo(49 * MSS);
    cc.onTimeout(49 * MSS, 2000);
    expect(cc.cwnd).toBe(MSS);
  });
});

describe("pluggable congestion control", () => {
  it("a custom controller gets the connection's events and drives its window", async () => {
    const events: string[] = [];
    const factory = (mss: number): CongestionController => {
      const inner = newReno(mss);
      return {
        name: "spy",
        get cwnd() {
          return inner.cwnd;
        },
        get ssthresh() {
          return inner.ssthresh;
        },
        onAck: (...args) => {
          if (events.at(-1) !== "ack") events.push("ack");
          inner.onAck(...args);
        },
        onCongestion: (...args) => {
          events.push("congestion");
          inner.onCongestion(...args);
        },
        onRecoveryEnd: (...args) => {
          events.push("recovery-end");
          inner.onRecoveryEnd(...args);
        },
        onTimeout: (...args) => {
          events.push("timeout");
          inner.onTimeout(...args);
        },
        onUndo: (...args) => {
          events.push("undo");
          inner.onUndo(...args);
        },
      };
    };
    const pair = await tcpPair({
      ab: { delayMs: 5, loss: 0.02 },
      ba: { delayMs: 5 },
      configA: { congestionControl: factory },
      seed: 3,
    });
    const data = randomBytes(2 << 20, 7);
    const r = await transfer(pair, data);
    expect(r.receivedHash).toBe(r.sentHash);
    expect(events).toContain("congestion");
    expect(events).toContain("recovery-end");
    expect(events[0]).toBe("ack");
    expect(pair.a.stats().internalErrors).toBe(0);
  }, 60_000);

  it("undoes a reduction caused by reordering, detected by timestamps (RFC 3522 / 4015)", async () => {
    const pair = await tcpPair({ ab: { delayMs: 5, reorder: 0.01, reorderMs: 3 }, ba: { delayMs: 5 }, seed: 5 });
    const r = await transfer(pair, randomBytes(8 << 20, 9));
    expect(r.receivedHash).toBe(r.sentHash);
    const s = pair.a.stats();
    expect(s.fastRecoveries).toBeGreaterThan(0);
    expect(s.spuriousRecoveries).toBeGreaterThan(0);
    expect(s.spuriousRecoveries).toBeLessThanOrEqual(s.fastRecoveries);
    // Without timestamps nothing can tell reordering from loss.
    const plain = await tcpPair({
      ab: { delayMs: 5, reorder: 0.01, reorderMs: 3 },
      ba: { delayMs: 5 },
      seed: 5,
      config: { timestamps: false },
    });
    await transfer(plain, randomBytes(1 << 20, 9));
    expect(plain.a.stats().spuriousRecoveries).toBe(0);
  }, 60_000);

  it("NewReno and CUBIC restore their state on undo", () => {
    for (const make of [newReno, cubic]) {
      const cc = make(MSS);
      for (let i = 0; i < 20; i++) cc.onAck(MSS, true, 0, 10);
      const before = [cc.cwnd, cc.ssthresh];
      cc.onCongestion(cc.cwnd, 0);
      expect(cc.cwnd).toBeLessThan(before[0]!);
      cc.onUndo(1);
      expect([cc.cwnd, cc.ssthresh]).toEqual(before);
    }
  });

  it("CUBIC moves a transfer through loss intact", async () => {
    const pair = await tcpPair({
      ab: { delayMs: 10, loss: 0.01 },
      ba: { delayMs: 10 },
      config: { congestionControl: "cubic" },
      seed: 4,
    });
    const data = randomBytes(4 << 20, 8);
    const r = await transfer(pair, data);
    expect(r.receivedHash).toBe(r.sentHash);
  }, 60_000);

  it("rejects an unknown controller name", async () => {
    await expect(tcpPair({ config: { congestionControl: "bbr" as "cubic" } })).rejects.toThrow(/congestionControl/);
  });
});
