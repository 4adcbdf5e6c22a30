/**
 * The simulated disk and its fault model: a resolved write is durable across a crash; reads see the
 * writes in flight; a crash loses, completes or tears (sector by sector) each write in flight, as
 * the disk's seeded draws decide; a dead boot's requests never complete; bad requests are refused
 * with messages naming the disk.
 */

import { SeededRandom, VirtualClock } from "@mirage-ts/tcpip";
import { describe, expect, it } from "vitest";
import { IncarnationClock, SimDisk } from "../src/index.js";

const sector = (byte: number, sectors = 1) => new Uint8Array(512 * sectors).fill(byte);

function boot(world: VirtualClock, disk: SimDisk) {
  const clock = new IncarnationClock(world);
  return { clock, block: disk.attach(clock) };
}

async function drain(world: VirtualClock): Promise<void> {
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!world.step()) return;
  }
}

describe("SimDisk", () => {
  it("keeps resolved writes across a crash, and reads see writes in flight", async () => {
    const world = new VirtualClock();
    const disk = new SimDisk("h", { sizeSectors: 16 }, new SeededRandom(1));
    const first = boot(world, disk);
    const written = first.block.write(2n, [sector(7, 2)]);
    const read = new Uint8Array(1024);
    const reading = first.block.read(2n, [read]);
    expect(disk.inFlight).toBe(1);
    await drain(world);
    expect(await written).toEqual({ ok: true, value: undefined });
    expect((await reading).ok).toBe(true);
    expect(read).toEqual(sector(7, 2));
    first.clock.kill();
    disk.crash();
    const second = boot(world, disk);
    const again = new Uint8Array(1024);
    const readAgain = second.block.read(2n, [again]);
    await drain(world);
    expect((await readAgain).ok).toBe(true);
    expect(again).toEqual(sector(7, 2));
    expect(disk.stats()).toMatchObject({ writes: 1, reads: 2, crashes: 1, lostWrites: 0 });
  });

  it("loses, completes or tears the writes in flight at a crash, sector by sector, per the seed", async () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) {
      const world = new VirtualClock();
      const disk = new SimDisk("h", { sizeSectors: 8 }, new SeededRandom(seed));
      const { clock, block } = boot(world, disk);
      let resolved = false;
      void block.write(0n, [sector(9, 8)]).then(() => {
        resolved = true;
      });
      clock.kill();
      disk.crash();
      await drain(world);
      expect(resolved).toBe(false);
      const image = disk.image();
      const landed = Array.from({ length: 8 }, (_, i) => image[i * 512]);
      // Sectors are atomic: each is wholly old or wholly new.
      for (let i = 0; i < 8; i++) expect(image.subarray(i * 512, (i + 1) * 512)).toEqual(sector(landed[i]!));
      const { lostWrites, completedAtCrash, tornWrites } = disk.stats();
      expect(lostWrites + completedAtCrash + tornWrites).toBe(1);
      seen.add(lostWrites ? "lost" : completedAtCrash ? "completed" : "torn");
      if (tornWrites) expect(new Set(landed)).toEqual(new Set([0, 9]));
    }
    expect([...seen].sort()).toEqual(["completed", "lost", "torn"]);
  });

  it("never completes a dead boot's requests, and refuses bad ones", async () => {
    const world = new VirtualClock();
    const disk = new SimDisk("h", { sizeSectors: 4 }, new SeededRandom(3));
    const { clock, block } = boot(world, disk);
    expect(await block.write(3n, [sector(1, 2)])).toEqual({
      ok: false,
      error: {
        kind: "msg",
        message: "write: End_of_file at the disk of h offset 1536 with buffers of length [ 1024 ]",
      },
    });
    expect(await block.read(0n, [new Uint8Array(100)])).toMatchObject({
      ok: false,
      error: { message: "read: buffer length (100) is not a multiple of sector_size (512) for the disk of h" },
    });
    expect(await block.getInfo()).toEqual({ readWrite: true, sectorSize: 512, sizeSectors: 4n });
    clock.kill();
    let settled = false;
    void block.read(0n, [new Uint8Array(512)]).then(() => {
      settled = true;
    });
    await drain(world);
    expect(settled).toBe(false);
    expect(() => new SimDisk("h", { sizeSectors: 0 }, new SeededRandom(1))).toThrow(/sizeSectors must be a positive/);
    expect(() => new SimDisk("h", { latencyMs: -1 }, new SeededRandom(1))).toThrow(/latencyMs must be a finite/);
  });
});
