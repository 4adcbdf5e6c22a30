// The frame switch with real WebSocket clients (ws) on loopback: learning and flooding, frames
// refused and counted, the origin allow-list, a bridged NETWORK device with its bounded queue, and
// the mirage-switch command with its /stats page.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Macaddr, type NetStats, type Network, ok } from "@mirage-ts/mirage-types";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { FrameSwitch, type FrameSwitchOptions, runSwitch } from "../src/index.js";

const switches: FrameSwitch[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(switches.splice(0).map((s) => s.close()));
});

async function start(options: FrameSwitchOptions = {}): Promise<FrameSwitch> {
  const s = await FrameSwitch.listen(options);
  switches.push(s);
  return s;
}

/** A client that keeps every frame it receives. */
async function client(s: FrameSwitch, headers: Record<string, string> = {}) {
  const socket = new WebSocket(s.url, { headers });
  sockets.push(socket);
  const received: Buffer[] = [];
  socket.on("message", (data: Buffer) => received.push(data));
  await once(socket, "open");
  return { socket, received, send: (frame: Uint8Array) => socket.send(frame) };
}

function frame(dst: number, src: number, payload = "x"): Uint8Array {
  const bytes = new Uint8Array(14 + payload.length);
  bytes.set([0x02, 0, 0, 0, 0, dst], 0);
  bytes.set([0x02, 0, 0, 0, 0, src], 6);
  bytes.set([0x08, 0x00], 12);
  bytes.set(new TextEncoder().encode(payload), 14);
  return bytes;
}

function broadcastFrame(src: number): Uint8Array {
  const bytes = frame(0, src);
  bytes.fill(0xff, 0, 6);
  return bytes;
}

describe("FrameSwitch", () => {
  it("floods unknown and group destinations, then forwards to the learned port only", async () => {
    const s = await start();
    const [a, b, c] = [await client(s), await client(s), await client(s)];
    a.send(broadcastFrame(1));
    await expect.poll(() => [b.received.length, c.received.length]).toEqual([1, 1]);
    // b answers a: a was learned on its port, so c sees nothing.
    b.send(frame(1, 2, "to-a"));
    await expect.poll(() => a.received.length).toBe(1);
    expect(new TextDecoder().decode(a.received[0]!.subarray(14))).toBe("to-a");
    a.send(frame(2, 1, "to-b"));
    await expect.poll(() => b.received.length).toBe(2);
    expect(c.received.length).toBe(1);
    expect(s.stats()).toMatchObject({ framesIn: 3, flooded: 1, forwarded: 2, malformed: 0, macEntries: 2 });
  });

  it("drops and counts text messages, runts, oversized frames and group source addresses", async () => {
    const s = await start({ maxFrameBytes: 100 });
    const [a, b] = [await client(s), await client(s)];
    a.socket.send("not a frame");
    a.send(new Uint8Array(10));
    a.send(frame(2, 1, "y".repeat(200)));
    const groupSource = frame(2, 1);
    groupSource[6] = 0x03;
    a.send(groupSource);
    a.send(frame(2, 1, "fine"));
    await expect.poll(() => s.stats().framesIn).toBe(5);
    expect(s.stats()).toMatchObject({ malformed: 4, flooded: 1 });
    await expect.poll(() => b.received.length).toBe(1);
  });

  it("refuses pages from origins off the allow-list, and accepts clients without an origin", async () => {
    const s = await start({ allowOrigins: ["http://127.0.0.1:8080"] });
    const refused = new WebSocket(s.url, { headers: { origin: "http://evil.example" } });
    sockets.push(refused);
    const [error] = (await once(refused, "error")) as [Error];
    expect(error.message).toMatch(/401/u);
    await client(s, { origin: "http://127.0.0.1:8080" });
    await client(s);
    expect(s.stats()).toMatchObject({ refusedOrigins: 1 });
    expect(s.stats().ports.length).toBe(2);
  });

  it("accepts only loopback pages by default", async () => {
    const s = await start();
    await client(s, { origin: "http://localhost:5173" });
    const refused = new WebSocket(s.url, { headers: { origin: "https://example.com" } });
    sockets.push(refused);
    await once(refused, "error");
    expect(s.stats().refusedOrigins).toBe(1);
  });

  it("bridges a NETWORK device both ways and drops what exceeds its queue", async () => {
    const s = await start();
    const written: Uint8Array[] = [];
    const pending: (() => void)[] = [];
    let deliver: ((f: Uint8Array) => void) | undefined;
    const stats: NetStats = { rxBytes: 0, rxPkts: 0, txBytes: 0, txPkts: 0 };
    // A device whose writes complete only when the test says so: its queue fills.
    const device: Network = {
      write: (size, fill) => {
        const buffer = new Uint8Array(size);
        written.push(buffer.subarray(0, fill(buffer)));
        return new Promise((resolve) => pending.push(() => resolve(ok())));
      },
      listen: (_header, handler) => {
        deliver = (f) => void handler(f);
        return new Promise(() => {});
      },
      mac: () => Macaddr.parse("02:00:00:00:00:09"),
      mtu: () => 1500,
      getStatsCounters: () => stats,
      resetStatsCounters: () => {},
      disconnect: async () => {},
    };
    s.attach("fake0", device, 2);
    const a = await client(s);
    for (let i = 0; i < 5; i++) a.send(broadcastFrame(1));
    await expect.poll(() => s.stats().framesIn).toBe(5);
    expect(written.length).toBe(2);
    expect(s.stats().queueDrops).toBe(3);
    for (const done of pending.splice(0)) done();
    // The device's frame reaches the client, which it was learned on.
    const reply = frame(1, 9, "from-device");
    deliver!(reply);
    reply.fill(0);
    await expect.poll(() => a.received.length).toBe(1);
    expect(new TextDecoder().decode(a.received[0]!.subarray(14))).toBe("from-device");
    expect(s.stats().ports.find((p) => p.name === "fake0")).toMatchObject({ rxFrames: 1, txFrames: 2, txDropped: 3 });
  });
});

