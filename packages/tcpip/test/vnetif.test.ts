import { Macaddr, ppNetError } from "@mirage-ts/mirage-types";
import { type LinkImpairments, SeededRandom, VirtualClock, type VirtualNetif, VirtualSwitch } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { run } from "./helpers/simulation.js";

const A = Macaddr.parse("02:00:00:00:00:0a");
const B = Macaddr.parse("02:00:00:00:00:0b");
const C = Macaddr.parse("02:00:00:00:00:0c");

interface Arrival {
  readonly at: number;
  readonly seq: number;
  readonly frame: Uint8Array;
}

/** A frame to `dst` whose payload starts with a 32-bit sequence number. */
function frame(dst: Macaddr, seq: number, length = 64): Uint8Array {
  const f = new Uint8Array(length);
  dst.write(f, 0);
  A.write(f, 6);
  f[12] = 0x88;
  f[13] = 0xb5;
  new DataView(f.buffer).setUint32(14, seq);
  return f;
}

async function send(netif: VirtualNetif, f: Uint8Array) {
  const result = await netif.write(f.length, (b) => {
    b.set(f);
    return f.length;
  });
  if (!result.ok) throw new Error(ppNetError(result.error));
}

function scenario(seed: number, link: LinkImpairments, receiverLink: LinkImpairments = {}) {
  const clock = new VirtualClock();
  const sw = new VirtualSwitch({ clock, random: new SeededRandom(seed) });
  const a = sw.connect({ mac: A, link });
  const b = sw.connect({ mac: B, link: receiverLink });
  const arrivals: Arrival[] = [];
  void b.listen(14, (f) => {
    arrivals.push({ at: clock.now(), seq: new DataView(f.buffer, f.byteOffset).getUint32(14), frame: f });
  });
  return { clock, sw, a, b, arrivals };
}

async function sendMany(s: ReturnType<typeof scenario>, count: number, gapMs = 1, length = 64) {
  for (let i = 0; i < count; i++) {
    await send(s.a, frame(B, i, length));
    await run(s.clock, gapMs);
  }
  await run(s.clock, 1000);
}

