// `pnpm bench:browser`: the browser target's network, measured in one run beside the unix target.
// 1. Frames per second through mirage-switch: one WebSocket client sends 1514-byte frames to another,
//    pacing on its socket's unsent bytes, through the switch in this process.
// 2. TCP Mbit/s page to kernel: static-website built with `-t browser --net=direct` in headless Chromium,
//    on the switch bridged to a tap in a namespace; curl there downloads a file. The same example built
//    for unix (`--net=direct` on the native tap) serves the same file to the same curl: the ratio is
//    what the page (WebSocket, switch, Chromium's event loop) costs. It asserts nothing about speed; it
//    exits 1 naming what is missing when it cannot run (root, Chromium, the tap addon).
// Run from the repository root through test-support's TypeScript loader (see the root package.json).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { FrameSwitch } from "@mirage-ts/frame-switch";
import { firstMissing, missingNamespaces, missingTapAddon } from "@mirage-ts/test-support/host-checks";
import { Namespace, interfaceName, waitFor } from "@mirage-ts/test-support/netns";
import { WebSocket } from "ws";
import { chromiumMissing, launchChromium, openPage, serveDirectory } from "../test/support/browser.js";
import { exampleCopy, mirage, removeProject } from "../test/support/project.js";
import { KERNEL, unikernel } from "../test/support/unikernel-link.js";

const FRAMES = Number(process.env.BENCH_FRAMES ?? 50_000);
const FILE_BYTES = Number(process.env.BENCH_BYTES ?? 8 << 20);
const SWITCH = fileURLToPath(new URL("../../frame-switch/bin/mirage-switch.mjs", import.meta.url));
const IP = "10.99.0.2";

async function framesPerSecond(): Promise<{ rate: number; dropped: number }> {
  const s = await FrameSwitch.listen();
  const [a, b] = [new WebSocket(s.url), new WebSocket(s.url)];
  await Promise.all([once(a, "open"), once(b, "open")]);
  const frame = (dst: number, src: number) => {
    const bytes = new Uint8Array(1514);
    bytes.set([2, 0, 0, 0, 0, dst, 2, 0, 0, 0, 0, src, 8, 0]);
    return bytes;
  };
  let received = 0;
  b.on("message", () => received++);
  b.send(frame(1, 2)); // b is learned: a's frames go to b only.
  await waitFor("the switch to learn b", () => s.stats().framesIn === 1);
  const toB = frame(2, 1);
  const start = performance.now();
  for (let sent = 0; sent < FRAMES; sent++) {
    // Pace on the sender's unsent bytes, as a page's device does, so that the switch's queue is not the limit.
    while (a.bufferedAmount > 256 * 1024) await new Promise((resolve) => setImmediate(resolve));
    a.send(toB);
  }
  await waitFor("the frames to arrive", () => received >= FRAMES - s.stats().queueDrops);
  const seconds = (performance.now() - start) / 1000;
  const dropped = s.stats().queueDrops;
  a.close();
  b.close();
  await s.close();
  return { rate: received / seconds, dropped };
}

async function built(target: string, big: Uint8Array): Promise<string> {
  const dir = await exampleCopy("static-website", { "htdocs/big.bin": big });
  for (const args of [
    ["configure", "-t", target, "--net=direct", "--no-dhcp"],
    ["build", "-q"],
  ]) {
    const r = await mirage(dir, args);
    if (r.code !== 0) throw new Error(`mirage ${args.join(" ")} failed: ${r.stderr}`);
  }
  return dir;
}

/** Mbit/s of curl downloading big.bin from inside the namespace. */
async function download(ns: Namespace): Promise<number> {
  const r = await ns.run("curl", [
    "-sS",
    "-o",
    "/dev/null",
    "-w",
    "%{size_download} %{time_total}",
    `http://${IP}:8080/big.bin`,
  ]);
  const [size, time] = r.stdout.toString().split(" ").map(Number) as [number, number];
  if (r.code !== 0 || size !== FILE_BYTES) throw new Error(`curl failed (${size} bytes): ${r.stderr}`);
  return (size * 8) / time / 1e6;
}

/** Waits until curl gets the page from inside the namespace. */
async function ready(ns: Namespace): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await ns.run("curl", ["-s", "-o", "/dev/null", "--max-time", "1", `http://${IP}:8080/`])).code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`http://${IP}:8080/ never answered`);
}

const missing = firstMissing(
  () => chromiumMissing,
  () => missingNamespaces("curl"),
  missingTapAddon,
);
if (missing !== undefined) {
  console.error(`bench:browser cannot run here: ${missing}`);
  process.exit(1);
}

const frames = await framesPerSecond();
const big = randomBytes(FILE_BYTES);
const [page, unix] = [await built("browser", big), await built("unix", big)];
const quiet = "-l *:warning";
let pageRate = 0;
let unixRate = 0;
try {
  const browser = await launchChromium();
  const ns = Namespace.create("mirage-cli");
  const tap = interfaceName("mc");
  let sw: ChildProcess | undefined;
  const served = await serveDirectory(`${page}/dist`);
  try {
    sw = spawn(process.execPath, [SWITCH, "--listen", "127.0.0.1:0", "--bridge", `tap:${tap}`], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    sw.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    await waitFor("mirage-switch to listen", () => /listening on ws:/u.test(out));
    await ns.adopt(tap, KERNEL);
    const url = /ws:\/\/\S+/u.exec(out)![0];
    const query = `interface=${url}&ipv4=${IP}/24&l=${encodeURIComponent("*:warning")}`;
    const opened = await openPage(browser, `${served.url}index.html?${query}`);
    await ready(ns);
    pageRate = await download(ns);
    await opened.close();
  } finally {
    if (sw?.exitCode === null) sw.kill("SIGTERM");
    await served.close();
    await browser.close();
    await ns.remove();
  }
  const ns2 = Namespace.create("mirage-cli");
  const tap2 = interfaceName("mc");
  try {
    unikernel(ns2, unix, "dist/static-website.mjs", [
      `--interface=tap:${tap2}`,
      `--ipv4=${IP}/24`,
      ...quiet.split(" "),
    ]);
    await ns2.adopt(tap2, KERNEL);
    await ready(ns2);
    unixRate = await download(ns2);
  } finally {
    await ns2.remove();
  }
} finally {
  await Promise.all([page, unix].map(removeProject));
}
console.log(
  [
    `mirage-switch, 1514-byte frames from one WebSocket client to another (${FRAMES} sent):`,
    `  ${frames.rate.toFixed(0).padStart(8)} frames/s ` +
      `(${((frames.rate * 1514 * 8) / 1e6).toFixed(0)} Mbit/s), ${frames.dropped} dropped`,
    `static-website --net=direct, curl of ${FILE_BYTES} bytes from the namespace:`,
    `  page in Chromium, via mirage-switch and a tap  ${pageRate.toFixed(1).padStart(8)} Mbit/s`,
    `  unix, on the native tap                        ${unixRate.toFixed(1).padStart(8)} Mbit/s`,
    `  page / unix: ${(pageRate / unixRate).toFixed(2)}x`,
  ].join("\n"),
);