describe("the mirage-switch command", () => {
  it("listens where told, serves /stats, and stops on SIGTERM printing its counters", async () => {
    const bin = fileURLToPath(new URL("../bin/mirage-switch.mjs", import.meta.url));
    const child = spawn(process.execPath, [bin, "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      await expect.poll(() => out).toMatch(/listening on ws:\/\/127\.0\.0\.1:\d+\n/u);
      const url = /ws:\/\/(\S+)/u.exec(out)![1]!;
      const socket = new WebSocket(`ws://${url}`);
      sockets.push(socket);
      await once(socket, "open");
      socket.send("text");
      await expect
        .poll(async () => ((await (await fetch(`http://${url}/stats`)).json()) as { malformed: number }).malformed)
        .toBe(1);
      child.kill("SIGTERM");
      const [code] = await once(child, "exit");
      expect(code).toBe(0);
      expect(err).toMatch(/mirage-switch stopping: \{"framesIn":1,.*"malformed":1/u);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("says which page origin it refused and the option allowing it, once per origin", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
    const s = (await runSwitch(["--listen", "127.0.0.1:0"], io))!;
    switches.push(s);
    for (let i = 0; i < 2; i++) {
      const refused = new WebSocket(s.url, { headers: { origin: "http://10.77.0.1:8082" } });
      sockets.push(refused);
      await once(refused, "error");
    }
    expect(s.stats().refusedOrigins).toBe(2);
    expect(err).toEqual([
      "mirage-switch: refused a page from http://10.77.0.1:8082, not an allowed origin: " +
        "allow it with --allow-origin http://10.77.0.1:8082\n",
    ]);
  });

  it("refuses 0 where a positive count is needed, naming the option", async () => {
    await expect(runSwitch(["--max-frame-bytes", "0"], { out: () => {} })).rejects.toThrow(
      '--max-frame-bytes: expected a positive integer, got "0"',
    );
  });

  it("names a bad option", async () => {
    const bin = fileURLToPath(new URL("../bin/mirage-switch.mjs", import.meta.url));
    const child = spawn(process.execPath, [bin, "--listen", "nowhere"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(err).toContain('--listen: expected HOST:PORT (for example 127.0.0.1:8090), got "nowhere"');
  });
});
