// Checksum throughput: the package's word-at-a-time checksum against a naive byte loop, measured in
// the same run, printed as MB/s (best of several trials) and a ratio.
// Run from the repository root: pnpm vitest bench --run --project tcpip

import { internetChecksum } from "@mirage-ts/tcpip";
import { bench, describe } from "vitest";

/** The obvious RFC 1071 loop: two bytes at a time, carries folded at the end. */
function naiveChecksum(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < data.length; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (data.length % 2 === 1) sum += data[data.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const SIZES = [64, 576, 1500, 9000, 65535];

function buffer(size: number): Uint8Array {
  // Offset by 14 bytes, as an IP payload inside an ethernet frame is.
  const backing = new Uint8Array(size + 14);
  for (let i = 0; i < backing.length; i++) backing[i] = (i * 131 + 7) & 0xff;
  return backing.subarray(14);
}

function megabytesPerSecond(f: (data: Uint8Array) => number, data: Uint8Array): number {
  const budget = 100_000_000;
  const iterations = Math.max(1, Math.floor(budget / data.length));
  let sink = 0;
  for (let i = 0; i < Math.min(iterations, 1000); i++) sink ^= f(data); // warm up
  const start = performance.now();
  for (let i = 0; i < iterations; i++) sink ^= f(data);
  const seconds = (performance.now() - start) / 1000;
  if (sink === -1) console.log("unreachable");
  return (iterations * data.length) / 1e6 / seconds;
}

// Best of 5 alternating trials each, so that a busy machine penalises both sides alike.
const TRIALS = 5;

const rows = SIZES.map((size) => {
  const data = buffer(size);
  if (internetChecksum(data) !== naiveChecksum(data)) throw new Error(`checksums disagree at ${size} bytes`);
  let ours = 0;
  let naive = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    ours = Math.max(ours, megabytesPerSecond(internetChecksum, data));
    naive = Math.max(naive, megabytesPerSecond(naiveChecksum, data));
  }
  return {
    bytes: size,
    "tcpip MB/s": Math.round(ours),
    "naive MB/s": Math.round(naive),
    ratio: `${(ours / naive).toFixed(2)}x`,
  };
});
console.log("Internet checksum throughput (same run):");
console.table(rows);

describe("internet checksum, 1500 bytes", () => {
  const data = buffer(1500);
  bench("tcpip internetChecksum", () => {
    internetChecksum(data);
  });
  bench("naive byte loop", () => {
    naiveChecksum(data);
  });
});
