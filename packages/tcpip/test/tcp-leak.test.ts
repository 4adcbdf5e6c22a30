/**
 * Leak checks: many connections through every close path must leave both layers holding nothing
 * (connections, timers, buffered or allocated bytes), and sequential connections far beyond the
 * ephemeral port range must keep working.
 */

import type { Ipv4Addr, TcpFlow } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { runUntil } from "./tcp/drive.js";
import { type Pair, tcpPair } from "./tcp/pair.js";

type Flow = TcpFlow<Ipv4Addr>;
type Path = "fin" | "simultaneous" | "reset" | "vanish";
const PATHS: readonly Path[] = ["fin", "simultaneous", "reset", "vanish"];
const pathOf = (clientPort: number): Path => PATHS[clientPort % 4]!;
const payload = new Uint8Array(64).fill(7);

/** The source or destination port of an IPv4 TCP frame, or -1 for any other frame (ARP). */
function tcpPort(frame: Uint8Array, which: "src" | "dst"): number {
  if (frame[12] !== 0x08 || frame[13] !== 0x00 || frame[23] !== 6) return -1;
  const at = 14 + (frame[14]! & 0x0f) * 4 + (which === "src" ? 0 : 2);
  return (frame[at]! << 8) | frame[at + 1]!;
}

function expectEmpty(pair: Pair): void {
  for (const layer of [pair.a, pair.b]) {
    expect(layer.stats()).toMatchObject({
      connections: 0,
      halfOpen: 0,
      timeWait: 0,
      timers: 0,
      sendBufferedBytes: 0,
      receiveBufferedBytes: 0,
      allocatedBufferBytes: 0,
      internalErrors: 0,
    });
  }
  expect(pair.inFlight()).toBe(0);
  expect(pair.clock.pendingTimers).toBe(0);
}

async function readToEnd(flow: Flow): Promise<string> {
  for (;;) {
    const r = await flow.read();
    if (!r.ok) return r.error.kind;
    if (r.value.kind === "eof") return "eof";
  }
}