describe("VirtualSwitch", () => {
  it("is deterministic: the same seed gives the same deliveries", async () => {
    const link = {
      loss: 0.1,
      duplicate: 0.05,
      reorder: 0.1,
      delayMs: 3,
      jitterMs: 2,
      corrupt: 0.05,
      bandwidth: 10_000_000,
    };
    const runs = [];
    for (const seed of [5, 5, 6]) {
      const s = scenario(seed, link);
      await sendMany(s, 300);
      runs.push(s.arrivals.map((x) => `${x.at.toFixed(3)}:${x.seq}:${[...x.frame].join(",")}`).join("|"));
    }
    expect(runs[0]).toBe(runs[1]);
    expect(runs[0]).not.toBe(runs[2]);
  });

  it("loses frames at the configured rate", async () => {
    const s = scenario(1, { loss: 0.1 });
    await sendMany(s, 5000, 0);
    const stats = s.a.linkStats().tx;
    expect(stats.lost).toBeGreaterThan(400);
    expect(stats.lost).toBeLessThan(600);
    expect(s.arrivals).toHaveLength(5000 - stats.lost);
  });

  it("duplicates frames", async () => {
    const s = scenario(2, { duplicate: 0.2 });
    await sendMany(s, 1000, 0);
    const dups = s.a.linkStats().tx.duplicated;
    expect(dups).toBeGreaterThan(150);
    expect(s.arrivals).toHaveLength(1000 + dups);
  });

  it("reorders frames, losing none", async () => {
    const s = scenario(3, { reorder: 0.2 });
    await sendMany(s, 500, 1);
    const seqs = s.arrivals.map((x) => x.seq);
    expect(seqs).toHaveLength(500);
    expect([...seqs].sort((x, y) => x - y)).toEqual([...Array(500).keys()]);
    const inversions = seqs.filter((v, i) => i > 0 && v < seqs[i - 1]!).length;
    expect(inversions).toBeGreaterThan(50);
    expect(inversions).toBe(s.a.linkStats().tx.reordered);
  });

  it("with reorderMs, delays a reordered frame that long: the frames sent meanwhile overtake it", async () => {
    const s = scenario(12, { reorder: 0.1, reorderMs: 5 });
    await sendMany(s, 100);
    // Frame i leaves at i ms: it arrives then, or 5 ms later behind the frames sent in between.
    expect(s.arrivals.map((x) => x.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const late = s.arrivals.filter((x) => x.at === x.seq + 5);
    expect(late.length + s.arrivals.filter((x) => x.at === x.seq).length).toBe(100);
    expect(late.length).toBe(s.a.linkStats().tx.reordered);
    expect(late.length).toBeGreaterThan(3);
    const first = late[0]!;
    expect(s.arrivals.filter((x) => x.seq > first.seq && x.at < first.at).length).toBeGreaterThanOrEqual(4);
  });

  it("delays frames on each link they cross", async () => {
    const s = scenario(4, { delayMs: 7 }, { delayMs: 3 });
    await send(s.a, frame(B, 0));
    await run(s.clock, 100);
    expect(s.arrivals.map((x) => x.at)).toEqual([10]);
  });

  it("serializes frames at the link's bandwidth", async () => {
    const s = scenario(5, { bandwidth: 1_000_000 });
    for (let i = 0; i < 10; i++) await send(s.a, frame(B, i, 1250)); // 10 ms each at 1 Mbit/s
    await run(s.clock, 1000);
    expect(s.arrivals.map((x) => x.at)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it("corrupts one bit of a frame", async () => {
    // With two ports, B gets every frame from A, whatever bit of the destination is flipped.
    const s = scenario(6, { corrupt: 1 });
    for (let i = 0; i < 20; i++) {
      const original = frame(B, i, 200);
      await send(s.a, original);
      await run(s.clock, 10);
      const got = s.arrivals[i]!.frame;
      let bits = 0;
      for (let j = 0; j < original.length; j++) for (let x = got[j]! ^ original[j]!; x; x &= x - 1) bits++;
      expect(bits).toBe(1);
    }
    expect(s.a.linkStats().tx.corrupted).toBe(20);
  });

  it("drops frames above the link MTU, and refuses writes above the device MTU", async () => {
    const s = scenario(7, { mtu: 100 });
    await send(s.a, frame(B, 1, 114));
    await send(s.a, frame(B, 2, 115));
    await run(s.clock, 10);
    expect(s.arrivals.map((x) => x.seq)).toEqual([1]);
    expect(s.a.linkStats().tx.tooBig).toBe(1);
    const tooLong = await s.a.write(1600, () => 1515);
    expect(tooLong).toEqual({ ok: false, error: { kind: "invalid_length" } });
    expect(await s.a.write(10, () => 11)).toEqual({ ok: false, error: { kind: "invalid_length" } });
  });

  it("drops frames beyond the queue limit", async () => {
    const s = scenario(8, { delayMs: 100, queueLimit: 10 });
    for (let i = 0; i < 25; i++) await send(s.a, frame(B, i));
    await run(s.clock, 200);
    expect(s.arrivals).toHaveLength(10);
    expect(s.a.linkStats().tx.queueDrops).toBe(15);
  });

  it("drops frames that would wait for the link longer than queueMs", async () => {
    // 10 ms per frame at 1 Mbit/s: the fourth frame would wait 30 ms, more than 25.
    const s = scenario(9, { bandwidth: 1_000_000, queueMs: 25 });
    for (let i = 0; i < 6; i++) await send(s.a, frame(B, i, 1250));
    await run(s.clock, 1000);
    expect(s.arrivals.map((x) => [x.seq, x.at])).toEqual([
      [0, 10],
      [1, 20],
      [2, 30],
    ]);
    expect(s.a.linkStats().tx.queueDrops).toBe(3);
  });

  it("drops the frames a blackhole picks, and no others", async () => {
    const s = scenario(10, { blackhole: (f) => f[17]! % 2 === 1 });
    await sendMany(s, 10);
    expect(s.arrivals.map((x) => x.seq)).toEqual([0, 2, 4, 6, 8]);
    expect(s.a.linkStats().tx).toMatchObject({ offered: 10, blackholed: 5, delivered: 5 });
  });

  it("impairs one direction of a link with setLink(link, direction)", async () => {
    const s = scenario(11, {});
    s.a.setLink({ delayMs: 5 }, "tx");
    s.a.setLink({ loss: 1 }, "rx");
    await send(s.a, frame(B, 0));
    await run(s.clock, 100);
    expect(s.arrivals.map((x) => x.at)).toEqual([5]);
    const back: number[] = [];
    void s.a.listen(14, () => void back.push(s.clock.now()));
    await send(s.b, frame(A, 1));
    await run(s.clock, 100);
    expect(back).toEqual([]);
    expect(s.a.linkStats().rx.lost).toBe(1);
    expect(() => s.a.setLink({ queueMs: -1 }, "tx")).toThrow(/queueMs/);
  });

  it("forwards unicast to its owner only, and floods broadcast and unknown destinations", async () => {
    const clock = new VirtualClock();
    const sw = new VirtualSwitch({ clock, random: new SeededRandom(1) });
    const ports = [A, B, C].map((mac) => sw.connect({ mac }));
    const seen: string[] = [];
    ports.forEach(
      (p, i) => void p.listen(14, (f) => void seen.push(`${"abc"[i]}<${f[0] === 0xff ? "bcast" : f[5]!.toString(16)}`)),
    );
    await send(ports[0]!, frame(B, 1));
    await send(ports[0]!, frame(Macaddr.broadcast, 2));
    await send(ports[0]!, frame(Macaddr.parse("02:00:00:00:00:0d"), 3));
    await run(clock, 10);
    expect(seen.sort()).toEqual(["b<b", "b<bcast", "b<d", "c<bcast", "c<d"]);
  });

  it("cuts and restores a link, counts handler errors, and ends listen on disconnect", async () => {
    const s = scenario(9, {});
    s.a.setLink({ loss: 1 });
    await send(s.a, frame(B, 1));
    s.a.setLink({});
    await send(s.a, frame(B, 2));
    await run(s.clock, 10);
    expect(s.arrivals.map((x) => x.seq)).toEqual([2]);
    const listening = s.b.listen(14, () => Promise.reject(new Error("boom")));
    await send(s.a, frame(B, 3));
    await run(s.clock, 10);
    expect(s.b.dropStats().handlerErrors).toBe(1);
    await s.b.disconnect();
    expect(await listening).toEqual({ ok: true, value: undefined });
    expect(await s.b.write(60, () => 60)).toEqual({ ok: false, error: { kind: "disconnected" } });
    expect(s.b.getStatsCounters()).toMatchObject({ rxPkts: 2 });
    s.b.resetStatsCounters();
    expect(s.b.getStatsCounters()).toEqual({ rxBytes: 0, rxPkts: 0, txBytes: 0, txPkts: 0 });
    expect(() => s.sw.connect({ link: { loss: 2 } })).toThrow(RangeError);
    expect(() => s.sw.connect({ mtu: 10 })).toThrow(RangeError);
  });
});
