import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { type Server, type Socket, createServer } from "node:net";
import {
  Ipaddr,
  Ipv4Addr,
  Ipv4Prefix,
  Ipv6Addr,
  type Stack,
  type TcpFlow,
  ppIpError,
  ppTcpError,
  ppTcpWriteError,
} from "@mirage-ts/mirage-types";
import { ListenError, connectSocketStack } from "@mirage-ts/mirage-unix";
import { itRequiring, kernelTcpSockets, missingTools } from "@mirage-ts/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tcpConnectErrorOf, tcpErrorOf } from "../src/socket-stack/socket-tcp-flow.js";
import { SocketUdp } from "../src/socket-stack/socket-udp.js";
import { transferMs } from "./support/limits.js";
import { freePort } from "./support/ports.js";

const localhost = Ipv4Addr.localhost;

/** Why this host has no IPv6 loopback to test on. */
const noIpv6 = await new Promise<string | undefined>((resolve) => {
  const probe = createSocket("udp6");
  probe.once("error", () => resolve("no IPv6 on this host (::1 cannot be bound)"));
  probe.bind(0, "::1", () => probe.close(() => resolve(undefined)));
});

async function connectOk(stack: Stack, dst: Ipaddr, port: number, keepaliveNs?: bigint): Promise<TcpFlow<Ipaddr>> {
  const options =
    keepaliveNs === undefined ? {} : { keepalive: { afterNs: keepaliveNs, intervalNs: 1_000_000_000n, probes: 3 } };
  const result = await stack.tcp().createConnection(dst, port, options);
  if (!result.ok) throw new Error(ppTcpError(result.error));
  return result.value;
}

async function readAll(flow: TcpFlow<Ipaddr>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const result = await flow.read();
    if (!result.ok) throw new Error(ppTcpError(result.error));
    if (result.value.kind === "eof") return Buffer.concat(chunks);
    chunks.push(result.value.data);
  }
}

/** A flow of `stack` connected to a `node:net` server on loopback, and the server's side of it. */
async function nodePeer(stack: Stack): Promise<{ server: Server; client: TcpFlow<Ipaddr>; peer: Socket }> {
  const server: Server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once("connection", resolve));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const client = await connectOk(stack, localhost, typeof address === "object" && address !== null ? address.port : 0);
  return { server, client, peer: await accepted };
}

/** Echoes everything, then half-closes when the client does. */
async function echo(flow: TcpFlow<Ipaddr>): Promise<void> {
  for (;;) {
    const result = await flow.read();
    if (!result.ok || result.value.kind === "eof") break;
    const written = await flow.write(result.value.data);
    if (!written.ok) break;
  }
  await flow.close();
}

