/**
 * The devices a simulated host hands to a unikernel, all on virtual time: sleep moves the clock by
 * exactly its duration, the wall clock is the epoch plus virtual time plus the host's skew, console
 * lines land in the world's log; and a one-way partition cuts UDP in one direction only.
 */

import { Ipv4Addr } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { SimWorld } from "../src/index.js";

describe("simulated host devices", () => {
  it("sleeps on virtual time, skews the wall clock per host, and logs console lines", async () => {
    const epochMs = Date.UTC(2030, 5, 1);
    const world = new SimWorld({ seed: 5, epochMs });
    const host = await world.host("h", { ipv4: "10.0.0.1/24" });
    const t0 = world.now;
    await world.runUntil(host.sleep.sleepNs(90_000_000_000n));
    expect(world.now - t0).toBe(90_000);
    expect(host.mclock.elapsedNs()).toBe(BigInt(world.now * 1e6));
    expect(host.pclock.now().getTime()).toBe(epochMs + world.now);
    host.pclock.skewMs = -3_600_000;
    expect(host.pclock.now().getTime()).toBe(epochMs + world.now - 3_600_000);
    const { days, ps } = host.pclock.nowDPs();
    expect(days * 86_400_000 + Number(ps / 1_000_000_000n)).toBe(epochMs + world.now - 3_600_000);
    await host.console.log("ready");
    await host.console.write(new TextEncoder().encode("héllo\n"));
    expect(world.logs.filter((l) => l.source === "h")).toEqual([
      { atMs: world.now, source: "h", message: "ready" },
      { atMs: world.now, source: "h", message: "héllo" },
    ]);
  });

  it("cuts one direction only with a one-way partition, and heals it", async () => {
    const world = new SimWorld({ seed: 6 });
    const a = await world.host("a", { ipv4: "10.0.0.1/24", link: { delayMs: 1 } });
    const b = await world.host("b", { ipv4: "10.0.0.2/24", link: { delayMs: 1 } });
    const heard = { a: 0, b: 0 };
    a.stack.udp().listen(9, () => void heard.a++);
    b.stack.udp().listen(9, () => void heard.b++);
    const ping = async (): Promise<void> => {
      await world.runUntil(a.stack.udp().write(Ipv4Addr.parse("10.0.0.2"), 9, new Uint8Array(8)));
      await world.runUntil(b.stack.udp().write(Ipv4Addr.parse("10.0.0.1"), 9, new Uint8Array(8)));
      await world.run(100);
    };
    await ping();
    expect(heard).toEqual({ a: 1, b: 1 });
    world.partition("a", "b", { oneWay: true });
    await ping();
    expect(heard).toEqual({ a: 2, b: 1 });
    expect(b.gate.dropped).toBe(1);
    world.heal("a", "b");
    await ping();
    expect(heard).toEqual({ a: 3, b: 2 });
  });
});
