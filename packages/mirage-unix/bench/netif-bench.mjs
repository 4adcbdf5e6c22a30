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
import { execFileSync, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectTap, connectUdpTunnel, tapUnavailableReason } from "../dist/index.js";

const frames = Number(process.env.FRAMES ?? 300_000);
const payload = Number(process.env.PAYLOAD ?? 22);
const rounds = Number(process.env.ROUNDS ?? 3);
const blasters = Number(process.env.BLASTERS ?? 1);
const blaster = fileURLToPath(new URL("./kernel-blaster.py", import.meta.url));
const ns = `mu-bench-${process.pid}`;
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
const children = new Set();

const ip = (...args) => execFileSync("ip", args, { encoding: "utf8" });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function requirements() {
  if (process.getuid?.() !== 0) return "it needs root (network namespaces, tap devices)";
  for (const [tool, args] of [
    ["ip", ["-V"]],
    ["socat", ["-V"]],
    ["python3", ["--version"]],
  ]) {
    try {
      execFileSync(tool, args, { stdio: "ignore" });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return undefined;
}

function cleanup() {
  for (const child of children) child.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
  try {
    ip("netns", "del", ns);
  } catch {
    // not created, or already gone
  }
}

async function freeUdpPort() {
  const probe = createSocket("udp4");
  await new Promise((resolve) => probe.bind(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitFor(what, check) {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const linkExists = (name) => {
  try {
    execFileSync("ip", ["link", "show", name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

function runOneBlaster(dst, count) {
  return new Promise((resolve, reject) => {
    const child = spawn("ip", ["netns", "exec", ns, "python3", blaster, String(count), String(payload), dst], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.add(child);
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("exit", (code) => {
      children.delete(child);
      if (code !== 0) return reject(new Error(`the blaster exited with ${code}`));
      const [sent, seconds] = out.trim().split(" ").map(Number);
      resolve({ sent, seconds });
    });
  });
}

/**
 * trafgen on `link` in the namespace, one process per BLASTERS, `frames` frames in all: UDP datagrams
 * from the kernel's address to ours, addressed to the device's MAC. It prints the frames sent and, per
 * process, how long it took.
 */
function runTrafgen(link, mac, src, dst) {
  const config = join(scratch, `${link}.cfg`);
  writeFileSync(
    config,
    `{ eth(da=${mac}, sa=02:00:00:00:00:fe), ipv4(sa=${src}, da=${dst}), udp(sp=9999, dp=9), fill(0x78, ${payload}) }\n`,
  );
  return new Promise((resolve, reject) => {
    const args = ["netns", "exec", ns, "trafgen", "--dev", link, "--conf", config];
    args.push("--num", String(frames), "--cpus", String(blasters), "--no-cpu-stats");
    // Paced, the sender sleeps between frames instead of spinning on a full tap queue, leaving the
    // CPU to the device on a small machine.
    if (process.env.RATE !== undefined) args.push("--rate", `${Number(process.env.RATE)}pps`);
    const child = spawn("ip", args, { stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    const start = process.hrtime.bigint();
    child.once("exit", (code) => {
      children.delete(child);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const sent = Number(/(\d+) packets outgoing/.exec(out)?.[1]);
      if (code !== 0 || !Number.isFinite(sent)) return reject(new Error(`trafgen exited with ${code}: ${out}`));
      resolve({ sent, seconds });
    });
  });
}

/** Runs the blasters side by side; together they send `frames` datagrams. */
async function runBlaster(dst) {
  const each = Math.ceil(frames / blasters);
  const results = await Promise.all(Array.from({ length: blasters }, () => runOneBlaster(dst, each)));
  return {
    sent: results.reduce((sum, r) => sum + r.sent, 0),
    seconds: Math.max(...results.map((r) => r.seconds)),
  };
}

/** One round: the kernel blasts at the unikernel's address behind `link`, the device counts. */
async function round(netif, link, subnet) {
  const kernelIp = `10.78.${subnet}.1`;
  const ourIp = `10.78.${subnet}.2`;
  ip("link", "set", link, "netns", ns);
  ip("-n", ns, "addr", "add", `${kernelIp}/24`, "dev", link);
  ip("-n", ns, "link", "set", link, "txqueuelen", "10000", "up");
  ip("-n", ns, "neigh", "replace", ourIp, "lladdr", netif.mac().toString(), "dev", link, "nud", "permanent");
  const dropped = () =>
    Number(
      execFileSync("ip", ["netns", "exec", ns, "cat", `/sys/class/net/${link}/statistics/tx_dropped`], {
        encoding: "utf8",
      }),
    );
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
    sender === "trafgen" ? await runTrafgen(link, netif.mac().toString(), kernelIp, ourIp) : await runBlaster(ourIp);
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

async function udpTunnelRound(subnet) {
  const link = `mbu${subnet}`;
  const socatPort = await freeUdpPort();
  const tunnel = await connectUdpTunnel({ remotePort: socatPort });
  const socat = spawn(
    "socat",
    [
      `TUN,tun-type=tap,tun-name=${link},iff-no-pi`,
      `UDP-DATAGRAM:127.0.0.1:${tunnel.localPort},bind=127.0.0.1:${socatPort}`,
    ],
    { stdio: "ignore" },
  );
  children.add(socat);
  try {
    await waitFor(`socat's ${link}`, () => linkExists(link));
    return await round(tunnel, link, subnet);
  } finally {
    socat.kill("SIGTERM");
    children.delete(socat);
    await tunnel.disconnect();
  }
}

async function tapRound(subnet) {
  const link = `mbt${subnet}`;
  const tap = await connectTap(link);
  try {
    return await round(tap, link, subnet);
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
  ip("netns", "add", ns);
  ip("-n", ns, "link", "set", "lo", "up");
  execFileSync("ip", [
    "netns",
    "exec",
    ns,
    "sysctl",
    "-qw",
    "net.ipv6.conf.all.disable_ipv6=1",
    "net.ipv6.conf.default.disable_ipv6=1",
  ]);
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
      const r = await runRound(subnet++);
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

process.once("SIGINT", () => {
  cleanup();
  process.exit(130);
});
try {
  await main();
} finally {
  cleanup();
}
