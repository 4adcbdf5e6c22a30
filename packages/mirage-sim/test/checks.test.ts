/**
 * The test helpers: fault schedules (applied, printed, parsed with clear errors, shrunk to the
 * faults that matter), the pcap reader (never throwing on a cut capture) and the assertions over
 * captures and logs, with their failure messages.
 */

import { Ipv4Addr } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import {
  type FaultSchedule,
  ScheduleFailure,
  SeedFailure,
  SimSetupError,
  SimWorld,
  applySchedule,
  expectLog,
  expectPcap,
  formatSchedule,
  parseSchedule,
  pcapPackets,
  shrinkSchedule,
  sweepSchedules,
} from "../src/index.js";

describe("fault schedules", () => {
  it("apply partitions that heal themselves, crashes and link changes at their times", async () => {
    const world = new SimWorld({ seed: 4 });
    await world.host("a", { ipv4: "10.0.0.1/24" });
    const b = await world.host("b", { ipv4: "10.0.0.2/24", disk: {} });
    const schedule: FaultSchedule = [
      { atMs: 10, fault: { kind: "partition", a: "a", b: "b", forMs: 5 } },
      { atMs: 20, fault: { kind: "crash", host: "b", restartAfterMs: 3 } },
      { atMs: 30, fault: { kind: "link", host: "b", link: { delayMs: 2 } } },
    ];
    expect(parseSchedule(formatSchedule(schedule))).toEqual(schedule);
    applySchedule(world, schedule);
    await world.run(40);
    expect(world.logs.filter((l) => l.source === "sim").map((l) => `${l.atMs} ${l.message}`)).toEqual([
      "10 partition a <-> b",
      "15 heal a <-> b",
      "20 crash b",
      "23 restart b (boot 1)",
    ]);
    expect(b.boots).toBe(2);
  });

  it("refuses a schedule naming a host the world lacks before the run, naming it and the hosts there are", async () => {
    const world = new SimWorld({ seed: 4 });
    await world.host("client", { ipv4: "10.0.0.2/24" });
    await world.host("server", { ipv4: "10.0.0.1/24" });
    const typo: FaultSchedule = [
      { atMs: 10, fault: { kind: "crash", host: "server" } },
      { atMs: 20, fault: { kind: "partition", a: "client", b: "srv", forMs: 5 } },
    ];
    expect(() => applySchedule(world, typo)).toThrow(SimSetupError);
    expect(() => applySchedule(world, typo)).toThrow(
      'fault schedule entry 1 (partition at 20 ms): no simulated host "srv"; the world\'s hosts are client, server ' +
        "(make every host before applySchedule)",
    );
    expect(() => applySchedule(new SimWorld({ seed: 1 }), typo)).toThrow(
      /no simulated host "server"; the world has no host yet/,
    );
    expect(() =>
      applySchedule(world, [{ atMs: 1, fault: { kind: "crash", host: "server", restartAfterMs: -1 } }]),
    ).toThrow("fault schedule entry 0 (crash at 1 ms): restartAfterMs must be a number >= 0, got -1");
    // Nothing was scheduled: the valid crash before the typo never happens.
    await world.run(30);
    expect(world.logs.filter((l) => l.source === "sim")).toEqual([]);
    await world.run(1);
    expect(() => applySchedule(world, [{ atMs: 5, fault: { kind: "heal" } }])).toThrow(
      "fault schedule entry 0 (heal at 5 ms): the world is already at 31 ms",
    );
  });

  it("lets a sweep fail on the setup error itself, not as a found bug with a seed to replay", async () => {
    const seeds: number[] = [];
    const failure = await sweepSchedules({
      seeds: [1, 2, 3],
      draw: () => [{ atMs: 10, fault: { kind: "crash", host: "db" } }],
      run: async (seed, schedule) => {
        seeds.push(seed);
        const world = new SimWorld({ seed });
        await world.host("server", { ipv4: "10.0.0.1/24" });
        applySchedule(world, schedule);
        await world.run(20);
        return { simulatedMs: world.now };
      },
      replay: (seed) => `SIM_SEED=${seed}`,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SimSetupError);
    expect(failure).not.toBeInstanceOf(SeedFailure);
    expect(failure).not.toBeInstanceOf(ScheduleFailure);
    expect(String(failure)).toBe(
      'SimSetupError: fault schedule entry 0 (crash at 10 ms): no simulated host "db"; the world\'s hosts are server ' +
        "(make every host before applySchedule)",
    );
    expect(seeds).toEqual([1]);
  });

  it("refuses text that is not a schedule, naming the entry and field", () => {
    expect(() => parseSchedule("{")).toThrow(/^fault schedule: not JSON/);
    expect(() => parseSchedule("{}")).toThrow("fault schedule: expected a JSON array of { atMs, fault }");
    expect(() => parseSchedule('[{"atMs":-1,"fault":{"kind":"heal"}}]')).toThrow(
      "fault schedule entry 0: atMs must be a number >= 0, got -1",
    );
    expect(() => parseSchedule('[{"atMs":1,"fault":{"kind":"heal"}},{"atMs":1,"fault":{"kind":"flood"}}]')).toThrow(
      'fault schedule entry 1: fault.kind must be one of partition, heal, crash, link, got "flood"',
    );
    expect(() => parseSchedule('[{"atMs":1,"fault":{"kind":"crash"}}]')).toThrow(
      "fault schedule entry 0: a crash needs fault.host, a host name",
    );
    expect(() => parseSchedule('[{"atMs":1,"fault":{"kind":"partition","a":"x","b":"y","forMs":"5s"}}]')).toThrow(
      'fault schedule entry 0: fault.forMs must be a number >= 0, got "5s"',
    );
    expect(() => parseSchedule('[{"atMs":1,"fault":{"kind":"crash","host":"x","restartAfterMs":-3}}]')).toThrow(
      "fault schedule entry 0: fault.restartAfterMs must be a number >= 0, got -3",
    );
  });

  it("shrinks to a 1-minimal schedule that still fails the same way", async () => {
    const schedule: FaultSchedule = [1, 2, 3, 4, 5].map((i) => ({
      atMs: i,
      fault: { kind: "crash", host: `h${i}` },
    }));
    // Fails when h2 and h4 both crash; fails differently when only h5 does.
    const failure = async (s: FaultSchedule) => {
      const hosts = new Set(s.map((f) => (f.fault as { host: string }).host));
      if (hosts.has("h2") && hosts.has("h4")) return new Error("the bug");
      return hosts.size === 1 && hosts.has("h5") ? new Error("another") : undefined;
    };
    const result = await shrinkSchedule({
      schedule,
      failure,
      same: (a, b) => (a as Error).message === (b as Error).message,
    });
    expect(result.schedule.map((f) => f.atMs)).toEqual([2, 4]);
    expect((result.failure as Error).message).toBe("the bug");
    await expect(shrinkSchedule({ schedule, failure: async () => undefined })).rejects.toThrow(/does not fail/);
  });
});

describe("pcap and log assertions", () => {
  it("finds UDP packets by address and port, and says what it looked for when none matches", async () => {
    const world = new SimWorld({ seed: 8, capture: true });
    const a = await world.host("a", { ipv4: "10.0.0.1/24" });
    await world.host("b", { ipv4: "10.0.0.2/24" });
    await world.runUntil(a.stack.udp().write(Ipv4Addr.parse("10.0.0.2"), 53, new Uint8Array(12), { srcPort: 999 }));
    await world.run(10);
    const pcap = a.pcap();
    const [packet] = expectPcap(pcap).toContain({ from: "10.0.0.1", udp: true, dstPort: 53, srcPort: 999 });
    expect(packet?.udp).toEqual({ srcPort: 999, dstPort: 53, payloadLength: 12 });
    expect(() => expectPcap(pcap).toContain({ tcp: { rst: true } })).toThrow(
      /expected at least 1 packet\(s\) matching \{"tcp":\{"rst":true\}\} in a capture of \d+; found 0/,
    );
    expect(() => expectPcap(pcap).notToContain({ udp: true })).toThrow(/UDP 999 > 53 12 bytes/);
    // A capture cut in the middle of a record ends at the last whole one.
    expect(pcapPackets(pcap.subarray(0, pcap.length - 3)).length).toBe(pcapPackets(pcap).length - 1);
    expect(() => pcapPackets(new Uint8Array(30))).toThrow(/not a microsecond libpcap file/);
    expectLog(world.logs).toContain(/gratuitous ARP for 10\.0\.0\.2/, { source: "arp" });
    expect(() => expectLog(world.logs).toContain("nothing like this", { source: "arp" })).toThrow(
      /expected a log line matching nothing like this from arp; last lines:/,
    );
    expect(() => expectLog(world.logs).notToContain("gratuitous")).toThrow(/at 0 ms arp: sending gratuitous ARP/);
  });
});
