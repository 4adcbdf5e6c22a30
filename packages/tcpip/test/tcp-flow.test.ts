/**
 * Flow semantics over two TCP layers: reads give data or end-of-file, writes resolve when the bytes
 * fit the send buffer, shutdowns and resets surface as mirage-types defines, never as a hang.
 */

import { type LogEvent, setReporter } from "@mirage-ts/mirage-runtime";
import type { Ipv4Addr, Result, TcpError, TcpFlow } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { advance, drive, runUntil } from "./tcp/drive.js";
import { type Pair, tcpPair } from "./tcp/pair.js";

type Flow = TcpFlow<Ipv4Addr>;

async function connected(pair: Pair, port = 80): Promise<{ client: Flow; server: Flow }> {
  const accepted: Flow[] = [];
  pair.b.listen(port, (flow) => void accepted.push(flow));
  const r = await drive(pair.clock, pair.a.createConnection(pair.addrB, port));
  if (!r.ok) throw new Error(`connect: ${r.error.kind}`);
  await runUntil(pair.clock, () => accepted.length > 0);
  return { client: r.value, server: accepted[0]! };
}

async function readAll(pair: Pair, flow: Flow): Promise<{ data: number[]; end: string }> {
  const data: number[] = [];
  for (;;) {
    const r = await drive(pair.clock, flow.read());
    if (!r.ok) return { data, end: r.error.kind };
    if (r.value.kind === "eof") return { data, end: "eof" };
    data.push(...r.value.data);
  }
}

async function closedDown(pair: Pair): Promise<void> {
  await runUntil(pair.clock, () => pair.a.stats().connections === 0 && pair.b.stats().connections === 0);
  for (const layer of [pair.a, pair.b]) {
    const s = layer.stats();
    expect([s.timers, s.sendBufferedBytes, s.receiveBufferedBytes, s.allocatedBufferBytes, s.internalErrors]).toEqual([
      0, 0, 0, 0, 0,
    ]);
  }
  expect(pair.clock.pendingTimers).toBe(0);
}

