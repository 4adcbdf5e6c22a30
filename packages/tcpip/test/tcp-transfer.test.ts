/**
 * Stack-to-stack transfers of 64 MiB on the virtual clock, SHA-256 compared end to end, under loss,
 * reordering, duplication and corruption (corrupted segments fail the checksum, are dropped and then
 * retransmitted). Prints a table of throughput by loss and round-trip time. Throughput is in virtual
 * time, so the figures are exactly repeatable; wall time is printed alongside for information only.
 */

import type { LinkImpairments } from "@mirage-ts/tcpip";
import { afterAll, describe, expect, it } from "vitest";
import { tcpPair } from "./tcp/pair.js";
import { randomBytes, transfer } from "./tcp/transfer.js";

const MiB = 1 << 20;
const SIZE = 64 * MiB;
const BANDWIDTH = 1e9;
const BUFFER = 4 * MiB;
const data = randomBytes(SIZE, 2026);

interface Row {
  readonly name: string;
  readonly rttMs: number;
  readonly loss: number;
  readonly mbps: number;
  readonly wallMs: number;
  readonly retransmits: number;
}
const rows: Row[] = [];

async function run(
  name: string,
  rttMs: number,
  impairments: Omit<LinkImpairments, "delayMs" | "bandwidth"> = {},
): Promise<void> {
  const link: LinkImpairments = {
    delayMs: rttMs / 2,
    bandwidth: BANDWIDTH,
    queueMs: Math.max(5, rttMs),
    ...impairments,
  };
  const pair = await tcpPair({
    ab: link,
    ba: link,
    config: { sendBufferSize: BUFFER, receiveBufferSize: BUFFER },
    seed: rttMs * 1000 + 7,
  });
  const result = await transfer(pair, data);
  expect(result.receivedBytes).toBe(SIZE);
  expect(result.receivedHash).toBe(result.sentHash);
  for (const layer of [pair.a, pair.b]) expect(layer.stats().internalErrors).toBe(0);
  if (impairments.corrupt !== undefined) {
    expect(pair.a.stats().badChecksum + pair.b.stats().badChecksum).toBeGreaterThan(0);
  }
  rows.push({
    name,
    rttMs,
    loss: impairments.loss ?? 0,
    mbps: (SIZE * 8) / result.virtualMs / 1000,
    wallMs: result.wallMs,
    retransmits: pair.a.stats().retransmittedSegments,
  });
}

describe("64 MiB stack-to-stack transfers", () => {
  for (const rttMs of [2, 20, 100]) {
    for (const loss of [0, 0.01, 0.05]) {
      it(
        `RTT ${rttMs} ms, ${loss * 100}% loss`,
        () => run(`loss ${loss * 100}%`, rttMs, loss === 0 ? {} : { loss }),
        120_000,
      );
    }
  }
  it("RTT 20 ms, 1% reordering", () => run("reorder 1%", 20, { reorder: 0.01, reorderMs: 3 }), 120_000);
  it("RTT 20 ms, 1% duplication", () => run("duplicate 1%", 20, { duplicate: 0.01 }), 120_000);
  it("RTT 20 ms, 1% corruption", () => run("corrupt 1%", 20, { corrupt: 0.01 }), 120_000);

  afterAll(() => {
    const fmt = (x: number): string => x.toFixed(1).padStart(8);
    const lines = [
      `TCP throughput, 64 MiB per run, virtual time ` +
        `(link ${BANDWIDTH / 1e6} Mbit/s each way, buffers ${BUFFER / MiB} MiB, NewReno + SACK)`,
      `  Mbit/s     | loss 0%  | loss 1%  | loss 5%`,
    ];
    for (const rttMs of [2, 20, 100]) {
      const cell = (loss: number): string => {
        const row = rows.find((r) => r.rttMs === rttMs && r.loss === loss && r.name.startsWith("loss"));
        return row === undefined ? "       -" : fmt(row.mbps);
      };
      lines.push(`  RTT ${String(rttMs).padStart(3)} ms | ${cell(0)} | ${cell(0.01)} | ${cell(0.05)}`);
    }
    lines.push("  other impairments at RTT 20 ms:");
    for (const row of rows.filter((r) => !r.name.startsWith("loss"))) {
      lines.push(`    ${row.name.padEnd(13)} ${fmt(row.mbps)} Mbit/s, ${row.retransmits} retransmissions`);
    }
    lines.push(`  wall time per run (ms): ${rows.map((r) => r.wallMs.toFixed(0)).join(", ")}`);
    console.log(lines.join("\n"));
  });
});
