// tap-bench.mjs: TCP between the direct stack and the Linux kernel over mirage-unix's native tap, printed
// beside the kernel's own TCP in the same run (root, iproute2, socat, iperf3; build first, or run
// `pnpm bench:tap`, which builds):
//
//   node --import ./packages/test-support/src/register-ts.mjs packages/tcpip/bench/tap-bench.mjs \
//     [--mib 256] [--seconds 4]
//
// (the loader runs test-support's namespace harness, which is TypeScript).
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
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { Ipv4Addr, Ipv4Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { connectTap, tapUnavailableReason, unixClock, unixRandom } from "@mirage-ts/mirage-unix";
import { Namespace, interfaceName, waitFor } from "@mirage-ts/test-support/netns";
import { DirectStack } from "../dist/index.js";

const { values } = parseArgs({
  options: { mib: { type: "string", default: "256" }, seconds: { type: "string", default: "4" } },
});
const BYTES = Number(values.mib) << 20;
const SECONDS = values.seconds;
const CHUNK = 65536;
const gbits = (bytes, ms) => (bytes * 8) / ms / 1e6;

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

/** Runs `command` in namespace `ns`; resolves with its output and the time it exited. */
function run(ns, command, args) {
  const child = ns.spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  const exited = new Promise((resolve, reject) =>
    child.once("exit", (code) => {
      if (code === 0 || child.killed) resolve({ out, at: performance.now() });
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}`));
    }),
  );
  return { child, exited };
}

const listening = (ns, port) => ns.exec("ss", ["-Htln", `sport = :${port}`]).trim() !== "";

/** iperf3 from namespace `client` to `server` at `address`, in Gbit/s. */
async function iperf(server, client, address) {
  const s = run(server, "iperf3", ["-s", "-1", "-B", address, "-p", "5201"]);
  await waitFor("iperf3 -s", () => listening(server, 5201));
  const c = run(client, "iperf3", ["-c", address, "-p", "5201", "-t", SECONDS, "-J"]);
  const { out } = await c.exited;
  await s.exited;
  return JSON.parse(out).end.sum_received.bits_per_second / 1e9;
}

async function kernelPeers(ns) {
  const peer = ns.peer();
  const veth = interfaceName("tbv");
  ns.veth(veth, peer, "veth1");
  ns.configure(veth, ["10.80.0.1/24"]);
  peer.configure("veth1", ["10.80.0.2/24"]);
  const vethRate = await iperf(ns, peer, "10.80.0.1");
  const loopback = await iperf(ns, ns, "127.0.0.1");
  return { veth: vethRate, loopback };
}

async function ourStack(ns, tapName) {
  const offload = process.env.TAP_OFFLOAD !== "0";
  const tap = await connectTap(tapName, { mac: Macaddr.parse("02:00:00:00:00:02"), offload });
  await ns.adopt(tapName, ["10.79.0.1/24"]);
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
async function toKernel(ns, stack) {
  const sink = run(ns, "socat", ["-u", "-b", "262144", "TCP-LISTEN:5001,reuseaddr", "/dev/null"]);
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
async function fromKernel(ns, stack) {
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
  const source = run(ns, "sh", ["-c", `head -c ${BYTES} /dev/zero | socat -u -b 262144 STDIN TCP:10.79.0.2:5002`]);
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
  // Removed in the end, or by test-support's harness if the process exits first (Ctrl-C too).
  const ns = Namespace.create("tap-bench");
  try {
    await measure(ns);
  } finally {
    await ns.remove();
  }
}

async function measure(ns) {
  // TAP_BENCH_ONLY=out or =in: that direction alone, without the peers (for profiling).
  const { veth, loopback } = process.env.TAP_BENCH_ONLY ? { veth: 1, loopback: 1 } : await kernelPeers(ns);
  const { tap, stack } = await ourStack(ns, interfaceName("tbt"));
  let cpu = process.cpuUsage();
  const only = process.env.TAP_BENCH_ONLY;
  const out = only === "in" ? 1 : await toKernel(ns, stack);
  const outCpu = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  const inMs = only === "out" ? 1 : await fromKernel(ns, stack);
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

await main();
