/**
 * Hostile input against the state machine: random bytes, random segments aimed at live connections
 * (plausible sequence numbers, random flags and options, good or bad checksums), mutated copies of
 * real segments, interleaved with time passing and application calls. `input` must never throw,
 * nothing may be caught as an internal error, and state must stay within the configured bounds;
 * after `disconnect` nothing may remain.
 */

import { Ipv4Addr as Addr, type Ipv4Addr, type TcpFlow } from "@mirage-ts/mirage-types";
import { SeededRandom, VirtualClock } from "@mirage-ts/tcpip";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pseudoHeaderSum, segmentChecksum } from "../src/tcp/internal/checksum.js";
import { TcpFlags, TcpHeader } from "../src/tcp/segment.js";
import { TcpLayer } from "../src/tcp/tcp-layer.js";
import { CaptureIp } from "./tcp/capture-ip.js";
import { settle } from "./tcp/drive.js";

const SUT = Addr.parse("10.0.0.1");
const PEER = Addr.parse("10.0.0.2");
const LIMITS = { maxConnections: 8, maxHalfOpen: 4, backlog: 3, sendBufferSize: 8192, receiveBufferSize: 8192 };

interface Harness {
  readonly clock: VirtualClock;
  readonly sut: TcpLayer<Ipv4Addr>;
  readonly sent: Uint8Array[];
  readonly flows: TcpFlow<Ipv4Addr>[];
  readonly pseudo: number;
}

function harness(): Harness {
  const clock = new VirtualClock();
  const sent: Uint8Array[] = [];
  const ip = new CaptureIp(SUT, (_s, _d, p) => void sent.push(p.slice()));
  const sut = new TcpLayer<Ipv4Addr>({
    ip,
    clock,
    random: new SeededRandom(3),
    config: { ...LIMITS, keepalive: { afterNs: 3_000_000_000n, intervalNs: 1_000_000_000n, probes: 2 } },
  });
  const flows: TcpFlow<Ipv4Addr>[] = [];
  sut.listen(80, (flow) => {
    flows.push(flow);
    void flow.write(new Uint8Array(3000).fill(1));
  });
  return { clock, sut, sent, flows, pseudo: pseudoHeaderSum(ip.pseudoheader(SUT, PEER, "tcp", 0)) };
}

function build(h: Harness, f: SegmentFields): Uint8Array {
  const t = new TcpHeader();
  Object.assign(t, {
    srcPort: f.srcPort,
    dstPort: f.dstPort,
    seq: f.seq >>> 0,
    ack: f.ack >>> 0,
    flags: f.flags,
    window: f.window,
  });
  if (f.mss !== undefined) t.mss = f.mss;
  if (f.ws !== undefined) t.windowScale = f.ws;
  t.sackPermitted = f.sackOk;
  if (f.ts !== undefined) t.setTimestamp(f.ts[0], f.ts[1]);
  t.sackCount = Math.min(f.sack.length >> 1, t.timestamp !== undefined ? 3 : 4);
  t.sackBlocks.set(f.sack.slice(0, 2 * t.sackCount).map((x) => x >>> 0));
  if (t.encodedLength() > 60) t.sackCount = 0;
  const hl = t.encodedLength();
  const bytes = new Uint8Array(hl + f.payload);
  t.encode(bytes);
  const checksum = segmentChecksum([bytes], h.pseudo, bytes.length) ^ (f.badChecksum ? 0x5a5a : 0);
  bytes[16] = checksum >>> 8;
  bytes[17] = checksum & 0xff;
  return bytes;
}

interface SegmentFields {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  mss: number | undefined;
  ws: number | undefined;
  sackOk: boolean;
  ts: [number, number] | undefined;
  sack: number[];
  payload: number;
  badChecksum: boolean;
}