const pattern = (n: number, seed = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe("TcpFlow", () => {
  it("carries writes and writev in order, then end-of-file, and both ends release everything", async () => {
    const pair = await tcpPair();
    const { client, server } = await connected(pair);
    expect(client.dst()).toEqual({ addr: pair.addrB, port: 80 });
    expect(server.src()).toEqual({ addr: pair.addrB, port: 80 });
    expect(server.dst().addr.equals(pair.addrA)).toBe(true);
    expect((await client.write(pattern(3000, 1))).ok).toBe(true);
    expect((await client.writev([pattern(10, 2), new Uint8Array(0), pattern(5000, 3)])).ok).toBe(true);
    await client.close();
    const got = await readAll(pair, server);
    expect(got.end).toBe("eof");
    expect(got.data).toEqual([...pattern(3000, 1), ...pattern(10, 2), ...pattern(5000, 3)]);
    // A read after end-of-file gives end-of-file again.
    expect(await server.read()).toEqual({ ok: true, value: { kind: "eof" } });
    await server.close();
    await closedDown(pair);
  });

  it("a read hands over at most 64 KiB, however much is buffered; the next reads take the rest", async () => {
    const pair = await tcpPair();
    const { client, server } = await connected(pair);
    const sent = pattern(200_000, 4);
    expect((await client.write(sent)).ok).toBe(true);
    await runUntil(pair.clock, () => pair.b.stats().receiveBufferedBytes === sent.length);
    const sizes: number[] = [];
    const got: number[] = [];
    while (got.length < sent.length) {
      const r = await drive(pair.clock, server.read());
      if (!r.ok || r.value.kind === "eof") throw new Error("the data ended early");
      sizes.push(r.value.data.length);
      got.push(...r.value.data);
    }
    expect(sizes).toEqual([65_536, 65_536, 65_536, 200_000 - 3 * 65_536]);
    expect(Uint8Array.from(got)).toEqual(sent);
  });

  it("applies backpressure: a write resolves only once its bytes fit the send buffer", async () => {
    const pair = await tcpPair({ config: { sendBufferSize: 8192, receiveBufferSize: 8192 } });
    const { client, server } = await connected(pair);
    let done = false;
    const big = pattern(100_000, 4);
    const write = client.write(big).then((r) => {
      done = true;
      return r;
    });
    await advance(pair.clock, 1000);
    expect(done).toBe(false); // 16 KiB of buffers on both sides cannot hold 100 kB
    expect(pair.a.stats().sendBufferedBytes).toBe(8192);
    const received: number[] = [];
    while (received.length < big.length) {
      const r = await drive(pair.clock, server.read());
      if (!r.ok || r.value.kind === "eof") throw new Error("early end");
      received.push(...r.value.data);
    }
    expect((await drive(pair.clock, write)).ok).toBe(true);
    expect(received).toEqual([...big]);
    await client.close();
    await server.close();
    await closedDown(pair);
  }, 60_000);

  it("a write after shutdown(write) or close fails with closed; shutdown(read) ends reads", async () => {
    const pair = await tcpPair();
    const { client, server } = await connected(pair);
    await client.shutdown("write");
    expect(await client.write(pattern(1))).toEqual({ ok: false, error: { kind: "closed" } });
    expect(await client.writev([pattern(1)])).toEqual({ ok: false, error: { kind: "closed" } });
    // The server sees end-of-file but can still write: half-close.
    expect((await readAll(pair, server)).end).toBe("eof");
    expect((await server.write(pattern(100))).ok).toBe(true);
    const pending = client.read();
    await client.shutdown("read");
    expect(await pending).toEqual({ ok: true, value: { kind: "eof" } });
    expect(await client.read()).toEqual({ ok: true, value: { kind: "eof" } });
    await server.close();
    expect(await server.write(pattern(1))).toEqual({ ok: false, error: { kind: "closed" } });
    await client.close();
    await closedDown(pair);
  });

  it("data arriving after shutdown(read) is acknowledged and dropped, so the peer's writes complete", async () => {
    const pair = await tcpPair({ config: { receiveBufferSize: 4096 } });
    const { client, server } = await connected(pair);
    await server.shutdown("read");
    const w = await drive(pair.clock, client.write(pattern(50_000)));
    expect(w.ok).toBe(true);
    await runUntil(pair.clock, () => pair.a.stats().sendBufferedBytes === 0);
    expect(pair.b.stats().receiveBufferedBytes).toBe(0);
    await client.close();
    await server.close();
    await closedDown(pair);
  }, 60_000);

  it("a peer reset reaches a pending reader and a blocked writer as errors, not hangs", async () => {
    const pair = await tcpPair({ config: { sendBufferSize: 4096, receiveBufferSize: 4096 } });
    const { client, server } = await connected(pair);
    const read = client.read();
    const write = client.write(pattern(100_000));
    await advance(pair.clock, 100);
    // The server never read what arrived: closing it resets the connection.
    await server.write(pattern(10));
    await server.close();
    const results = await drive(pair.clock, Promise.all([read, write]));
    expect(results[0]).toEqual({ ok: true, value: { kind: "data", data: pattern(10) } });
    expect(results[1]).toEqual({ ok: false, error: { kind: "reset" } });
    expect(await client.read()).toEqual({ ok: false, error: { kind: "reset" } });
    expect(await client.write(pattern(1))).toEqual({ ok: false, error: { kind: "reset" } });
    await client.close();
    await closedDown(pair);
  });

  it("abort drops a connection whose peer stopped reading: RST, blocked write failed, buffers released", async () => {
    const pair = await tcpPair({ config: { sendBufferSize: 4096, receiveBufferSize: 4096 } });
    const { client, server } = await connected(pair);
    // The server reads nothing: the client's window closes and its write waits for ever.
    const write = client.write(pattern(100_000));
    const shutdown = client.shutdown("write");
    await runUntil(pair.clock, () => pair.a.stats().sendBufferedBytes === 4096);
    const resetsBefore = pair.a.stats().resetsSent;
    expect(client.abort).toBeTypeOf("function");
    await client.abort?.();
    expect(await drive(pair.clock, write)).toEqual({ ok: false, error: { kind: "closed" } });
    await drive(pair.clock, shutdown); // a shutdown waiting for the writes is released, not left hanging
    expect(pair.a.stats().resetsSent).toBe(resetsBefore + 1);
    expect(await client.read()).toEqual({ ok: true, value: { kind: "eof" } });
    // The peer sees the reset after what it had received.
    const got = await readAll(pair, server);
    expect(got.end).toBe("reset");
    await server.close();
    await advance(pair.clock, 100); // the server's window update, sent as it read, meets no connection
    await closedDown(pair);
  });

  it("a vanished peer ends in a timeout through keepalive", async () => {
    const keepalive = { afterNs: 5_000_000_000n, intervalNs: 1_000_000_000n, probes: 3 };
    const pair = await tcpPair({ config: { keepalive } });
    const { client, server } = await connected(pair);
    // The link cut both ways, ARP included.
    pair.netifA.setLink({ loss: 1 });
    const [c, s] = await drive(pair.clock, Promise.all([client.read(), server.read()]));
    expect(c).toEqual({ ok: false, error: { kind: "timeout" } });
    expect(s).toEqual({ ok: false, error: { kind: "timeout" } });
    expect(pair.clock.now()).toBeGreaterThanOrEqual(8000);
    expect(pair.clock.now()).toBeLessThan(9000);
    await client.close();
    await server.close();
    await closedDown(pair);
  });

  it("connecting to a port without listener is refused; a vanished host times out", async () => {
    const pair = await tcpPair({ config: { synRetries: 2 } });
    expect(await drive(pair.clock, pair.a.createConnection(pair.addrB, 81))).toEqual({
      ok: false,
      error: { kind: "refused" },
    });
    pair.netifA.setLink({ loss: 1 }, "tx");
    const r: Result<Flow, TcpError> = await drive(pair.clock, pair.a.createConnection(pair.addrB, 81));
    expect(r).toEqual({ ok: false, error: { kind: "timeout" } });
    expect(pair.clock.now()).toBeGreaterThanOrEqual(7000);
    await closedDown(pair);
  });

  it("listen replaces the handler; unlisten makes new SYNs refused while flows go on", async () => {
    const pair = await tcpPair();
    const seen: string[] = [];
    pair.b.listen(80, () => void seen.push("first"));
    pair.b.listen(80, (flow) => {
      seen.push("second");
      void flow.write(pattern(5));
    });
    const r = await drive(pair.clock, pair.a.createConnection(pair.addrB, 80));
    if (!r.ok) throw new Error("connect");
    await runUntil(pair.clock, () => seen.length > 0);
    expect(seen).toEqual(["second"]);
    pair.b.unlisten(80);
    expect(pair.b.stats().listeners).toBe(0);
    expect((await drive(pair.clock, pair.a.createConnection(pair.addrB, 80))).ok).toBe(false);
    expect(await drive(pair.clock, r.value.read())).toEqual({ ok: true, value: { kind: "data", data: pattern(5) } });
  });

  it("a handler that throws is logged and its connection closed, as on the socket stack", async () => {
    const events: LogEvent[] = [];
    setReporter((event) => events.push(event));
    try {
      const pair = await tcpPair();
      pair.b.listen(80, () => {
        throw new Error("application bug");
      });
      const r = await drive(pair.clock, pair.a.createConnection(pair.addrB, 80));
      if (!r.ok) throw new Error("connect");
      expect(await drive(pair.clock, r.value.read())).toEqual({ ok: true, value: { kind: "eof" } });
      const warning = events.find((e) => e.source === "tcp" && e.level === "warning");
      expect(warning?.message).toMatch(/^tcp error on port 80 in callback: Error: application bug\n {4}at /u);
      await r.value.close();
      await closedDown(pair);
    } finally {
      setReporter(() => undefined);
    }
  });

  it("running out of ephemeral ports is an error at once, not a spin", async () => {
    const pair = await tcpPair({ configA: { ephemeralPorts: [50000, 50002] } });
    pair.b.listen(80, () => undefined);
    const flows: Flow[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await drive(pair.clock, pair.a.createConnection(pair.addrB, 80));
      if (!r.ok) throw new Error("connect");
      flows.push(r.value);
    }
    expect(flows.map((f) => f.src().port).sort()).toEqual([50000, 50001, 50002]);
    expect(await pair.a.createConnection(pair.addrB, 80)).toEqual({ ok: false, error: { kind: "refused" } });
    expect(pair.a.stats().portExhaustion).toBe(1);
    // Another destination port is another tuple.
    pair.b.listen(81, () => undefined);
    expect((await drive(pair.clock, pair.a.createConnection(pair.addrB, 81))).ok).toBe(true);
  });

  it("the connection table is bounded", async () => {
    const pair = await tcpPair({ configA: { maxConnections: 2 }, configB: { maxConnections: 1 } });
    pair.b.listen(80, () => undefined);
    expect((await drive(pair.clock, pair.a.createConnection(pair.addrB, 80))).ok).toBe(true);
    // B is full: the SYN is dropped, A retries, then gives up.
    const second = pair.a.createConnection(pair.addrB, 80);
    expect(await pair.a.createConnection(pair.addrB, 80)).toEqual({ ok: false, error: { kind: "refused" } });
    expect(await drive(pair.clock, second)).toEqual({ ok: false, error: { kind: "timeout" } });
    expect(pair.b.stats().listenOverflows).toBeGreaterThan(0);
  });

  it("disconnect resets every connection and leaves nothing behind", async () => {
    const pair = await tcpPair();
    const { client, server } = await connected(pair);
    void server.write(pattern(1000));
    const read = client.read();
    await pair.b.disconnect();
    expect(pair.b.stats()).toMatchObject({ connections: 0, listeners: 0, timers: 0 });
    expect(await drive(pair.clock, read)).toEqual({ ok: true, value: { kind: "data", data: pattern(1000) } });
    expect(await drive(pair.clock, client.read())).toEqual({ ok: false, error: { kind: "reset" } });
    expect(await pair.b.createConnection(pair.addrA, 80)).toEqual({ ok: false, error: { kind: "refused" } });
    await client.close();
    await server.close();
    await closedDown(pair);
  });

  it("rejects bad ports and settings with errors naming them", async () => {
    const pair = await tcpPair();
    expect(() => pair.a.listen(0, () => undefined)).toThrow(/listen: port must be an integer from 1 to 65535, got 0/);
    expect(() => pair.a.listen(80, () => undefined, { backlog: 0 })).toThrow(/backlog/);
    expect(() => pair.a.createConnection(pair.addrB, 70000)).toThrow(RangeError);
    await expect(tcpPair({ config: { delayedAckMs: 200 } })).rejects.toThrow(
      /delayedAckMs must be an integer from 0 to 40, got 200/,
    );
    await expect(tcpPair({ config: { ephemeralPorts: [5, 1] } })).rejects.toThrow(/ephemeralPorts/);
    expect(() => pair.a.listen(80, () => undefined, { keepalive: { afterNs: 0n, intervalNs: 1n, probes: 1 } })).toThrow(
      /keepalive/,
    );
  });

  it("drops and counts segments with a bad checksum, then recovers by retransmission", async () => {
    const pair = await tcpPair({ ab: { corrupt: 0.2 }, ba: { corrupt: 0.2 }, seed: 9 });
    const { client, server } = await connected(pair);
    const data = pattern(200_000, 5);
    void client.write(data).then(() => client.close());
    const got = await readAll(pair, server);
    expect(got.end).toBe("eof");
    expect(got.data.length).toBe(data.length);
    expect(Buffer.from(got.data).equals(Buffer.from(data))).toBe(true);
    expect(pair.a.stats().badChecksum + pair.b.stats().badChecksum).toBeGreaterThan(0);
    expect(pair.netifA.linkStats().tx.corrupted).toBeGreaterThan(0);
  }, 60_000);
});
