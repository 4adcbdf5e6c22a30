/**
 * The simulated world with the tcp-echo example's unikernel, unchanged: a client host echoes data
 * through loss, jitter, reordering and duplication; the same seed gives byte-identical pcaps and
 * logs and another seed differs; a scheduled partition stalls the transfer and healing resumes it.
 */

import { Ipv4Addr, ppTcpError } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { Echo } from "../../../examples/tcp-echo/unikernel.js";
import { SimWorld, expectLog, expectPcap, parseRuntimeArgs, tcpExchange } from "../src/index.js";
import { sha256 } from "./helpers.js";

const SERVER = Ipv4Addr.parse("10.0.0.1");
const FAULTY = { delayMs: 5, jitterMs: 4, loss: 0.03, reorder: 0.02, duplicate: 0.02, bandwidth: 100e6 };

function payload(size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
  return data;
}

async function echoRun(seed: number): Promise<{ world: SimWorld; echoed: Uint8Array }> {
  parseRuntimeArgs([]);
  const world = new SimWorld({ seed, capture: true });
  const server = await world.host("server", { ipv4: "10.0.0.1/24", link: FAULTY });
  const client = await world.host("client", { ipv4: "10.0.0.2/24", link: FAULTY });
  server.start(Echo.start, server.stack);
  const opened = await world.runUntil(client.stack.tcp().createConnection(SERVER, 7));
  if (!opened.ok) throw new Error(ppTcpError(opened.error));
  const echoed = await world.runUntil(tcpExchange(opened.value, payload(300_000)));
  await world.run(1000);
  return { world, echoed };
}

describe("SimWorld", () => {
  it("runs the tcp-echo unikernel unchanged: same seed, same pcaps and logs; another seed differs", async () => {
    const a = await echoRun(42);
    const b = await echoRun(42);
    const c = await echoRun(43);
    for (const run of [a, b, c]) expect(sha256(run.echoed)).toBe(sha256(payload(300_000)));
    const stats = a.world.get("server").linkStats();
    expect(stats.tx.lost + stats.rx.lost).toBeGreaterThan(0);
    expect(stats.tx.duplicated + stats.rx.duplicated).toBeGreaterThan(0);
    expect(stats.tx.reordered + stats.rx.reordered).toBeGreaterThan(0);
    for (const name of ["server", "client"]) {
      const pcap = a.world.get(name).pcap();
      expect(pcap.length).toBeGreaterThan(600_000);
      expect(sha256(b.world.get(name).pcap())).toBe(sha256(pcap));
      expect(sha256(c.world.get(name).pcap())).not.toBe(sha256(pcap));
    }
    expect(b.world.logs).toEqual(a.world.logs);
    expect(b.world.now).toBe(a.world.now);
    expect(a.world.logs.some((l) => l.source === "tcp-echo" && l.message.includes("echoing on port 7"))).toBe(true);
    expect(a.world.logs.some((l) => /closed after 300000 bytes/.test(l.message))).toBe(true);
  });

  it("stalls a transfer during a scheduled partition and completes it after the heal", async () => {
    parseRuntimeArgs([]);
    const world = new SimWorld({ seed: 7 });
    const server = await world.host("server", { ipv4: "10.0.0.1/24", link: { delayMs: 1 } });
    const client = await world.host("client", { ipv4: "10.0.0.2/24", link: { delayMs: 1 } });
    server.start(Echo.start, server.stack);
    const opened = await world.runUntil(client.stack.tcp().createConnection(SERVER, 7));
    if (!opened.ok) throw new Error(ppTcpError(opened.error));
    const start = world.now;
    world.at(start + 5, (w) => w.partition("client", "server"));
    world.at(start + 20_000, (w) => w.heal());
    const data = payload(2_000_000);
    const echoed = await world.runUntil(tcpExchange(opened.value, data));
    expect(sha256(echoed)).toBe(sha256(data));
    expect(world.now).toBeGreaterThan(start + 20_000);
    expect(server.gate.dropped + client.gate.dropped).toBeGreaterThan(0);
    expect(world.logs.map((l) => l.message)).toContain("partition client <-> server");
  });

  it("runs dual-stack hosts: tcp-echo answers over IPv6, in frames of EtherType 0x86dd", async () => {
    parseRuntimeArgs([]);
    const world = new SimWorld({ seed: 12, capture: true });
    const server = await world.host("server", { ipv4: "10.0.0.1/24", ipv6: "fd00::1/64", link: FAULTY });
    const client = await world.host("client", { ipv4: "10.0.0.2/24", ipv6: "fd00::2/64" });
    server.start(Echo.start, server.stack);
    await world.run(3000); // duplicate address detection
    expect(server.ipv6?.toString()).toBe("fd00::1");
    const opened = await world.runUntil(client.stack.tcp().createConnection(server.ipv6!, 7));
    if (!opened.ok) throw new Error(ppTcpError(opened.error));
    const data = payload(100_000);
    expect(sha256(await world.runUntil(tcpExchange(opened.value, data)))).toBe(sha256(data));
    const ipv6Frames = expectPcap(server.pcap()).toContain({ where: (p) => p.etherType === 0x86dd }, { atLeast: 50 });
    expect(ipv6Frames.length).toBeGreaterThan(50);
    expectLog(world.logs).toContain(/^fd00::2:\d+ connected$/, { source: "tcp-echo" });
  });

  it("fails the run, naming the host and seed, when a unikernel crashes", async () => {
    const world = new SimWorld({ seed: 1 });
    const host = await world.host("h", { ipv4: "10.0.0.9/24" });
    host.start(async () => {
      throw new Error("boom");
    });
    await expect(world.run(10)).rejects.toThrow(/unikernel on h crashed at 0 ms \(seed 1\): boom/);
  });

  it("rejects a bad seed and a duplicate host with clear errors", async () => {
    expect(() => new SimWorld({ seed: -1 })).toThrow(/invalid simulation seed -1/);
    const world = new SimWorld({ seed: 2 });
    await world.host("a", { ipv4: "10.0.0.1/24" });
    await expect(world.host("a", { ipv4: "10.0.0.2/24" })).rejects.toThrow(/"a" already exists/);
    expect(() => world.get("b")).toThrow(/no simulated host "b"; hosts: a/);
  });
});
