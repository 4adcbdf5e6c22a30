// tap-write-bench.mjs: how many frames per second the native tap WRITES to the Linux kernel, the
// direction netif-bench.mjs does not measure. The device writes FRAMES 64-byte UDP frames in bursts of
// BURST (every frame of a burst written before any is awaited, as a TCP sender emits a window), with
// its batched writes (one call into the addon per burst); beside it, in the same run and on the same
// kind of tap, the same device code over a backend that makes one write(2) per frame from JavaScript
// (`fs.writevSync` of the virtio-net header and the frame, the path the tap had before batching): the
// peer. The kernel's receive counter of each tap must show every frame.
//
// The frames are for another host's MAC: the kernel counts each, then drops it at the IP layer, so the
// figure is the device's and the tap's cost, not the kernel stack's.
//
// Needs root and iproute2, and a built package (`pnpm bench:tap-writes` builds it). Environment: FRAMES
// (per round, 300000), BURST (frames per burst, 64), ROUNDS (3), ONLY (batched or per-frame: that kind
// alone, for --cpu-prof).
import { execFileSync } from "node:child_process";
import { closeSync, writevSync } from "node:fs";
import { Macaddr, ok } from "@mirage-ts/mirage-types";
import { Namespace, interfaceName } from "@mirage-ts/test-support/netns";
import { connectTap, tapUnavailableReason } from "../dist/index.js";
import { FrameDevice } from "../dist/internal/frame-device.js";
import { loadTapAddon } from "../dist/internal/tap-addon.js";

const frames = Number(process.env.FRAMES ?? 300_000);
const burst = Number(process.env.BURST ?? 64);
const rounds = Number(process.env.ROUNDS ?? 3);
const kinds = process.env.ONLY === undefined ? ["per-frame", "batched"] : [process.env.ONLY];
const FRAME = 64;
/** WANTED_RX_OFFLOADS of net/tap.ts: a tap with a virtio-net header, as connectTap makes by default. */
const OFFLOADS = 0x01 | 0x02 | 0x04;

function requirements() {
  if (process.getuid?.() !== 0) return "it needs root (network namespaces, tap devices)";
  try {
    execFileSync("ip", ["-V"], { stdio: "ignore" });
  } catch {
    return "ip (iproute2) is not installed";
  }
  return tapUnavailableReason();
}

/** A UDP datagram from `mac` to another host's MAC, 64 bytes in all. */
function frameFrom(mac) {
  const frame = new Uint8Array(FRAME);
  frame.set([0x02, 0, 0, 0, 0, 0xfe], 0);
  mac.write(frame, 6);
  frame.set([0x08, 0x00, 0x45, 0, 0, FRAME - 14, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 79, 9, 2, 10, 79, 9, 3], 12);
  frame.set([0x9c, 0x40, 0, 9, 0, FRAME - 34, 0, 0], 34);
  return frame;
}

/** The previous path: one writevSync per frame, header and frame, from JavaScript. */
class PerFrameBackend {
  transmitsAtOnce = true;
  #fd;
  #header = new Uint8Array(12);
  constructor(fd) {
    this.#fd = fd;
  }
  transmit(frame) {
    writevSync(this.#fd, [this.#header, frame]);
    return ok();
  }
  start() {}
  // Nothing to stop; the round closes the descriptor.
  async close() {}
}

/** Writes `frames` frames through `netif` in bursts; returns frames per second and per CPU-second. */
async function writeRound(netif, count) {
  const frame = frameFrom(netif.mac());
  const fill = (buffer) => {
    buffer.set(frame);
    return FRAME;
  };
  const pending = new Array(burst);
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let sent = 0; sent < count; sent += burst) {
    const n = Math.min(burst, count - sent);
    for (let i = 0; i < n; i++) pending[i] = netif.write(FRAME, fill);
    for (let i = 0; i < n; i++) {
      const result = await pending[i];
      if (!result.ok) throw new Error(`write failed: ${JSON.stringify(result.error)}`);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: count / seconds, perCpuSecond: count / ((used.user + used.system) / 1e6) };
}

function kernelReceived(ns, link) {
  return JSON.parse(ns.ip("-s", "-j", "link", "show", link))[0].stats64.rx.packets;
}

/** One round of `kind` on a fresh tap in the namespace, checked against the kernel's count. */
async function round(ns, kind) {
  const link = interfaceName("mbw");
  const mac = Macaddr.parse("02:00:00:00:00:02");
  let netif;
  let close;
  if (kind === "batched") {
    netif = await connectTap(link, { mac });
    close = () => netif.disconnect();
  } else {
    const addon = loadTapAddon();
    const opened = addon.open(link, true, OFFLOADS);
    if (!opened.vnetHeader) throw new Error("the kernel gave the tap no virtio-net header");
    netif = new FrameDevice(link, mac, 1500, new PerFrameBackend(opened.fd));
    close = async () => {
      await netif.disconnect();
      closeSync(opened.fd);
    };
  }
  try {
    await ns.adopt(link, ["10.79.9.1/24"]);
    const before = kernelReceived(ns, link);
    const result = await writeRound(netif, frames);
    const counted = kernelReceived(ns, link) - before;
    if (counted !== frames) throw new Error(`${kind}: the kernel counted ${counted} of ${frames} frames`);
    return result;
  } finally {
    await close();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const k = (rate) => `${(rate / 1000).toFixed(1)} k/s`;

async function main() {
  const missing = requirements();
  if (missing !== undefined) {
    console.error(`tap write benchmark not run: ${missing}`);
    process.exitCode = 1;
    return;
  }
  const ns = Namespace.create("mu-wbench");
  try {
    console.log(`tap writes: ${frames} frames of ${FRAME} B per round in bursts of ${burst}, ${rounds} rounds`);
    const results = { batched: [], "per-frame": [] };
    // Interleaved, so that a change in the machine's load falls on both alike.
    for (let i = 0; i < rounds; i++) {
      for (const kind of kinds) {
        const r = await round(ns, kind);
        results[kind].push(r);
        console.log(`  ${kind.padEnd(10)} round ${i + 1}: ${k(r.rate)}, ${k(r.perCpuSecond)} of its CPU`);
      }
    }
    if (kinds.length === 1) return;
    const rate = (kind) => median(results[kind].map((r) => r.rate));
    const perCpu = (kind) => median(results[kind].map((r) => r.perCpuSecond));
    console.log(
      `medians: batched ${k(rate("batched"))} (${k(perCpu("batched"))} per CPU-second), one write per frame ` +
        `from JavaScript ${k(rate("per-frame"))} (${k(perCpu("per-frame"))}): batched / per-frame ` +
        `${(rate("batched") / rate("per-frame")).toFixed(2)}x frames/s, ` +
        `${(perCpu("batched") / perCpu("per-frame")).toFixed(2)}x per CPU-second`,
    );
  } finally {
    await ns.remove();
  }
}

await main();
