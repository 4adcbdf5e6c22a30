import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { type LogEvent, setReporter } from "@mirage-ts/mirage-runtime";
import { Macaddr, ppNetError } from "@mirage-ts/mirage-types";
import { type UdpTunnel, connectUdpTunnel } from "@mirage-ts/mirage-unix";
import { itRequiring } from "@mirage-ts/test-support";
import { describe, expect, it } from "vitest";
import { WAIT_MS } from "./support/limits.js";
import { freePort } from "./support/ports.js";

/** Two tunnels facing each other on loopback: a virtual cable. */
async function cable(): Promise<[UdpTunnel, UdpTunnel]> {
  const portB = await freePort("udp");
  const a = await connectUdpTunnel({ remotePort: portB });
  const b = await connectUdpTunnel({ localPort: portB, remotePort: a.localPort });
  return [a, b];
}

function frame(length: number, seed: number): (buffer: Uint8Array) => number {
  return (buffer) => {
    for (let i = 0; i < length; i++) buffer[i] = (seed + i) & 0xff;
    return length;
  };
}

describe("connectUdpTunnel", () => {
  it("carries whole frames both ways, one per datagram, and counts them", async () => {
    const [a, b] = await cable();
    const atB: Uint8Array[] = [];
    const atA: Uint8Array[] = [];
    const listeningB = b.listen(14, (f) => void atB.push(Uint8Array.from(f)));
    const listeningA = a.listen(14, (f) => void atA.push(Uint8Array.from(f)));
    for (const length of [60, 1514, 42]) expect((await a.write(1514, frame(length, length))).ok).toBe(true);
    expect((await b.write(100, frame(64, 1))).ok).toBe(true);
    await expect.poll(() => atB.length).toBe(3);
    await expect.poll(() => atA.length).toBe(1);
    expect(atB.map((f) => f.length)).toEqual([60, 1514, 42]);
    expect(atB[1]?.every((x, i) => x === ((1514 + i) & 0xff))).toBe(true);
    // The kernel's drop count is read on Linux only: elsewhere rxDropped is absent.
    const none = process.platform === "linux" ? { rxDropped: 0 } : {};
    expect(a.getStatsCounters()).toEqual({ txPkts: 3, txBytes: 60 + 1514 + 42, rxPkts: 1, rxBytes: 64, ...none });
    expect(b.getStatsCounters()).toEqual({ txPkts: 1, txBytes: 64, rxPkts: 3, rxBytes: 60 + 1514 + 42, ...none });
    a.resetStatsCounters();
    expect(a.getStatsCounters()).toEqual({ txPkts: 0, txBytes: 0, rxPkts: 0, rxBytes: 0, ...none });
    await Promise.all([a.disconnect(), b.disconnect()]);
    expect(await listeningA).toEqual({ ok: true, value: undefined });
    expect(await listeningB).toEqual({ ok: true, value: undefined });
  });

  it("reports its MAC (random and locally administered unless given) and MTU", async () => {
    const [a, b] = await cable();
    expect(a.mac().isLocallyAdministered()).toBe(true);
    expect(a.mac().isUnicast()).toBe(true);
    expect(a.mac().equals(b.mac())).toBe(false);
    expect(a.mtu()).toBe(1500);
    const given = Macaddr.parse("02:00:00:00:00:42");
    const c = await connectUdpTunnel({ remotePort: a.localPort, mac: given, mtu: 9000 });
    expect(c.mac().equals(given)).toBe(true);
    expect(c.mtu()).toBe(9000);
    expect(c.localAddress).toBe("127.0.0.1");
    expect(c.remotePort).toBe(a.localPort);
    await Promise.all([a.disconnect(), b.disconnect(), c.disconnect()]);
  });

  it("refuses a fill that claims more than its buffer, and writes after disconnect", async () => {
    const [a, b] = await cable();
    const tooLong = await a.write(10, () => 11);
    expect(!tooLong.ok && ppNetError(tooLong.error)).toBe("invalid length (exceeds size)");
    await expect(a.write(-1, () => 0)).rejects.toThrow(RangeError);
    await a.disconnect();
    const late = await a.write(10, () => 10);
    expect(!late.ok && ppNetError(late.error)).toBe("network device is disconnected");
    const listen = await a.listen(14, () => {});
    expect(!listen.ok && ppNetError(listen.error)).toBe("network device is disconnected");
    await b.disconnect();
  });

  it("hands a zeroed buffer of the requested size to the fill function", async () => {
    const [a, b] = await cable();
    let seen: Uint8Array | undefined;
    await a.write(128, (buffer) => {
      seen = Uint8Array.from(buffer);
      return 0;
    });
    expect(seen).toHaveLength(128);
    expect(seen?.every((x) => x === 0)).toBe(true);
    await Promise.all([a.disconnect(), b.disconnect()]);
  });

  it("drops datagrams from anyone but the peer", async () => {
    const [a, b] = await cable();
    const got: number[] = [];
    void b.listen(14, (f) => void got.push(f.length));
    const stranger = createSocket("udp4");
    await new Promise<void>((resolve) => stranger.send(new Uint8Array(77), b.localPort, "127.0.0.1", () => resolve()));
    await a.write(60, frame(60, 0));
    // The stranger's datagram reached b's socket first (its send completed before the peer's), so it
    // was handled, and dropped, before the peer's frame.
    await expect.poll(() => got.length).toBe(1);
    expect(got).toEqual([60]);
    stranger.close();
    await Promise.all([a.disconnect(), b.disconnect()]);
  });

  it("keeps listening when a handler fails, and refuses a second listener", async () => {
    const [a, b] = await cable();
    let calls = 0;
    void b.listen(14, async () => {
      calls++;
      throw new Error("handler trouble");
    });
    const second = await b.listen(14, () => {});
    expect(!second.ok && ppNetError(second.error)).toBe(`netif udp:127.0.0.1:${b.localPort}: already listening`);
    await a.write(60, frame(60, 0));
    await a.write(60, frame(60, 0));
    await expect.poll(() => calls).toBe(2);
    await Promise.all([a.disconnect(), b.disconnect()]);
  });

  it("loses frames quietly while nobody listens at the peer", async () => {
    const port = await freePort("udp");
    const lonely = await connectUdpTunnel({ remotePort: port });
    for (let i = 0; i < 3; i++) expect((await lonely.write(60, frame(60, i))).ok).toBe(true);
    await lonely.disconnect();
  });

  it("rejects bad options with clear errors", async () => {
    await expect(connectUdpTunnel({ remotePort: 0 })).rejects.toThrow(
      "remotePort must be an integer from 1 to 65535, got 0",
    );
    await expect(connectUdpTunnel({ remotePort: 9, mtu: 20 })).rejects.toThrow(RangeError);
    await expect(connectUdpTunnel({ remotePort: 9, remoteAddress: "::1" })).rejects.toThrow(
      "must be IP addresses of the same family",
    );
    await expect(connectUdpTunnel({ remotePort: 9, localAddress: "192.0.2.1" })).rejects.toThrow(
      /udp tunnel: cannot bind 192\.0\.2\.1:0: .*EADDRNOTAVAIL/,
    );
  });

  it("rejects bad queue options naming the option and the accepted range", async () => {
    for (const queueLength of [0, -1, 1.5, Number.NaN, 524_289]) {
      await expect(connectUdpTunnel({ remotePort: 9, queueLength })).rejects.toThrow(
        new RangeError(`queueLength must be an integer from 1 to 524288 (frames), got ${queueLength}`),
      );
    }
    for (const receiveBufferSize of [0, 2 ** 31, 0.5]) {
      await expect(connectUdpTunnel({ remotePort: 9, receiveBufferSize })).rejects.toThrow(
        new RangeError(`receiveBufferSize must be an integer from 1 to 2147483647 (bytes), got ${receiveBufferSize}`),
      );
    }
    await expect(connectUdpTunnel({ remotePort: 9, queueLength: 10, receiveBufferSize: 4096 })).rejects.toThrow(
      new RangeError("udp tunnel: give queueLength (frames) or receiveBufferSize (bytes), not both"),
    );
    await expect(connectUdpTunnel({ remotePort: 9, queueLength: 524_288, mtu: 9000 })).rejects.toThrow(
      /^queueLength 524288 at MTU 9000 needs a receive buffer of 5061476352 bytes, more than a socket can have/,
    );
  });
});