// What a peer sees of the SUT: its last sequence number (plus data) and its last acknowledgment.
function lastFromSut(h: Harness): { seq: number; ack: number } {
  const d = new TcpHeader();
  for (let i = h.sent.length - 1; i >= 0; i--) {
    const bytes = h.sent[i]!;
    if (d.decode(bytes).ok) return { seq: d.seq + bytes.length - d.headerLength, ack: d.ack };
  }
  return { seq: 0, ack: 1 };
}

function sutSeq(h: Harness): number {
  return lastFromSut(h).seq;
}

// Offsets from a number the peer knows: exact, inside or near a window, or anywhere.
const offset = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: -3000, max: 10_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
);

const segment = fc.record({
  srcPort: fc.oneof(fc.integer({ min: 40000, max: 40004 }), fc.integer({ min: 0, max: 65535 })),
  dstPort: fc.oneof(
    { weight: 5, arbitrary: fc.constant(80) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 65535 }) },
  ),
  seqOffset: offset,
  ackOffset: offset,
  flags: fc.oneof(
    fc.constantFrom(
      TcpFlags.SYN,
      TcpFlags.ACK,
      TcpFlags.ACK | TcpFlags.PSH,
      TcpFlags.FIN | TcpFlags.ACK,
      TcpFlags.RST,
      TcpFlags.RST | TcpFlags.ACK,
    ),
    fc.integer({ min: 0, max: 255 }),
  ),
  window: fc.oneof(fc.constant(65535), fc.constant(0), fc.integer({ min: 0, max: 65535 })),
  mss: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
  ws: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
  sackOk: fc.boolean(),
  ts: fc.option(
    fc.tuple(
      fc.oneof(fc.integer({ min: 100, max: 200_000 }), fc.nat({ max: 0xffffffff })),
      fc.nat({ max: 0xffffffff }),
    ),
    { nil: undefined },
  ),
  sackOffsets: fc.array(fc.integer({ min: -3000, max: 10_000 }), { maxLength: 8 }),
  payload: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1500 })),
  badChecksum: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
});

const step = fc.oneof(
  { weight: 6, arbitrary: segment.map((s) => ({ kind: "segment" as const, s })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((bytes) => ({ kind: "bytes" as const, bytes })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.nat(), fc.nat({ max: 39 }), fc.nat({ max: 255 }))
      .map(([i, at, v]) => ({ kind: "mutate" as const, i, at, v })),
  },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 5000 }).map((ms) => ({ kind: "time" as const, ms })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("read", "write", "close", "shutdown", "abort-read")
      .map((call) => ({ kind: "call" as const, call })),
  },
);

function checkBounds(h: Harness): void {
  const s = h.sut.stats();
  expect(s.internalErrors).toBe(0);
  expect(s.connections).toBeLessThanOrEqual(LIMITS.maxConnections);
  expect(s.halfOpen).toBeLessThanOrEqual(LIMITS.maxHalfOpen);
  expect(s.timers).toBeLessThanOrEqual(s.connections);
  expect(s.sendBufferedBytes).toBeLessThanOrEqual(s.connections * LIMITS.sendBufferSize);
  expect(s.receiveBufferedBytes).toBeLessThanOrEqual(
    h.flows.length * LIMITS.receiveBufferSize + s.connections * LIMITS.receiveBufferSize,
  );
}

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

