// netif-bench.mjs: how many frames per second each NETWORK backend of mirage-unix receives when the
// Linux kernel is the sender. A namespace is created with the backend's tap in it; a UDP blaster in
// the namespace (kernel-blaster.py) sends datagrams to the unikernel's address, pinned to the
// device's MAC with a permanent neighbour entry, and the device counts the frames it delivers.
// Both backends run the same rounds and are printed side by side.
//
// Needs root, iproute2, socat and python3, and a built package (`pnpm bench:netif` builds it).
// Environment: FRAMES (datagrams per round, 300000), PAYLOAD (UDP payload bytes, 22 = 64-byte
// frames), ROUNDS (3), BLASTERS (sender processes side by side, 1: raise it when the kernel sender,
// not the device, limits the figure, i.e. when the device receives everything that was sent).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Namespace, freeUdpPort, socatTunnel } from "@mirage-ts/test-support/netns";
import { connectTap, connectUdpTunnel, tapUnavailableReason } from "../dist/index.js";

const frames = Number(process.env.FRAMES ?? 300_000);
const payload = Number(process.env.PAYLOAD ?? 22);
const rounds = Number(process.env.ROUNDS ?? 3);
const blasters = Number(process.env.BLASTERS ?? 1);
const blaster = fileURLToPath(new URL("./kernel-blaster.py", import.meta.url));

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

/** One round: the kernel blasts at the unikernel's address behind `link`, the device counts. */
async function round(ns, netif, link, subnet) {
  const kernelIp = `10.78.${subnet}.1`;
  const ourIp = `10.78.${subnet}.2`;
  await ns.adopt(link, [`${kernelIp}/24`]);
  ns.ip("link", "set", link, "txqueuelen", "10000");
  ns.ip("neigh", "replace", ourIp, "lladdr", netif.mac().toString(), "dev", link, "nud", "permanent");
  const dropped = () => Number(ns.exec("cat", [`/sys/class/net/${link}/statistics/tx_dropped`]));
  let count = 0;
  let first = 0n;
  let last = 0n;
  const listening = netif.listen(14, () => {
    last = process.hrtime.bigint();
    if (count++ === 0) first = last;
  });
  const droppedBefore = dropped();
  const cpuBefore = process.cpuUsage();
  const blast = await runBlaster(ns, ourIp);
  // The device may still be draining its queue: wait for half a second of silence.
  for (let seen = -1; seen !== count; ) {
    seen = count;
    await sleep(500);
  }
  const seconds = Number(last - first) / 1e9;
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
  const senders = `${blasters} sender process${blasters > 1 ? "es" : ""}`;
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
