// tcp-bench.mjs: TCP figures of the direct stack, printed side by side with the host kernel's, in
// one run (build first: `pnpm exec tsc -b packages/tcpip packages/mirage-unix`):
//
//   node --expose-gc packages/tcpip/bench/tcp-bench.mjs [--mib 256] [--connections 10000] [--only offload]
//
// `--only offload` runs the offload rows alone (after the two peers), for quick before/after figures.
//
// TCP_BENCH_CONFIG='{"delayedAckMs":0}' overrides the stacks' TcpConfig for the transfer.
// The last vnetif rows have both ports offering offloads (64 KiB TCP segments and partial checksums
// carried unsummed, as over a veth pair between virtio-net devices), IPv4 and IPv6; with
// iperf3 installed, its loopback figure is measured in the same run and every row is compared with it,
// by wall clock and per CPU-second (the stacks' process against iperf3's two processes, by their own
// CPU time: the comparison that holds when other work takes the machine's cores).
//
// 1. Bulk throughput: TCP between two dual-stack DirectStacks in this process, over IPv4 and over IPv6,
//    on a vnetif switch (MTU 1500, then 9000) timed on mirage-unix's real clock, so every frame crosses the
//    switch through the event loop as a real deployment's would. Each row is as long as iperf3's run (3 s):
//    256 MiB transfers, each on a new connection between the same two stacks, until their times add up
//    to 3 s, read as iperf3's receiver reads: every chunk copied into one reused 128 KiB buffer (and its
//    first and last bytes checked against the payload at their offset). Before them, not timed, one
//    transfer whose receiver keeps all it reads, checked by SHA-256 after the clock (it warms the pair up
//    too: a first transfer costs up to three times the CPU of later ones). Against the same over Node's
//    kernel sockets on loopback (what a Node program gets from the kernel: one 'data' event per read). The
//    payload is made before any clock starts. IPv6 rows add their throughput as a share of IPv4's and the
//    ratio of CPU time per byte IPv6/IPv4 (steadier than wall-clock time on a loaded machine: the
//    process's own CPU time). Then the switch alone, frames and no stack, to show how much of the time
//    is the vnetif's.
// 2. HTTP requests per second (wrk against static-website on the direct stack vs --net=socket): not
//    in this script, it needs the built examples and a network namespace; `pnpm bench:tcp` runs it
//    next (`pnpm bench:http`, mirage-cli's test/http-rps.test.ts).
// 3. Memory per idle connection: heap growth (after a full GC) with N connections open between two
//    DirectStacks in this heap, divided by N; each connection has both its ends here, so the figure
//    per end is printed too.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import net from "node:net";
import { parseArgs } from "node:util";
import { Ipv4Addr, Ipv4Prefix, Ipv6Addr, Ipv6Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { unixClock, unixRandom } from "@mirage-ts/mirage-unix";
import { DirectStack, SeededRandom, VirtualSwitch } from "../dist/index.js";

const { values } = parseArgs({
  options: {
    mib: { type: "string", default: "256" },
    connections: { type: "string", default: "10000" },
    only: { type: "string" },
  },
});
const BYTES = Number(values.mib) << 20;
const CONNECTIONS = Number(values.connections);
const CHUNK = 65536;
/** How long iperf3 runs, and how long the transfers of each of our rows add up to. */
const IPERF_SECONDS = 3;
const PORT = 5001;
const TCP = {
  sendBufferSize: 1 << 20,
  receiveBufferSize: 1 << 20,
  minRtoMs: 200,
  ...JSON.parse(process.env.TCP_BENCH_CONFIG ?? "{}"),
};

if (typeof globalThis.gc !== "function") {
  console.error("run with node --expose-gc (the memory figure needs full collections)");
  process.exit(2);
}

function payload() {
  const data = new Uint8Array(BYTES);
  new SeededRandom(1).generateInto(data);
  return data;
}

const gbits = (bytes, ms) => (bytes * 8) / ms / 1e6;

/**
 * Where a checked transfer's receiver copies what it reads, preallocated and touched once so no row
 * pays its page faults; each checked transfer overwrites it, and one that delivers the right count has
 * written every byte.
 */
const sink = new Uint8Array(BYTES).fill(1);

/** Copies a read chunk to its place in the sink; returns the new byte count (past BYTES: nothing copied). */
function consume(bytes, chunk) {
  if (bytes + chunk.length <= BYTES) sink.set(chunk, bytes);
  return bytes + chunk.length;
}

/** The hash of what a receiver put in the sink: taken after the clock stopped. */
const sinkHash = (bytes) =>
  createHash("sha256")
    .update(sink.subarray(0, Math.min(bytes, BYTES)))
    .digest("hex");

/** iperf3's receiver reads into one buffer of 128 KiB, again and again: a timed transfer's reader does too. */
const readBuffer = new Uint8Array(128 * 1024);

/**
 * A timed transfer's reader: copies the chunk into `readBuffer`, as iperf3's read(2) copies into its
 * buffer, and spot-checks its first and last bytes against the payload at their offset (a chunk out of
 * place fails the row); returns the new byte count, or -1 once a chunk was out of place.
 */
function readLikeIperf(data, bytes, chunk) {
  readBuffer.set(chunk);
  const last = bytes + chunk.length - 1;
  return chunk[0] === data[bytes] && chunk[chunk.length - 1] === data[last] ? last + 1 : -1;
}

/** Two dual-stack DirectStacks on one switch; `family` picks the server address the client uses. */
async function stackPair(mtu, tcp = TCP, family = 4, offload = false) {
  const sw = new VirtualSwitch({ clock: unixClock, random: unixRandom });
  const make = (n) =>
    DirectStack.connect({
      netif: sw.connect({ mac: Macaddr.parse(`02:00:00:00:00:0${n}`), mtu, offload }),
      clock: unixClock,
      random: unixRandom,
      ipv4: { cidr: Ipv4Prefix.parse(`10.0.0.${n}/24`) },
      ipv6: { addresses: [Ipv6Prefix.parse(`fd00::${n}/64`)] },
      tcp,
    });
  const server = await make(1);
  const client = await make(2);
  // IPv6 addresses are usable once DAD passed (up to 2 s).
  const v6Ready = (s) =>
    s
      .ip()
      .configuredIps()
      .filter((p) => p.version === 6).length === 2;
  while (!v6Ready(server) || !v6Ready(client)) await new Promise((resolve) => setTimeout(resolve, 50));
  return { server, client, serverAddr: family === 4 ? Ipv4Addr.parse("10.0.0.1") : Ipv6Addr.parse("fd00::1") };
}

/**
 * Sends `data` from the client to the server of `pair` over one new connection and times it (wall
 * clock and this process's CPU time). `checked`: the server keeps what it reads in the sink, hashed
 * after the clock; else it reads as iperf3 does (`readLikeIperf`).
 */
async function directTransfer(pair, data, checked) {
  const { client, serverAddr } = pair;
  const done = new Promise((resolve) => {
    pair.accepted = async (flow) => {
      let bytes = 0;
      for (;;) {
        const r = await flow.read();
        if (!r.ok || r.value.kind === "eof") break;
        if (checked) bytes = consume(bytes, r.value.data);
        else if (bytes >= 0) bytes = readLikeIperf(data, bytes, r.value.data);
      }
      await flow.close();
      resolve({ bytes, end: performance.now() });
    };
  });
  const start = performance.now();
  const cpu = process.cpuUsage();
  const opened = await client.tcp().createConnection(serverAddr, PORT);
  if (!opened.ok) throw new Error(`connect failed: ${opened.error.kind}`);
  const flow = opened.value;
  for (let off = 0; off < data.length; off += CHUNK) {
    const w = await flow.write(data.subarray(off, off + CHUNK));
    if (!w.ok) throw new Error(`write failed: ${w.error.kind}`);
  }
  await flow.close();
  const result = await done;
  // Both stacks run in this process: its CPU time is theirs (and the switch's), and unlike wall-clock
  // time it does not grow when other processes take the machine's cores.
  const used = process.cpuUsage(cpu);
  const sha256 = checked ? sinkHash(result.bytes) : undefined;
  return { ...result, sha256, ms: result.end - start, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * One of our rows (`timedRow`) between two new stacks on a switch, each transfer on a new connection;
 * with the client's retransmissions.
 */
async function directRow(data, mtu, family, offload, forMs = IPERF_SECONDS * 1000) {
  const pair = await stackPair(mtu, TCP, family, offload);
  pair.server.tcp().listen(PORT, (flow) => pair.accepted(flow));
  const name = `direct IPv${family} MTU ${mtu}${offload ? " offload" : ""}`;
  const row = await timedRow(name, data, (checked) => directTransfer(pair, data, checked), forMs);
  const { client, server } = pair;
  const retransmitted = (family === 4 ? client.stats().tcp : client.stats().tcp6).retransmittedSegments;
  await client.disconnect();
  await server.disconnect();
  return { ...row, retransmitted };
}

/**
 * The switch alone, no stack: 1514-byte frames from one port to another in bursts of 32 per event-loop
 * turn (as a sender's window gives them), so the stack's figures can be told apart from the vnetif's.
 */
async function switchAlone(frames = 200_000, burst = 32) {
  const sw = new VirtualSwitch({ clock: unixClock, random: unixRandom });
  const dst = Macaddr.parse("02:00:00:00:00:02");
  const a = sw.connect({ mac: Macaddr.parse("02:00:00:00:00:01") });
  const b = sw.connect({ mac: dst });
  let received = 0;
  const all = new Promise((resolve) => {
    void b.listen(14, () => {
      if (++received === frames) resolve();
    });
  });
  const fill = (buffer) => {
    dst.write(buffer, 0);
    return 1514;
  };
  const start = performance.now();
  for (let sent = 0; sent < frames; sent += burst) {
    for (let i = 0; i < burst; i++) await a.write(1514, fill);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await all;
  const ms = performance.now() - start;
  await a.disconnect();
  await b.disconnect();
  return { frames, ms, bytes: frames * 1514 };
}

/** One transfer of `data` over Node's kernel sockets on loopback, read as `directTransfer` reads. */
async function kernelTransfer(data, checked) {
  const server = net.createServer();
  const done = new Promise((resolve) => {
    server.on("connection", (socket) => {
      let bytes = 0;
      socket.on("data", (chunk) => {
        if (checked) bytes = consume(bytes, chunk);
        else if (bytes >= 0) bytes = readLikeIperf(data, bytes, chunk);
      });
      socket.on("end", () => {
        socket.end();
        resolve({ bytes, end: performance.now() });
      });
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const start = performance.now();
  const socket = net.connect(server.address().port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  for (let off = 0; off < data.length; off += CHUNK) {
    if (!socket.write(data.subarray(off, off + CHUNK))) await new Promise((resolve) => socket.once("drain", resolve));
  }
  socket.end();
  const result = await done;
  socket.destroy();
  server.close();
  return { ...result, sha256: checked ? sinkHash(result.bytes) : undefined, ms: result.end - start };
}

/**
 * A row of `transfer`s of `data`: one SHA-256-checked (`transfer(true)`, not timed: it warms up too),
 * then timed ones read as iperf3 reads until they add up to `forMs` (at least one); bytes, time and CPU
 * time summed over the timed transfers alone.
 */
async function timedRow(name, data, transfer, forMs = IPERF_SECONDS * 1000) {
  check(name, await transfer(true));
  const row = { bytes: 0, ms: 0, cpuMs: 0, transfers: 0 };
  do {
    const timed = await transfer(false);
    if (timed.bytes !== data.length) throw new Error(`${name}: ${timed.bytes} bytes read (-1: out of place)`);
    row.bytes += timed.bytes;
    row.ms += timed.ms;
    row.cpuMs += timed.cpuMs ?? 0;
    row.transfers++;
  } while (row.ms < forMs);
  return row;
}

/**
 * iperf3 over loopback for IPERF_SECONDS: Gbit/s, and Gbit per CPU-second of its two processes (its own count of
 * their CPU time, which unlike the wall clock holds on a loaded machine); undefined without iperf3.
 */
function iperfLoopback() {
  const port = String(5300 + (process.pid % 500));
  let server;
  try {
    server = spawn("iperf3", ["-s", "-1", "-B", "127.0.0.1", "-p", port], { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      try {
        const out = execFileSync("iperf3", ["-c", "127.0.0.1", "-p", port, "-t", String(IPERF_SECONDS), "-J"], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
        });
        const { sum_received: received, cpu_utilization_percent: cpu } = JSON.parse(out).end;
        const gbit = received.bits_per_second / 1e9;
        return { gbit, perCpu: gbit / ((cpu.host_total + cpu.remote_total) / 100) };
      } catch {
        execFileSync("sleep", ["0.05"]); // the server is not listening yet
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    server?.kill();
  }
}

async function idleConnectionMemory(count) {
  // Default buffer sizes: what an application gets without tuning.
  const { server, client, serverAddr } = await stackPair(1500, {});
  const held = [];
  server.tcp().listen(PORT, (flow) => void held.push(flow), { backlog: 4096 });
  // One connection first, so ARP entries and code paths are warm before the baseline.
  const warm = await client.tcp().createConnection(serverAddr, PORT);
  if (!warm.ok) throw new Error("warm-up connection failed");
  held.push(warm.value);
  await new Promise((resolve) => setTimeout(resolve, 100));
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const batch = 256;
  for (let opened = 0; opened < count; opened += batch) {
    const results = await Promise.all(
      Array.from({ length: Math.min(batch, count - opened) }, () => client.tcp().createConnection(serverAddr, PORT)),
    );
    for (const r of results) {
      if (!r.ok) throw new Error(`connection failed: ${r.error.kind}`);
      held.push(r.value);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 200)); // last handshakes and delayed ACKs
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  const stats = { client: client.stats().tcp, server: server.stats().tcp };
  await client.disconnect();
  await server.disconnect();
  return { before, after, held: held.length, stats };
}

const data = payload();
const expected = createHash("sha256").update(data).digest("hex");
const check = (name, r) => {
  if (r.bytes !== data.length || r.sha256 !== expected)
    throw new Error(`${name}: received data differs from what was sent`);
};

console.log(`TCP bulk transfer, ${BYTES >> 20} MiB in ${CHUNK / 1024} KiB writes, one connection, wall-clock time`);
const kernel = await timedRow("kernel", data, (checked) => kernelTransfer(data, checked));
const iperf = iperfLoopback();
const rows = [];
const ROWS = [
  [1500, 4, false],
  [1500, 6, false],
  [9000, 4, false],
  [9000, 6, false],
  [1500, 4, true],
  [1500, 6, true],
];
// A short row first, not measured (two transfers): whichever row came first took up to three times the
// CPU time of the same row run again, paying for compiling the stacks' code and for the first touch of the
// memory the transfer's buffers cycle through (a fault into the host on this kind of virtual machine).
await directRow(data, 1500, 4, values.only === "offload", 0);
for (const [mtu, family, offload] of ROWS.filter(([, , offload]) => values.only !== "offload" || offload)) {
  rows.push({ mtu, family, offload, direct: await directRow(data, mtu, family, offload) });
}
console.log(
  `  Node kernel sockets, loopback:           ${gbits(kernel.bytes, kernel.ms).toFixed(2).padStart(6)} Gbit/s  ` +
    `(${kernel.transfers} transfers, ${kernel.ms.toFixed(0)} ms)`,
);
if (iperf !== undefined)
  console.log(
    `  iperf3 kernel <-> kernel, loopback:       ${iperf.gbit.toFixed(2).padStart(6)} Gbit/s  ` +
      `(${iperf.perCpu.toFixed(2)} Gbit per CPU-second of its two processes)`,
  );
const kernelRate = gbits(kernel.bytes, kernel.ms);
for (const { mtu, family, offload, direct } of rows) {
  const rate = gbits(direct.bytes, direct.ms);
  const perCpu = gbits(direct.bytes, direct.cpuMs);
  // IPv6 rows also say how they compare with IPv4 at the same MTU, measured just before.
  const v4 = rows.find((r) => r.mtu === mtu && r.family === 4 && r.offload === offload).direct;
  const versus =
    family === 6
      ? `, ${((rate / gbits(v4.bytes, v4.ms)) * 100).toFixed(1)} % of IPv4; CPU time per byte IPv6/IPv4 = ` +
        `${(direct.cpuMs / direct.bytes / (v4.cpuMs / v4.bytes)).toFixed(3)}`
      : "";
  const ofIperf =
    iperf === undefined
      ? ""
      : `, ${((rate / iperf.gbit) * 100).toFixed(1)} % of iperf3; ${perCpu.toFixed(2)} Gbit per CPU-second = ` +
        `${((perCpu / iperf.perCpu) * 100).toFixed(1)} % of iperf3's`;
  console.log(
    `  DirectStack <-> DirectStack, IPv${family} vnetif ${String(mtu).padEnd(4)}${offload ? " offload" : ""}: ` +
      `${rate.toFixed(2).padStart(6)} Gbit/s  (${direct.transfers} transfers, ${direct.ms.toFixed(0)} ms, ` +
      `${direct.retransmitted} retransmitted)  = ${((rate / kernelRate) * 100).toFixed(1)} % of the kernel` +
      versus +
      ofIperf,
  );
}
if (values.only === "offload") process.exit(0);
const alone = await switchAlone();
console.log(
  `  vnetif switch alone (no stack), 1514 B:   ${gbits(alone.bytes, alone.ms).toFixed(2).padStart(6)} Gbit/s  ` +
    `(${((alone.frames / alone.ms) * 1000).toFixed(0)} frames/s)`,
);

console.log(`\nMemory per idle connection, ${CONNECTIONS} connections open (heap after full GC, --expose-gc)`);
const memory = await idleConnectionMemory(CONNECTIONS);
const delta = memory.after - memory.before;
console.log(
  `  heap ${(memory.before / 1e6).toFixed(1)} MB -> ${(memory.after / 1e6).toFixed(1)} MB, ` +
    `delta ${(delta / 1e6).toFixed(1)} MB`,
);
console.log(`  per connection (both ends in this heap): ${(delta / CONNECTIONS / 1024).toFixed(2)} KiB`);
console.log(`  per connection end:                      ${(delta / CONNECTIONS / 2 / 1024).toFixed(2)} KiB`);
console.log(
  `  connections in the tables: client ${memory.stats.client.connections}, ` +
    `server ${memory.stats.server.connections}; ` +
    `buffered ${memory.stats.client.sendBufferedBytes + memory.stats.server.sendBufferedBytes} B, ` +
    `timers ${memory.stats.client.timers + memory.stats.server.timers}`,
);
console.log("\nHTTP req/s (wrk vs --net=socket): measured next by `pnpm bench:http` (root, network namespace).");
