// netif-bench.mjs: how many frames per second each NETWORK backend of mirage-unix receives when the
// Linux kernel is the sender. A namespace is created with the backend's tap in it; a sender in the
// namespace puts UDP datagrams for the unikernel's address on that tap, and the device counts the
// frames it delivers. Both backends run the same rounds and are printed side by side.
//
// The sender is netsniff-ng's `trafgen` when installed (C speed: frames written through a packet
// socket's mmap'd ring straight to the tap, millions per second on one core), else a Python UDP
// blaster (kernel-blaster.py, about 60k datagrams per second per process, to the unikernel's address
// pinned to the device's MAC with a permanent neighbour entry), which a fast device outruns.
//
// Needs root, iproute2, socat and python3 (and netsniff-ng for trafgen), and a built package
// (`pnpm bench:netif` builds it). Environment: FRAMES (datagrams per round, 300000), PAYLOAD (UDP
// payload bytes, 22 = 64-byte frames), ROUNDS (3), BLASTERS (sender processes side by side, 1: raise it
// when the sender, not the device, limits the figure, i.e. when the device receives everything that
// was sent), SENDER (trafgen or python; trafgen when installed), RATE (trafgen's frames per second
// per process; unpaced by default).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Namespace, freeUdpPort, socatTunnel } from "@mirage-ts/test-support/netns";
import { connectTap, connectUdpTunnel, tapUnavailableReason } from "../dist/index.js";

const frames = Number(process.env.FRAMES ?? 300_000);
const payload = Number(process.env.PAYLOAD ?? 22);
const rounds = Number(process.env.ROUNDS ?? 3);
const blasters = Number(process.env.BLASTERS ?? 1);
const blaster = fileURLToPath(new URL("./kernel-blaster.py", import.meta.url));
const hasTool = (tool, args) => {
  try {
    execFileSync(tool, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
// trafgen exits with 1 after printing its version: look for it on the PATH instead.
const sender = process.env.SENDER ?? (hasTool("sh", ["-c", "command -v trafgen"]) ? "trafgen" : "python");
const scratch = mkdtempSync(join(tmpdir(), "netif-bench-"));
process.once("exit", () => rmSync(scratch, { recursive: true, force: true }));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function requirements() {
  if (process.getuid?.() !== 0) return "it needs root (network namespaces, tap devices)";
  for (const [tool, args] of [
    ["ip", ["-V"]],
    ["socat", ["-V"]],
    ["python3", ["--version"]],
  ]) {
    if (!hasTool(tool, args)) return `${tool} is not installed`;
  }
  return undefined;
}

function runOneBlaster(ns, dst, count) {
  return new Promise((resolve, reject) => {
    const child = ns.spawn("python3", [blaster, String(count), String(payload), dst], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`the blaster exited with ${code}`));
      const [sent, seconds] = out.trim().split(" ").map(Number);
      resolve({ sent, seconds });
    });
  });
}

/** Runs the blasters side by side; together they send `frames` datagrams. */
async function runBlaster(ns, dst) {
  const each = Math.ceil(frames / blasters);
  const results = await Promise.all(Array.from({ length: blasters }, () => runOneBlaster(ns, dst, each)));
  return {
    sent: results.reduce((sum, r) => sum + r.sent, 0),
    seconds: Math.max(...results.map((r) => r.seconds)),
  };
}

/**
 * trafgen on `link` in the namespace, one process per BLASTERS, `frames` frames in all: UDP datagrams
 * from the kernel's address to ours, addressed to the device's MAC. It prints the frames sent and, per
 * process, how long it took.
 */