describe("leaks", () => {
  const hundredThousandTitle =
    "100,000 connections through FIN/FIN, simultaneous close, RST and a vanished peer leave nothing behind";
  it(hundredThousandTitle, async () => {
    const total = Number(process.env.TCP_LEAK_TOTAL ?? 100_000);
    const batch = 1000;
    const pair = await tcpPair({
      config: {
        timeWaitMs: 500,
        keepalive: { afterNs: 2_000_000_000n, intervalNs: 500_000_000n, probes: 2 },
        backlog: batch,
        maxHalfOpen: batch,
      },
      ab: { delayMs: 0.25 },
      ba: { delayMs: 0.25 },
    });
    const { clock, a, b, addrB } = pair;
    const vanished = new Set<number>();
    // A vanished client: every segment of its connection disappears, both ways.
    pair.netifA.setLink({ delayMs: 0.25, blackhole: (f) => vanished.has(tcpPort(f, "src")) }, "tx");
    pair.netifB.setLink({ delayMs: 0.25, blackhole: (f) => vanished.has(tcpPort(f, "dst")) }, "tx");
    const outcomes = new Map<string, number>();
    const count = (key: string): void => void outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    const closeAt = (flow: Flow, delayMs: number): void => {
      clock.setTimer(delayMs, () => void flow.close());
    };

    b.listen(80, async (flow) => {
      const path = pathOf(flow.dst().port);
      if (path === "fin") {
        count(`server fin ${await readToEnd(flow)}`);
        await flow.write(payload);
        await flow.close();
      } else if (path === "simultaneous") {
        closeAt(flow, 5);
        count(`server simultaneous ${await readToEnd(flow)}`);
      } else if (path === "reset") {
        await flow.write(payload);
        count(`server reset ${await readToEnd(flow)}`);
        await flow.close();
      } else {
        count(`server vanish ${await readToEnd(flow)}`);
        await flow.close();
      }
    });

    const client = async (): Promise<void> => {
      const r = await a.createConnection(addrB, 80);
      if (!r.ok) {
        count(`connect ${r.error.kind}`);
        return;
      }
      const flow = r.value;
      const path = pathOf(flow.src().port);
      if (path === "fin") {
        await flow.write(payload);
        await flow.shutdown("write");
        count(`client fin ${await readToEnd(flow)}`);
        await flow.close();
      } else if (path === "simultaneous") {
        // Both ends close at the same instant: the FINs cross on the wire.
        clock.setTimer(4.5, () => void flow.close());
        count(`client simultaneous ${await readToEnd(flow)}`);
      } else if (path === "reset") {
        // Close with the server's data unread: a RST.
        clock.setTimer(5, () => void flow.close());
      } else {
        vanished.add(flow.src().port);
        count(`client vanish ${await readToEnd(flow)}`);
        await flow.close();
      }
    };

    for (let started = 0; started < total; started += batch) {
      const clients = Array.from({ length: batch }, client);
      let finished = 0;
      for (const c of clients) void c.then(() => finished++);
      await runUntil(clock, () => finished === batch);
      await runUntil(clock, () => a.stats().connections === 0 && b.stats().connections === 0);
      vanished.clear();
    }
    expectEmpty(pair);
    // Ports pick the path, so the mix is near a quarter each; every connection ended as its path says.
    const n = (key: string): number => outcomes.get(key) ?? 0;
    for (const path of ["fin", "simultaneous", "vanish"] as const) {
      const ending = path === "vanish" ? "timeout" : "eof";
      expect(n(`client ${path} ${ending}`)).toBe(n(`server ${path} ${ending}`));
    }
    const counts = [
      n("client fin eof"),
      n("client simultaneous eof"),
      n("server reset reset"),
      n("client vanish timeout"),
    ];
    expect(counts.reduce((x, y) => x + y)).toBe(total);
    for (const c of counts) expect(c).toBeGreaterThan(total * 0.2);
    expect(outcomes.size).toBe(7);
    expect(a.stats().activeOpens).toBe(total);
    expect(b.stats().passiveOpens).toBe(total);
    expect(a.stats().timedOut + b.stats().timedOut).toBe(2 * n("client vanish timeout"));
  }, 600_000);

  const portsReusedTitle =
    "more than 65,535 sequential client connections succeed (ports reused through the server's TIME-WAIT)";
  it(portsReusedTitle, async () => {
    const total = 70_000;
    const pair = await tcpPair({ ab: { delayMs: 0.1 }, ba: { delayMs: 0.1 } });
    const { clock, a, b, addrB } = pair;
    b.listen(80, async (flow) => {
      await flow.write(payload);
      await flow.close(); // the server closes first and keeps the TIME-WAIT
    });
    const ports = new Set<number>();
    for (let i = 0; i < total; i++) {
      const opened = a.createConnection(addrB, 80);
      let end = "";
      void opened.then(async (r) => {
        if (!r.ok) {
          end = r.error.kind;
          return;
        }
        ports.add(r.value.src().port);
        end = await readToEnd(r.value);
        await r.value.close();
      });
      await runUntil(clock, () => end !== "" && a.stats().connections === 0);
      if (end !== "eof") throw new Error(`connection ${i} ended with ${end}`);
    }
    // 70,000 connections through at most 16,384 ephemeral ports: most tuples were used several times.
    expect(ports.size).toBeGreaterThan(15_000);
    expect(ports.size).toBeLessThanOrEqual(16_384);
    expect(a.stats().activeOpens).toBe(total);
    expect(b.stats().passiveOpens).toBe(total);
    expect(b.stats().timeWait).toBeGreaterThan(0);
    await runUntil(clock, () => b.stats().connections === 0);
    expectEmpty(pair);
  }, 600_000);
});
