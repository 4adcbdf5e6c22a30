/**
 * TCP over the package's real lower layers: two Ipv4Stacks (ethernet, ARP, IPv4) on a virtual switch
 * with loss and reordering, the TCP layer plugged in through `setTcpInput` (tcp/pair.ts, on which every
 * test between two layers runs).
 */

import { describe, expect, it } from "vitest";
import { runUntil } from "./tcp/drive.js";
import { type PairOptions, tcpPair } from "./tcp/pair.js";
import { randomBytes, transfer } from "./tcp/transfer.js";

const BUFFERS: PairOptions["config"] = { sendBufferSize: 1 << 20, receiveBufferSize: 1 << 20 };

describe("TCP over ethernet, ARP and IPv4 on a virtual switch", () => {
  it("moves 8 MiB intact through loss and reordering, and cleans up", async () => {
    const pair = await tcpPair({ ab: { delayMs: 2, loss: 0.01, reorder: 0.01 }, config: BUFFERS, seed: 11 });
    const data = randomBytes(8 << 20, 77);
    const r = await transfer(pair, data);
    expect(r.receivedHash).toBe(r.sentHash);
    await runUntil(pair.clock, () => pair.a.stats().connections === 0 && pair.b.stats().connections === 0);
    for (const layer of [pair.a, pair.b]) {
      expect(layer.stats()).toMatchObject({
        timers: 0,
        sendBufferedBytes: 0,
        receiveBufferedBytes: 0,
        internalErrors: 0,
      });
    }
    expect(pair.a.stats().retransmittedSegments).toBeGreaterThan(0);
  }, 60_000);

  it("a connection to a closed port is refused by a RST through the stack", async () => {
    const pair = await tcpPair({ ab: { delayMs: 1 }, config: BUFFERS, seed: 11 });
    const opened = pair.a.createConnection(pair.addrB, 9);
    let result: unknown;
    void opened.then((r) => (result = r));
    await runUntil(pair.clock, () => result !== undefined);
    expect(result).toEqual({ ok: false, error: { kind: "refused" } });
    expect(pair.b.stats().resetsSent).toBe(1);
  });
});
