// tcp-profile.mjs: the per-segment cost of the direct stack's TCP, for `--cpu-prof`. One bulk transfer
// after another between two DirectStacks on a vnetif switch (MTU 1500, both ports offering offloads
// unless OFFLOAD=0), on mirage-unix's real clock; prints the best and median throughput, by wall clock
// and per CPU-second of this process (steadier on a loaded machine). Build first
// (`pnpm exec tsc -b packages/tcpip packages/mirage-unix`), then for the profile's top entries:
//
//   node --cpu-prof --cpu-prof-dir=/tmp/tcp-prof packages/tcpip/bench/tcp-profile.mjs
//   node packages/tcpip/bench/cpu-profile-top.mjs /tmp/tcp-prof/*.cpuprofile 8
//
// Environment: MIB (per transfer, 128), REPS (transfers, 5), OFFLOAD (0 for plain 1500-byte frames).
import { randomFillSync } from "node:crypto";
import { Ipv4Addr, Ipv4Prefix, Macaddr } from "@mirage-ts/mirage-types";
import { unixClock, unixRandom } from "@mirage-ts/mirage-unix";
import { DirectStack, VirtualSwitch } from "../dist/index.js";

const BYTES = Number(process.env.MIB ?? 128) << 20;
const REPS = Number(process.env.REPS ?? 5);
const offload = process.env.OFFLOAD !== "0";
const PORT = 5001;
const TCP = { sendBufferSize: 1 << 20, receiveBufferSize: 1 << 20, minRtoMs: 200 };

// One random 64 KiB block written again and again (a write copies it into the send buffer before it
// resolves): nothing to set up, so the profile is the transfer's.
const block = randomFillSync(new Uint8Array(65536));

async function once() {
  const sw = new VirtualSwitch({ clock: unixClock, random: unixRandom });
  const make = (n) =>
    DirectStack.connect({
      netif: sw.connect({ mac: Macaddr.parse(`02:00:00:00:00:0${n}`), mtu: 1500, offload }),
      clock: unixClock,
      random: unixRandom,
      ipv4Only: true,
      ipv4: { cidr: Ipv4Prefix.parse(`10.0.0.${n}/24`) },
      tcp: TCP,
    });
  const server = await make(1);
  const client = await make(2);
  const received = new Promise((resolve) => {
    server.tcp().listen(PORT, async (flow) => {
      let bytes = 0;
      for (;;) {
        const r = await flow.read();
        if (!r.ok || r.value.kind === "eof") break;
        bytes += r.value.data.length;
      }
      await flow.close();
      resolve(bytes);
    });
  });
  const start = performance.now();
  const cpu = process.cpuUsage();
  const opened = await client.tcp().createConnection(Ipv4Addr.parse("10.0.0.1"), PORT);
  if (!opened.ok) throw new Error(`connect failed: ${opened.error.kind}`);
  for (let at = 0; at < BYTES; at += block.length) {
    await opened.value.write(at + block.length <= BYTES ? block : block.subarray(0, BYTES - at));
  }
  await opened.value.close();
  const bytes = await received;
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const retransmitted = client.stats().tcp.retransmittedSegments;
  await client.disconnect();
  await server.disconnect();
  if (bytes !== BYTES) throw new Error(`received ${bytes} of ${BYTES} bytes`);
  const gbit = BYTES * 8e-9;
  return { wall: gbit / (ms / 1000), cpu: gbit / ((used.user + used.system) / 1e6), retransmitted };
}

const runs = [];
for (let i = 0; i < REPS; i++) runs.push(await once());
const best = (key) => Math.max(...runs.map((r) => r[key])).toFixed(2);
const median = (key) =>
  runs
    .map((r) => r[key])
    .sort((a, b) => a - b)
    [runs.length >> 1].toFixed(2);
console.log(
  `${REPS} transfers of ${BYTES >> 20} MiB, vnetif MTU 1500${offload ? " offload" : ""}: ` +
    `best ${best("wall")} Gbit/s (median ${median("wall")}) wall clock, ` +
    `best ${best("cpu")} Gbit/s (median ${median("cpu")}) per CPU-second; ` +
    `retransmitted ${runs.map((r) => r.retransmitted).join(" ")}`,
);