function runTrafgen(ns, link, mac, src, dst) {
  const config = join(scratch, `${link}.cfg`);
  writeFileSync(
    config,
    `{ eth(da=${mac}, sa=02:00:00:00:00:fe), ipv4(sa=${src}, da=${dst}), udp(sp=9999, dp=9), ` +
      `fill(0x78, ${payload}) }\n`,
  );
  return new Promise((resolve, reject) => {
    const args = [
      "--dev",
      link,
      "--conf",
      config,
      "--num",
      String(frames),
      "--cpus",
      String(blasters),
      "--no-cpu-stats",
    ];
    // Paced, the sender sleeps between frames instead of spinning on a full tap queue, leaving the
    // CPU to the device on a small machine.
    if (process.env.RATE !== undefined) args.push("--rate", `${Number(process.env.RATE)}pps`);
    const child = ns.spawn("trafgen", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    const start = process.hrtime.bigint();
    child.once("exit", (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const sent = Number(/(\d+) packets outgoing/.exec(out)?.[1]);
      if (code !== 0 || !Number.isFinite(sent)) return reject(new Error(`trafgen exited with ${code}: ${out}`));
      resolve({ sent, seconds });
    });
  });
}

/** One round: the kernel blasts at the unikernel's address behind `link`, the device counts. */
async function round(ns, netif, link, subnet) {
  const kernelIp = `10.78.${subnet}.1`;
  const ourIp = `10.78.${subnet}.2`;
  await ns.adopt(link, [`${kernelIp}/24`]);
  ns.ip("link", "set", link, "txqueuelen", "10000");
  ns.ip("neigh", "replace", ourIp, "lladdr", netif.mac().toString(), "dev", link, "nud", "permanent");
  const dropped = () => Number(ns.exec("cat", [`/sys/class/net/${link}/statistics/tx_dropped`]));
  let count = 0;
  let first = 0;
  let last = 0;
  const listening = netif.listen(14, () => {
    // A double, not a BigInt: the per-frame handler allocates nothing.
    last = performance.now();
    if (count++ === 0) first = last;
  });
  const droppedBefore = dropped();
  const cpuBefore = process.cpuUsage();
  const blast =
    sender === "trafgen"
      ? await runTrafgen(ns, link, netif.mac().toString(), kernelIp, ourIp)
      : await runBlaster(ns, ourIp);
  // The device may still be draining its queue: wait for half a second of silence.
  for (let seen = -1; seen !== count; ) {
    seen = count;
    await sleep(500);
  }
  const seconds = (last - first) / 1000;
  // CPU time of this process (the device and its event loop) per frame: a capacity figure that does
  // not depend on how fast the sender is or on what else the machine runs.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const result = {
    ...blast,
    received: count,
    rate: count / seconds,
    perCpuSecond: count / cpuSeconds,
    dropped: dropped() - droppedBefore,
  };
  await netif.disconnect();
  await listening;
  return result;
}

async function udpTunnelRound(ns, subnet) {
  const link = `mbu${subnet}`;
  const socatPort = await freeUdpPort();
  const tunnel = await connectUdpTunnel({ remotePort: socatPort });
  const { socat } = await socatTunnel(ns, link, { socatPort, peerPort: tunnel.localPort });
  try {
    return await round(ns, tunnel, link, subnet);
  } finally {
    socat.kill("SIGTERM");
    await tunnel.disconnect();
  }
}

async function tapRound(ns, subnet) {
  const link = `mbt${subnet}`;
  const tap = await connectTap(link);
  try {
    return await round(ns, tap, link, subnet);
  } finally {
    await tap.disconnect();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const k = (rate) => `${(rate / 1000).toFixed(1)} k/s`;

async function main() {
  const missing = requirements();
  if (missing !== undefined) {
    console.error(`netif benchmark not run: ${missing}`);
    process.exitCode = 1;
    return;
  }
  const tapProblem = tapUnavailableReason();
  // IPv6 off: no router solicitations among the counted frames. Removed in the end, or by
  // test-support's harness if the process exits first (Ctrl-C too).
  const ns = Namespace.create("mu-bench");
  try {
    await measure(ns, tapProblem);
  } finally {
    await ns.remove();
  }
}

async function measure(ns, tapProblem) {
  const senders = `${blasters} ${sender} sender process${blasters > 1 ? "es" : ""}`;
  console.log(
    `netif benchmark: ${frames} UDP datagrams of ${payload} B (${payload + 42}-byte frames) per round ` +
      `sent by the kernel (${senders}), ${rounds} rounds per backend`,
  );
  const backends = [["udp tunnel (socat)", udpTunnelRound]];
  if (tapProblem === undefined) backends.push(["native tap", tapRound]);
  else console.log(`native tap skipped: ${tapProblem}`);
  const summary = [];
  let subnet = 1;
  for (const [name, runRound] of backends) {
    const results = [];
    for (let i = 0; i < rounds; i++) {
      const r = await runRound(ns, subnet++);
      results.push(r);
      console.log(
        `  ${name.padEnd(20)} round ${i + 1}: kernel sent ${r.sent} at ${k(r.sent / r.seconds)}, ` +
          `device received ${r.received} at ${k(r.rate)} (${k(r.perCpuSecond)} of its CPU), ` +
          `dropped before the device ${r.dropped}`,
      );
    }
    const medianOf = (field) => Math.round(median(results.map(field)));
    summary.push([
      name,
      medianOf((r) => r.rate),
      medianOf((r) => r.perCpuSecond),
      medianOf((r) => r.sent / r.seconds),
      medianOf((r) => r.received),
    ]);
  }
  const header = ["backend", "received frames/s", "frames/CPU-second", "kernel sent/s", "received/round"];
  console.log(`\n${header.map((h, i) => (i === 0 ? h.padEnd(20) : h.padStart(18))).join("")}   (medians)`);
  for (const row of summary) {
    console.log(row.map((cell, i) => (i === 0 ? String(cell).padEnd(20) : String(cell).padStart(18))).join(""));
  }
  if (summary.length === 2) {
    console.log(`native tap / udp tunnel: ${(summary[1][1] / summary[0][1]).toFixed(2)}x received frames/s`);
  }
}

await main();