async function play(h: Harness, steps: readonly Step[]): Promise<void> {
  const seen: Uint8Array[] = [];
  for (const st of steps) {
    if (st.kind === "segment") {
      const { seqOffset, ackOffset, sackOffsets, ...rest } = st.s;
      const last = lastFromSut(h);
      const sack = sackOffsets.map((o: number) => last.seq + o);
      const bytes = build(h, { ...rest, sack, seq: last.ack + seqOffset, ack: last.seq + ackOffset });
      seen.push(bytes);
      await h.sut.input(PEER, SUT, bytes);
    } else if (st.kind === "bytes") {
      await h.sut.input(PEER, SUT, st.bytes);
    } else if (st.kind === "mutate") {
      const base = seen.length > 0 ? seen[st.i % seen.length]! : h.sent[st.i % Math.max(1, h.sent.length)];
      if (base !== undefined) {
        const bytes = base.slice();
        if (st.at < bytes.length) bytes[st.at] = st.v;
        await h.sut.input(PEER, SUT, bytes);
      }
    } else if (st.kind === "time") {
      h.clock.advance(st.ms);
    } else {
      const flow = h.flows[h.flows.length - 1];
      if (flow !== undefined) {
        if (st.call === "read") void flow.read();
        else if (st.call === "write") void flow.write(new Uint8Array(5000).fill(2));
        else if (st.call === "close") void flow.close();
        else if (st.call === "shutdown") void flow.shutdown("write");
        else void flow.shutdown("read");
      }
    }
    await settle();
    checkBounds(h);
  }
}

async function handshake(h: Harness, port: number): Promise<void> {
  const f = {
    srcPort: port,
    dstPort: 80,
    window: 65535,
    mss: 1000,
    ws: 2,
    sackOk: true,
    ts: [100, 0] as [number, number],
    sack: [],
    payload: 0,
    badChecksum: false,
  };
  await h.sut.input(PEER, SUT, build(h, { ...f, seq: 0, ack: 0, flags: TcpFlags.SYN }));
  const ts: [number, number] = [101, 0];
  await h.sut.input(
    PEER,
    SUT,
    build(h, {
      ...f,
      mss: undefined,
      ws: undefined,
      sackOk: false,
      ts,
      seq: 1,
      ack: sutSeq(h) + 1,
      flags: TcpFlags.ACK,
    }),
  );
  await settle();
}

describe("state machine under hostile input", () => {
  it("never throws, never leaks, never exceeds its bounds (random segments, listener)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), async (steps) => {
        const h = harness();
        await play(h, steps);
        await h.sut.disconnect();
        await settle();
        expect(h.sut.stats()).toMatchObject({
          connections: 0,
          timers: 0,
          sendBufferedBytes: 0,
          halfOpen: 0,
          timeWait: 0,
        });
        expect(h.clock.pendingTimers).toBe(0);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it("never throws, never leaks, never exceeds its bounds (established connections with data in flight)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), async (steps) => {
        const h = harness();
        await handshake(h, 40000);
        await handshake(h, 40001);
        expect(h.flows.length).toBe(2);
        await play(h, steps);
        for (const flow of h.flows) await flow.close();
        await h.sut.disconnect();
        await settle();
        expect(h.sut.stats()).toMatchObject({
          connections: 0,
          timers: 0,
          sendBufferedBytes: 0,
          receiveBufferedBytes: 0,
          allocatedBufferBytes: 0,
        });
        expect(h.clock.pendingTimers).toBe(0);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  const floodTitle =
    "a SYN flood fills the half-open table and no more (the rest get cookies); " +
    "the listener still serves when it drains";
  it(floodTitle, async () => {
    const h = harness();
    for (let port = 1024; port < 6024; port++) {
      const f = {
        srcPort: port,
        dstPort: 80,
        window: 1000,
        mss: undefined,
        ws: undefined,
        sackOk: false,
        ts: undefined,
        sack: [],
        payload: 0,
        badChecksum: false,
      };
      await h.sut.input(PEER, SUT, build(h, { ...f, seq: port * 1000, ack: 0, flags: TcpFlags.SYN }));
    }
    const s = h.sut.stats();
    // The backlog holds the first SYNs; the rest got SYN cookies, which keep no state.
    expect(s).toMatchObject({ halfOpen: LIMITS.backlog, synCookiesSent: 5000 - LIMITS.backlog, listenOverflows: 0 });
    h.clock.advance(120_000);
    expect(h.sut.stats()).toMatchObject({ halfOpen: 0, connections: 0, timers: 0 });
    await handshake(h, 40000);
    expect(h.flows.length).toBe(1);
  });
});
