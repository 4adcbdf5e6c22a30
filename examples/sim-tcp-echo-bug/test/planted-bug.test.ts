/**
 * The seed search to copy: tcp-echo with a planted bug (../unikernel.ts) that shows only when a
 * partition of over a second cuts a transfer. Each seed draws a fault schedule (partitions of
 * random lengths, link changes); the sweep finds a seed that breaks the echo, shrinks its schedule
 * to the faults that matter, and prints the one command replaying it; the replay fails the same way.
 *
 *   pnpm vitest run --project examples sim-tcp-echo-bug    # the search
 *   SIM_SCHEDULE='…' SIM_SEED=n pnpm vitest run …           # the printed replay
 */

import { createHash } from "node:crypto";
import {
  type FaultSchedule,
  ScheduleFailure,
  type SimFault,
  SimWorld,
  applySchedule,
  expectLog,
  expectPcap,
  parseRuntimeArgs,
  seedsFromEnv,
  sweepSchedules,
  tcpExchange,
  vitestReplay,
} from "@mirage-ts/mirage-sim";
import { Ipv4Addr, ppTcpError } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { BuggyEcho } from "../unikernel.js";

const SERVER = Ipv4Addr.parse("10.0.0.1");
const DATA = new Uint8Array(1_000_000).map((_, i) => (i * 7) & 0xff);
const LINK = { delayMs: 1, bandwidth: 10e6 };
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A seed's faults: four, in the first second of the transfer, each a partition or a slower link. */
function draw(random: { nextInt(bound: number): number }): FaultSchedule {
  return Array.from({ length: 4 }, () => {
    const atMs = 100 + random.nextInt(1000);
    const fault: SimFault =
      random.nextInt(10) < 7
        ? { kind: "partition", a: "client", b: "server", forMs: random.nextInt(1500) }
        : { kind: "link", host: "client", link: { ...LINK, delayMs: 1 + random.nextInt(20) } };
    return { atMs, fault };
  }).sort((x, y) => x.atMs - y.atMs);
}

let lastWorld: SimWorld | undefined;

/** One run: the echo of 1 MB under `schedule`; fails when the echo differs. */
async function run(seed: number, schedule: FaultSchedule) {
  parseRuntimeArgs([]);
  const world = new SimWorld({ seed, capture: true });
  lastWorld = world;
  const server = await world.host("server", { ipv4: "10.0.0.1/24", link: LINK });
  const client = await world.host("client", { ipv4: "10.0.0.2/24", link: LINK });
  server.start(BuggyEcho.start, server.stack, server.mclock);
  applySchedule(world, schedule);
  const opened = await world.runUntil(client.stack.tcp().createConnection(SERVER, 7));
  if (!opened.ok) throw new Error(ppTcpError(opened.error));
  const echoed = await world.runUntil(tcpExchange(opened.value, DATA));
  if (sha256(echoed) !== sha256(DATA)) throw new Error(`echo of ${echoed.length} bytes differs`);
  return { simulatedMs: world.now, world };
}

const NAME = "finds the seed whose partition exposes the planted bug, shrinks its schedule, and replays it";
// The printed replay command; in a copy of your own, drop `project` and give the file's path from your root.
const test = { project: "examples", file: "sim-tcp-echo-bug/test/planted-bug.test.ts", name: NAME };
// The tests' own time limits: a copy runs without this repository's vitest.config.ts, and vitest's default of
// 5 s stops the search midway (its world, still running, then logs into the next test's).
const SEARCH_MS = 300_000;
const RUN_MS = 60_000;

describe("seed search over a buggy tcp-echo", () => {
  it(NAME, { timeout: SEARCH_MS }, async () => {
    const failure = await sweepSchedules({
      seeds: seedsFromEnv(process.env, { count: 50 }),
      env: process.env,
      draw,
      run,
      replay: (seed, schedule) => vitestReplay(seed, test, schedule),
      same: (_, now) => /echo of \d+ bytes differs/.test(String(now)),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    // Anything else (a bad SIM_SCHEDULE, SIM_SEEDS too small to find the bug) fails with its own message.
    if (!(failure instanceof ScheduleFailure)) throw failure ?? new Error("no seed exposed the planted bug");
    const found = failure;
    console.log(found.message);
    expect(String(found.cause), found.message).toMatch(/echo of \d+ bytes differs/);
    // The bug needs one partition long enough that TCP's backed-off retransmissions leave a read
    // waiting over a second: the shrunk schedule keeps that partition only.
    if (process.env["SIM_SCHEDULE"] === undefined) expect(found.schedule.length).toBeLessThan(found.drawn.length);
    expect(found.schedule).toHaveLength(1);
    expect(found.schedule[0]?.fault).toMatchObject({ kind: "partition", a: "client", b: "server" });
    expect(found.replay).toMatch(/^SIM_SCHEDULE='\[.*\]' SIM_SEED=\d+ pnpm vitest run /);
    expect(found.replay).toContain(` ${test.file} -t `);
    // The replay fails the same way, and its log shows the bug at work.
    await expect(run(found.seed, found.schedule)).rejects.toThrow((found.cause as Error).message);
    expectLog(lastWorld?.logs ?? []).toContain(/stale read after \d+ bytes/, { source: "buggy-echo" });
    expectLog(lastWorld?.logs ?? []).toContain("partition client <-> server", { source: "sim" });
  });

  it("passes without faults, and the capture and log show a clean echo", { timeout: RUN_MS }, async () => {
    const { world } = await run(3, []);
    expectLog(world.logs).toContain(/closed after 1000000 bytes/, { source: "buggy-echo" });
    expectLog(world.logs).notToContain("stale read");
    const pcap = world.get("server").pcap();
    expectPcap(pcap).toContain({ from: "10.0.0.1", to: "10.0.0.2", tcp: { fin: true } });
    expectPcap(pcap).notToContain({ tcp: { rst: true } });
    expectPcap(pcap).toContain({ from: "10.0.0.1", srcPort: 7, withPayload: true }, { atLeast: 500 });
  });
});
