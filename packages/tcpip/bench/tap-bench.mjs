// tap-bench.mjs: TCP between the direct stack and the Linux kernel over mirage-unix's native tap, printed
// beside the kernel's own TCP in the same run (root, iproute2, socat, iperf3; build first, or run
// `pnpm bench:tap`, which builds):
//
//   node packages/tcpip/bench/tap-bench.mjs [--mib 256] [--seconds 4]
//
// TAP_OFFLOAD=0 turns the tap's virtio-net offloads off (the stack then sends MTU-sized segments);
// TAP_BENCH_ONLY=out or =in runs that direction alone, without the iperf3 peers (for --cpu-prof).
//
// 1. iperf3 kernel <-> kernel over a veth pair between two namespaces, and over loopback: the peers.
// 2. Our stack -> kernel: a DirectStack on the tap sends --mib MiB over one connection to
//    `socat -u TCP-LISTEN:PORT /dev/null` in the namespace (a C-speed sink); the time runs from the
//    connect to socat's exit (it read everything and the FIN).
// 3. Kernel -> our stack: `socat -u OPEN:/dev/zero TCP:...` limited to --mib MiB in the namespace sends
//    to a DirectStack listener that counts the bytes until the FIN.
import { execFileSync, spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { Ipv4Addr, Ipv4Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { connectTap, tapUnavailableReason, unixClock, unixRandom } from "@mirage-ts/mirage-unix";
import { DirectStack } from "../dist/index.js";

const { values } = parseArgs({
  options: { mib: { type: "string", default: "256" }, seconds: { type: "string", default: "4" } },
});
const BYTES = Number(values.mib) << 20;
const SECONDS = values.seconds;
const CHUNK = 65536;
const ns = `tb-${process.pid}`;
const peer = `tbp-${process.pid}`;
const children = new Set();
const ip = (...args) => execFileSync("ip", args, { encoding: "utf8" });
const inNs = (name, ...args) => execFileSync("ip", ["netns", "exec", name, ...args], { encoding: "utf8" });
const gbits = (bytes, ms) => (bytes * 8) / ms / 1e6;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function requirements() {
  if (process.getuid?.() !== 0) return "it needs root (network namespaces, tap devices)";
  for (const [tool, args] of [
    ["ip", ["-V"]],
    ["socat", ["-V"]],
    ["iperf3", ["--version"]],
  ]) {
    try {
      execFileSync(tool, args, { stdio: "ignore" });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return tapUnavailableReason();
}

function cleanup() {
  for (const child of children) child.kill("SIGTERM");
  for (const name of [ns, peer]) {
    try {
      ip("netns", "del", name);
    } catch {
      // not created, or already gone
    }
  }
}

function run(command, args) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  const exited = new Promise((resolve, reject) =>
    child.once("exit", (code) => {
      children.delete(child);
      if (code === 0 || child.killed) resolve({ out, at: performance.now() });
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}`));
    }),
  );
  return { child, exited };
}

async function waitFor(what, check) {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const listening = (name, port) => inNs(name, "ss", "-Htln", `sport = :${port}`).trim() !== "";

/** iperf3 from namespace `client` to `server` at `address`, in Gbit/s. */
async function iperf(server, client, address) {
  const s = run("ip", ["netns", "exec", server, "iperf3", "-s", "-1", "-B", address, "-p", "5201"]);
  await waitFor("iperf3 -s", () => listening(server, 5201));
  const c = run("ip", ["netns", "exec", client, "iperf3", "-c", address, "-p", "5201", "-t", SECONDS, "-J"]);
  const { out } = await c.exited;
  await s.exited;
  return JSON.parse(out).end.sum_received.bits_per_second / 1e9;
}

async function kernelPeers() {
  ip("netns", "add", peer);
  ip("-n", peer, "link", "set", "lo", "up");
  ip("link", "add", `tbv${process.pid}`, "netns", ns, "type", "veth", "peer", "name", "veth1", "netns", peer);
  ip("-n", ns, "addr", "add", "10.80.0.1/24", "dev", `tbv${process.pid}`);
  ip("-n", ns, "link", "set", `tbv${process.pid}`, "up");
  ip("-n", peer, "addr", "add", "10.80.0.2/24", "dev", "veth1");
  ip("-n", peer, "link", "set", "veth1", "up");
  const veth = await iperf(ns, peer, "10.80.0.1");
  const loopback = await iperf(ns, ns, "127.0.0.1");
  return { veth, loopback };
}

async function ourStack(tapName) {
  const offload = process.env.TAP_OFFLOAD !== "0";
  const tap = await connectTap(tapName, { mac: Macaddr.parse("02:00:00:00:00:02"), offload });
  ip("link", "set", tapName, "netns", ns);
  ip("-n", ns, "addr", "add", "10.79.0.1/24", "dev", tapName);
  ip("-n", ns, "link", "set", tapName, "up");
  const stack = await DirectStack.connect({
    netif: tap,
    clock: unixClock,
    random: unixRandom,
    dhcp: false,
    ipv4Only: true,
    ipv4: { cidr: Ipv4Prefix.parse("10.79.0.2/24") },
    tcp: { sendBufferSize: 4 << 20, receiveBufferSize: 4 << 20, minRtoMs: 200 },
  });
  return { tap, stack };
}

/** Our stack sends BYTES to socat in the namespace, which writes them to /dev/null. */
async function toKernel(stack) {
  const sink = run("ip", [
    "netns",
    "exec",
    ns,
    "socat",
    "-u",
    "-b",
    "262144",
    "TCP-LISTEN:5001,reuseaddr",
    "/dev/null",
  ]);
  await waitFor("socat's listener", () => listening(ns, 5001));
  const data = new Uint8Array(CHUNK).fill(0x61);
  const start = performance.now();
  const opened = await stack.tcp().createConnection(Ipv4Addr.parse("10.79.0.1"), 5001);
  if (!opened.ok) throw new Error(`connect failed: ${opened.error.kind}`);
  const flow = opened.value;
  for (let sent = 0; sent < BYTES; sent += CHUNK) {
    const w = await flow.write(data);
    if (!w.ok) throw new Error(`write failed: ${w.error.kind}`);
  }
  await flow.close();
  const { at } = await sink.exited;
  return at - start;
}

/** socat in the namespace sends BYTES of zeros to our stack, which counts them until the FIN. */
async function fromKernel(stack) {
  let start = 0;
  const done = new Promise((resolve, reject) => {
    stack.tcp().listen(5002, async (flow) => {
      let bytes = 0;
      for (;;) {
        const r = await flow.read();
        if (!r.ok) return reject(new Error(`read failed: ${r.error.kind}`));
        if (r.value.kind === "eof") break;
        bytes += r.value.data.length;
      }
      const end = performance.now();
      await flow.close();
      resolve({ bytes, ms: end - start });
    });
  });
  start = performance.now();
  const source = run("ip", [
    "netns",
    "exec",
    ns,
    "sh",
    "-c",
    `head -c ${BYTES} /dev/zero | socat -u -b 262144 STDIN TCP:10.79.0.2:5002`,
  ]);
  const result = await done;
  await source.exited;
  if (result.bytes !== BYTES) throw new Error(`kernel -> stack: received ${result.bytes} of ${BYTES} bytes`);
  return result.ms;
}

async function main() {
  const missing = requirements();
  if (missing !== undefined) {
    console.error(`tap benchmark not run: ${missing}`);
    process.exitCode = 1;
    return;
  }
  ip("netns", "add", ns);
  ip("-n", ns, "link", "set", "lo", "up");
  // TAP_BENCH_ONLY=out or =in: that direction alone, without the peers (for profiling).
  const { veth, loopback } = process.env.TAP_BENCH_ONLY ? { veth: 1, loopback: 1 } : await kernelPeers();
  const { tap, stack } = await ourStack(`tbt${process.pid}`.slice(0, 15));
  let cpu = process.cpuUsage();
  const only = process.env.TAP_BENCH_ONLY;
  const out = only === "in" ? 1 : await toKernel(stack);
  const outCpu = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  const inMs = only === "out" ? 1 : await fromKernel(stack);
  const inCpu = process.cpuUsage(cpu);
  // CPU time of this process per bit: a capacity figure that holds when the machine is busy.
  const busy = (used, ms) => {
    const cpuMs = (used.user + used.system) / 1000;
    return `; ${((cpuMs / ms) * 100).toFixed(0)} % of a CPU, ${gbits(BYTES, cpuMs).toFixed(2)} Gbit per CPU-second`;
  };
  const offload = tap.offloads() ?? "none";
  await stack.disconnect();
  const mib = BYTES >> 20;
  const tx = gbits(BYTES, out);
  const rx = gbits(BYTES, inMs);
  const row = (name, value, extra = "") =>
    console.log(`  ${name.padEnd(44)} ${value.toFixed(2).padStart(6)} Gbit/s${extra}`);
  console.log(`TCP over the tap, one connection, ${mib} MiB; tap offloads: ${JSON.stringify(offload)}`);
  if (only === undefined) {
    row("iperf3 kernel <-> kernel, veth pair:", veth);
    row("iperf3 kernel <-> kernel, loopback:", loopback);
  }
  const share = (rate, used, ms) => `  = ${((rate / veth) * 100).toFixed(1)} % of iperf3 veth${busy(used, ms)}`;
  if (only !== "in") row("DirectStack -> kernel (socat sink), tap:", tx, share(tx, outCpu, out));
  if (only !== "out") row("kernel (socat) -> DirectStack, tap:", rx, share(rx, inCpu, inMs));
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