describe("connectSocketStack: TCP", () => {
  let stack: Stack;
  let port: number;
  beforeAll(async () => {
    stack = await connectSocketStack();
    port = await freePort("tcp");
    stack.tcp().listen(port, echo);
  });
  afterAll(() => stack.disconnect());

  it(
    "echoes 64 MiB both ways intact (SHA-256), with no-delay set",
    async () => {
      const client = await connectOk(stack, localhost, port);
      client.setNoDelay(true);
      const total = 64 << 20;
      const chunk = new Uint8Array(1 << 16);
      const sent = createHash("sha256");
      const received = createHash("sha256");
      const started = process.hrtime.bigint();
      const writer = (async () => {
        for (let offset = 0, round = 0; offset < total; offset += chunk.length, round++) {
          for (let i = 0; i < chunk.length; i += 4096) chunk[i] = (round * 31 + i) & 0xff; // vary the data
          sent.update(chunk);
          const written = await client.write(chunk); // resolves once the socket took it: reusing chunk is safe
          if (!written.ok) throw new Error(ppTcpWriteError(written.error));
        }
        await client.shutdown("write");
      })();
      let count = 0;
      for (;;) {
        const result = await client.read();
        if (!result.ok) throw new Error(ppTcpError(result.error));
        if (result.value.kind === "eof") break;
        received.update(result.value.data);
        count += result.value.data.length;
      }
      await writer;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      process.stderr.write(`socket stack: 64 MiB echoed through loopback in ${seconds.toFixed(2)} s\n`);
      expect(count).toBe(total);
      expect(received.digest("hex")).toBe(sent.digest("hex"));
      await client.close();
    },
    transferMs(2 * (64 << 20)),
  );

  it("half-closes: the peer reads to end-of-file and can still answer", async () => {
    const replyPort = await freePort("tcp");
    stack.tcp().listen(replyPort, async (flow) => {
      const request = await readAll(flow);
      await flow.write(Buffer.from(`got ${request.toString()}`));
      await flow.close();
    });
    const client = await connectOk(stack, localhost, replyPort);
    expect((await client.write(Buffer.from("hello"))).ok).toBe(true);
    await client.shutdown("write");
    const late = await client.write(Buffer.from("late"));
    expect(!late.ok && ppTcpWriteError(late.error)).toBe("attempted to write to a closed flow");
    expect((await readAll(client)).toString()).toBe("got hello");
    expect(await client.read()).toEqual({ ok: true, value: { kind: "eof" } });
    await client.close();
    stack.tcp().unlisten(replyPort);
  });

  it("maps a refused connection to upstream's error", async () => {
    const closed = await freePort("tcp");
    const result = await stack.tcp().createConnection(localhost, closed);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toEqual({ kind: "refused" });
      expect(ppTcpError(result.error)).toBe("connection attempt was refused");
    }
  });

  it("maps other system failures to `msg` with the system's text and code, not to a timeout or reset", () => {
    const system = (code: string, errno: number) =>
      Object.assign(new Error(`connect ${code} 192.0.2.1:80`), { code, errno });
    expect(tcpConnectErrorOf(system("ENETUNREACH", -101))).toEqual({
      kind: "msg",
      message: "network is unreachable (ENETUNREACH)",
    });
    expect(tcpConnectErrorOf(system("ETIMEDOUT", -110))).toEqual({ kind: "timeout" });
    expect(tcpConnectErrorOf(system("ECONNREFUSED", -111))).toEqual({ kind: "refused" });
    expect(tcpErrorOf(system("EHOSTUNREACH", -113))).toEqual({
      kind: "msg",
      message: "host is unreachable (EHOSTUNREACH)",
    });
    for (const [code, errno] of [
      ["ECONNRESET", -104],
      ["EPIPE", -32],
      ["ECONNABORTED", -103],
    ] as const) {
      expect(tcpErrorOf(system(code, errno))).toEqual({ kind: "reset" });
    }
    expect(tcpErrorOf(new Error("no code"))).toEqual({ kind: "msg", message: "no code" });
  });

  it("maps a reset by the peer to `reset`", async () => {
    const { server, client, peer } = await nodePeer(stack);
    peer.resetAndDestroy(); // once the client is connected
    const result = await client.read();
    expect(!result.ok && ppTcpError(result.error)).toBe("connection was reset by the peer");
    expect(await client.read()).toEqual(result); // errors are final
    const write = await client.write(Buffer.from("x"));
    expect(!write.ok && write.error.kind).toBe("reset");
    server.close();
  });

  it("abort drops a connection whose peer stopped reading: a RST, the blocked write failed, nothing kept", async () => {
    const { server, client, peer } = await nodePeer(stack);
    const local = client.src().port;
    peer.pause(); // reads nothing: both kernels' buffers fill, then the write waits for ever
    const write = client.write(new Uint8Array(64 << 20));
    const shutdown = client.shutdown("write");
    await expect.poll(() => kernelTcpSockets(local)[0]?.sendQueue ?? 0).toBeGreaterThan(0);
    expect(client.abort).toBeTypeOf("function");
    await client.abort?.();
    expect(await write).toEqual({ ok: false, error: { kind: "closed" } });
    await shutdown; // released, not left waiting for the write
    expect(await client.read()).toEqual({ ok: true, value: { kind: "eof" } });
    // A close would leave the kernel's socket in FIN_WAIT1 holding its send queue; a reset frees it.
    expect(kernelTcpSockets(local)).toEqual([]);
    server.close();
  });

  it("reports both ends, with IPv4 peers of a dual-stack listener as IPv4", async () => {
    let serverSide: TcpFlow<Ipaddr> | undefined;
    const sidePort = await freePort("tcp");
    stack.tcp().listen(sidePort, (flow) => {
      serverSide = flow;
    });
    const client = await connectOk(stack, localhost, sidePort);
    await expect.poll(() => serverSide).toBeDefined();
    expect(client.dst().addr.toString()).toBe("127.0.0.1");
    expect(client.dst().port).toBe(sidePort);
    expect(serverSide?.dst().addr.version).toBe(4);
    expect(serverSide?.dst().port).toBe(client.src().port);
    expect(serverSide?.src().port).toBe(sidePort);
    await client.close();
    await serverSide?.close();
    stack.tcp().unlisten(sidePort);
  });

  itRequiring(noIpv6, "connects over IPv6 loopback", {}, async () => {
    const client = await connectOk(stack, Ipv6Addr.localhost, port);
    expect(client.dst().addr.toString()).toBe("::1");
    await client.write(Buffer.from("six"));
    await client.shutdown("write");
    expect((await readAll(client)).toString()).toBe("six");
    await client.close();
  });

  itRequiring(missingTools("ss"), "sets the keepalive idle time of connections", {}, async () => {
    const client = await connectOk(stack, localhost, port, 7_000_000_000n);
    const sockets = execFileSync("ss", ["-tnoH", "state", "established", `( sport = :${client.src().port} )`], {
      encoding: "utf8",
    });
    expect(sockets).toMatch(/timer:\(keepalive,/);
    await client.close();
  });

  it("replaces the handler when listening again, stops on unlisten, and keeps open connections", async () => {
    const otherPort = await freePort("tcp");
    stack.tcp().listen(otherPort, async (flow) => {
      await flow.write(Buffer.from("first"));
      await flow.close();
    });
    stack.tcp().listen(otherPort, async (flow) => {
      await flow.write(Buffer.from("second"));
      await flow.close();
    });
    const a = await connectOk(stack, localhost, otherPort);
    expect((await readAll(a)).toString()).toBe("second");
    await a.close();
    const kept = await connectOk(stack, localhost, port);
    stack.tcp().unlisten(otherPort);
    const refused = await stack.tcp().createConnection(localhost, otherPort);
    expect(!refused.ok && refused.error.kind).toBe("refused");
    await kept.write(Buffer.from("still here"));
    await kept.shutdown("write");
    expect((await readAll(kept)).toString()).toBe("still here");
    await kept.close();
  });

  it("closes the connection of a handler that throws, and goes on listening", async () => {
    const failingPort = await freePort("tcp");
    stack.tcp().listen(failingPort, async () => {
      throw new Error("handler trouble");
    });
    for (let i = 0; i < 2; i++) {
      const client = await connectOk(stack, localhost, failingPort);
      expect((await readAll(client)).length).toBe(0);
      await client.close();
    }
    stack.tcp().unlisten(failingPort);
  });

  it("drops connections reset before they were accepted, and goes on serving", async () => {
    // The child connects and resets while this process's loop is blocked in spawnSync, so the kernel
    // hands Node sockets whose peer is gone: getpeername fails and Node knows no remote address.
    const resets = 20;
    const child = execFileSync(process.execPath, [
      "-e",
      `const net = require("node:net"); let left = ${resets};
      for (let i = 0; i < ${resets}; i++) {
        const s = net.connect(${port}, "127.0.0.1", () => {
          s.resetAndDestroy();
          if (--left === 0) console.log("reset");
        });
      }`,
    ]);
    expect(String(child).trim()).toBe("reset");
    const client = await connectOk(stack, localhost, port);
    expect((await client.write(Buffer.from("still here"))).ok).toBe(true);
    await client.shutdown("write");
    expect(String(await readAll(client))).toBe("still here");
    await client.close();
  });

  it("reads end-of-file and refuses writes after close", async () => {
    const client = await connectOk(stack, localhost, port);
    await client.close();
    expect(await client.read()).toEqual({ ok: true, value: { kind: "eof" } });
    const write = await client.write(Buffer.from("x"));
    expect(!write.ok && write.error.kind).toBe("closed");
    await client.close();
  });

  it("checks ports and address families", async () => {
    expect(() => stack.tcp().listen(70000, echo)).toThrow("invalid port number (70000)");
    expect(() => stack.tcp().createConnection(localhost, 0)).toThrow("invalid port number (0)");
    const v4only = await connectSocketStack({ ipv4Only: true });
    expect(() => v4only.tcp().createConnection(Ipv6Addr.localhost, port)).toThrow(
      "Attempted to connect to an IPv6 host, but stack is IPv4 only",
    );
    await v4only.disconnect();
    await expect(connectSocketStack({ ipv4Only: true, ipv6Only: true })).rejects.toThrow(RangeError);
    // An address given as text from JavaScript: a TypeError naming the parse call, for TCP and UDP alike.
    const text = "127.0.0.1" as unknown as Ipaddr;
    const fix = 'got the string "127.0.0.1": pass Ipv4Addr.parse("127.0.0.1") (from @mirage-ts/mirage-types)';
    expect(() => stack.tcp().createConnection(text, port)).toThrow(
      new TypeError(`createConnection: dst must be an Ipv4Addr or an Ipv6Addr, ${fix}`),
    );
    await expect(stack.udp().write(text, port, new Uint8Array(1))).rejects.toThrow(
      new TypeError(`write: dst must be an Ipv4Addr or an Ipv6Addr, ${fix}`),
    );
  });

  it("reports a port that cannot be bound", async () => {
    const blocker = createServer();
    const busy = await freePort("tcp");
    await new Promise<void>((resolve) => blocker.listen(busy, "127.0.0.1", resolve));
    const errors: Error[] = [];
    const other = await connectSocketStack({
      ipv4: Ipv4Prefix.parse("127.0.0.1/8"),
      ipv4Only: true,
      onListenError: (e) => void errors.push(e),
    });
    other.tcp().listen(busy, echo);
    // listening() tells the same failure to whoever waits for the port, and only after it was tried.
    const failure = await other
      .tcp()
      .listening?.(busy)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(ListenError);
    expect(errors).toEqual([failure]);
    expect(errors[0]).toBeInstanceOf(ListenError);
    expect(errors[0]).toMatchObject({ protocol: "tcp", port: busy, code: "EADDRINUSE" });
    expect(errors[0]?.message).toBe(
      `tcp: cannot listen on port ${busy}: address already in use (EADDRINUSE); ` +
        "another program listens there: stop it or choose another port",
    );
    await other.disconnect();
    blocker.close();
  });

  it("listening() resolves once the port is bound, and refuses a port not listened on", async () => {
    const fresh = await freePort("tcp");
    const v4 = await connectSocketStack({ ipv4: Ipv4Prefix.parse("127.0.0.1/8"), ipv4Only: true });
    v4.tcp().listen(fresh, echo);
    expect(v4.tcp().listening).toBeTypeOf("function");
    await v4.tcp().listening?.(fresh);
    // Resolved: the kernel has the listening socket now, not a tick later.
    expect(kernelTcpSockets(fresh).map((s) => s.state)).toEqual(["LISTEN"]);
    await expect(v4.tcp().listening?.(fresh + 1)).rejects.toThrow(`not listening on TCP port ${fresh + 1}`);
    await v4.disconnect();
  });

  it("reports a port refused to an unprivileged user with what to do", () => {
    const denied = Object.assign(new Error("listen EACCES: permission denied 0.0.0.0:80"), {
      code: "EACCES",
      errno: -13,
    });
    expect(new ListenError("udp", 80, denied).message).toBe(
      "udp: cannot listen on port 80: permission denied (EACCES); " +
        "a port below 1024 needs root or the CAP_NET_BIND_SERVICE capability: choose a port from 1024",
    );
    expect(new ListenError("tcp", 1, new Error("odd")).message).toBe("tcp: cannot listen on port 1: odd");
  });
});