const rmemMax = process.platform === "linux" ? Number(readFileSync("/proc/sys/net/core/rmem_max", "utf8")) : 0;
const notLinux = process.platform === "linux" ? undefined : "Linux only (net.core.rmem_max, /proc/net/udp)";

describe("the UDP tunnel's receive buffer", () => {
  itRequiring(
    notLinux ?? (rmemMax >= 2 ** 31 - 1 ? "net.core.rmem_max is already the largest a socket can have" : undefined),
    "refuses a chosen size the kernel would cap, naming net.core.rmem_max and the fix",
    {},
    async () => {
      const asked = rmemMax + 1;
      await expect(connectUdpTunnel({ remotePort: 9, receiveBufferSize: asked })).rejects.toThrow(
        `udp tunnel: a receive buffer of ${asked} bytes was asked, but the kernel caps it at net.core.rmem_max ` +
          `(${rmemMax} bytes): raise the limit with \`sudo sysctl -w net.core.rmem_max=${asked}\`, or ask for less`,
      );
    },
  );

  itRequiring(notLinux, "warns when the kernel caps the default, and only then", {}, async () => {
    const events: LogEvent[] = [];
    setReporter((event) => events.push(event));
    const tunnel = await connectUdpTunnel({ remotePort: 9 });
    await tunnel.disconnect();
    setReporter(() => {});
    const warnings = events.filter((event) => event.level === "warning").map((event) => event.message);
    const asked = 4096 * (1500 + 14 + 640);
    if (rmemMax >= asked) expect(warnings).toEqual([]);
    else {
      expect(warnings).toEqual([
        `udp tunnel: the receive buffer is capped at net.core.rmem_max (${rmemMax} bytes), below the ${asked} ` +
          "bytes of the default 4096 frames: a burst of more than " +
          `${Math.floor(rmemMax / (1500 + 14 + 640))} frames of MTU size may be dropped (counted in rxDropped); ` +
          `raise the limit with \`sudo sysctl -w net.core.rmem_max=${asked}\``,
      ]);
    }
  });

  itRequiring(notLinux, "counts the datagrams the kernel drops while the unikernel is busy", {}, async () => {
    const senderPort = await freePort("udp");
    // 16 KiB asked, 32 KiB reserved: about 14 full frames fit, the rest of a burst of 200 is dropped.
    const tunnel = await connectUdpTunnel({ remotePort: senderPort, receiveBufferSize: 16_384 });
    let received = 0;
    const listening = tunnel.listen(14, () => void received++);
    const done = new Int32Array(new SharedArrayBuffer(4));
    const burst = 200;
    // The burst comes from another thread while this one, whose event loop reads the socket, is blocked.
    const sender = new Worker(
      `const { workerData: w } = require("node:worker_threads");
      const done = new Int32Array(w.done.buffer);
      const finish = (code) => { Atomics.store(done, 0, code); Atomics.notify(done, 0); };
      const socket = require("node:dgram").createSocket("udp4");
      socket.on("error", () => finish(2));
      socket.bind(w.port, "127.0.0.1", async () => {
        const frame = new Uint8Array(1514);
        for (let i = 0; i < w.burst; i++) await new Promise((sent) => socket.send(frame, w.to, "127.0.0.1", sent));
        socket.close();
        finish(1);
      });`,
      { eval: true, workerData: { port: senderPort, to: tunnel.localPort, burst, done } },
    );
    try {
      expect(Atomics.wait(done, 0, 0, WAIT_MS)).not.toBe("timed-out");
      expect(Atomics.load(done, 0)).toBe(1);
      // Every datagram was either queued, then read, or dropped and counted.
      await expect.poll(() => received + (tunnel.getStatsCounters().rxDropped ?? 0)).toBe(burst);
      expect(tunnel.getStatsCounters().rxDropped).toBeGreaterThan(burst / 2);
      expect(tunnel.getStatsCounters().rxPkts).toBe(received);
      tunnel.resetStatsCounters();
      expect(tunnel.getStatsCounters().rxDropped).toBe(0);
    } finally {
      await sender.terminate();
      await tunnel.disconnect();
    }
    expect((await listening).ok).toBe(true);
  });
});