describe("connectSocketStack: UDP", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await connectSocketStack();
  });
  afterAll(() => stack.disconnect());

  /** Waits until the stack's sockets listening on `port` are bound: `listen` binds them asynchronously. */
  async function bound(stack: Stack, port: number): Promise<void> {
    const udp = stack.udp();
    if (!(udp instanceof SocketUdp)) throw new Error("not the host socket stack's UDP");
    await udp.listening(port);
  }

  /** A socket on 127.0.0.1 (on `port`, or one the kernel picks), and the datagrams it receives. */
  function peer(port = 0): Promise<{
    socket: ReturnType<typeof createSocket>;
    port: number;
    next: () => Promise<[Buffer, number]>;
  }> {
    const socket = createSocket("udp4");
    const queue: [Buffer, number][] = [];
    socket.on("message", (message, from) => queue.push([message, from.port]));
    return new Promise((resolve) =>
      socket.bind(port, "127.0.0.1", () =>
        resolve({
          socket,
          port: socket.address().port,
          next: async () => {
            await expect.poll(() => queue.length).toBeGreaterThan(0);
            return queue.shift() as [Buffer, number];
          },
        }),
      ),
    );
  }

  it("delivers datagrams to a listener with their source, and sends from the listening port", async () => {
    const port = await freePort("udp");
    const got: [string, string, number, string][] = [];
    stack
      .udp()
      .listen(
        port,
        (src, dst, srcPort, payload) =>
          void got.push([src.toString(), dst.toString(), srcPort, Buffer.from(payload).toString()]),
      );
    await bound(stack, port);
    const { socket, port: peerPort, next } = await peer();
    socket.send("ping", port, "127.0.0.1");
    await expect.poll(() => got.length).toBe(1);
    expect(got[0]?.[0]).toBe("127.0.0.1");
    expect(got[0]?.[2]).toBe(peerPort);
    expect(got[0]?.[3]).toBe("ping");
    expect(Ipaddr.parse(got[0]?.[1] ?? "").version).toBe(4);
    expect((await stack.udp().write(localhost, peerPort, Buffer.from("pong"), { srcPort: port })).ok).toBe(true);
    const [pong, from] = await next();
    expect(pong.toString()).toBe("pong");
    expect(from).toBe(port);
    const spare = await freePort("udp");
    expect(
      (await stack.udp().write(localhost, peerPort, Buffer.from("from a chosen port"), { srcPort: spare })).ok,
    ).toBe(true);
    expect((await next())[1]).toBe(spare);
    expect((await stack.udp().write(localhost, peerPort, Buffer.from("ephemeral"))).ok).toBe(true);
    expect((await next())[0].toString()).toBe("ephemeral");
    stack.udp().unlisten(port);
    socket.close();
  });

  it("reports a UDP port that cannot be bound once, as a ListenError", async () => {
    const blocker = await peer();
    const errors: Error[] = [];
    const other = await connectSocketStack({
      ipv4: Ipv4Prefix.parse("127.0.0.1/8"),
      ipv4Only: true,
      onListenError: (e) => void errors.push(e),
    });
    other.udp().listen(blocker.port, () => {});
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toBeInstanceOf(ListenError);
    expect(errors[0]).toMatchObject({ protocol: "udp", port: blocker.port, code: "EADDRINUSE" });
    await other.disconnect();
    blocker.socket.close();
  });

  it("replaces the callback when listening again, and stops on unlisten", async () => {
    const port = await freePort("udp");
    const seen: string[] = [];
    stack.udp().listen(port, () => void seen.push("first"));
    stack.udp().listen(port, () => void seen.push("second"));
    await bound(stack, port);
    const { socket } = await peer();
    socket.send("x", port, "127.0.0.1");
    await expect.poll(() => seen).toEqual(["second"]);
    stack.udp().unlisten(port);
    // The port is free at once: a socket bound to it now gets "y", and the stack's callback nothing.
    const { socket: taker, next } = await peer(port);
    socket.send("y", port, "127.0.0.1");
    expect((await next())[0].toString()).toBe("y");
    expect(seen).toEqual(["second"]);
    taker.close();
    socket.close();
  });

  it("reports datagrams too big to send as `would fragment`, and the other family as no route", async () => {
    const { socket, port } = await peer();
    const big = await stack.udp().write(localhost, port, new Uint8Array(70_000));
    expect(!big.ok && ppIpError(big.error)).toBe("would fragment");
    const v6only = await connectSocketStack({ ipv6Only: true });
    const wrong = await v6only.udp().write(localhost, port, Buffer.from("x"));
    expect(!wrong.ok && ppIpError(wrong.error)).toBe(
      "no route to destination: attempting to send to a destination with a different IP protocol version",
    );
    await v6only.disconnect();
    expect(() => stack.udp().listen(-1, () => {})).toThrow("invalid port number (-1)");
    socket.close();
  });
});

describe("connectSocketStack: IP", () => {
  it("reports addresses and MTUs, computes pseudo-headers, and sends no raw packets", async () => {
    const stack = await connectSocketStack();
    const ip = stack.ip();
    expect(ip.configuredIps().map((p) => p.toString())).toEqual(["0.0.0.0/0", "::/0"]);
    expect(ip.mtu(localhost)).toBe(1480);
    expect(ip.mtu(Ipv6Addr.localhost)).toBe(1460);
    expect(ip.src(localhost).toString()).toBe("0.0.0.0");
    const header = ip.pseudoheader(Ipv4Addr.parse("10.0.0.1"), Ipv4Addr.parse("10.0.0.2"), "udp", 28);
    expect([...header]).toEqual([10, 0, 0, 1, 10, 0, 0, 2, 0, 17, 0, 28]);
    const header6 = ip.pseudoheader(Ipv6Addr.parse("::1"), Ipv6Addr.parse("::2"), "tcp", 0x10000);
    expect(header6).toHaveLength(40);
    expect([...header6.subarray(32)]).toEqual([0, 1, 0, 0, 0, 0, 0, 6]);
    expect(() => ip.pseudoheader(localhost, Ipv6Addr.localhost, "tcp", 1)).toThrow(TypeError);
    const written = await ip.write(localhost, "udp", () => 0, []);
    expect(!written.ok && written.error.kind).toBe("no_route");
    const bound = await connectSocketStack({ ipv4: Ipv4Prefix.parse("127.0.0.1/8"), ipv4Only: true });
    expect(
      bound
        .ip()
        .configuredIps()
        .map((p) => p.toString()),
    ).toEqual(["127.0.0.1/8"]);
    expect(bound.ip().src(localhost).toString()).toBe("127.0.0.1");
    await bound.disconnect();
    const stopped = stack.listen();
    await stack.disconnect();
    await stopped;
  });
});
