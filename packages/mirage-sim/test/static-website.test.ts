/**
 * The acceptance run of the simulator: the static-website example's unikernel, unchanged, serves a
 * 10 MB file from a key-value store; a simulated client fetches it over HTTP/1.1 through 5 % loss
 * each way and a 50 ms round trip, for many seeds; every body's SHA-256 equals the file's. Prints
 * the real time, the simulated time and the speed-up. `SIM_SEEDS=200` runs the full sweep;
 * `SIM_SEED=n` replays one seed.
 */

import { createHash } from "node:crypto";
import { connectHttpServer } from "@mirage-ts/http-unix";
import { Ipv4Addr, Key, ppTcpError } from "@mirage-ts/mirage-types";
import { connectMemoryKvRw } from "@mirage-ts/mirage-unix";
import { describe, expect, it } from "vitest";
import { Website } from "../../../examples/static-website/unikernel.js";
import { SimWorld, httpGet, parseRuntimeArgs, seedsFromEnv, sweepSeeds, vitestReplay } from "../src/index.js";
import { sha256 } from "./helpers.js";

const SIZE = 10 * 1024 * 1024;
const SERVER = Ipv4Addr.parse("10.0.0.1");
// The server's link carries all the impairment: 25 ms each way through its port is a 50 ms RTT, and
// 5 % loss applies to each direction.
const LINK = { delayMs: 12.5, loss: 0.05 };
const TCP = { sendBufferSize: 1 << 20, receiveBufferSize: 1 << 20 };

function file(): Uint8Array {
  const data = new Uint8Array(SIZE);
  let x = 2026;
  for (let i = 0; i < SIZE; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  return data;
}

const NAME = "fetches 10 MB with equal SHA-256 through 5 % loss and 50 ms RTT, for every seed";

describe("static-website in the simulator", () => {
  it(NAME, async () => {
    const data = file();
    const expected = sha256(data);
    const kv = await connectMemoryKvRw();
    const set = await kv.set(Key.v("big.bin"), data);
    expect(set.ok).toBe(true);
    parseRuntimeArgs(["--port", "80"]);
    const seeds = seedsFromEnv(process.env, { count: 5 });
    const result = await sweepSeeds({
      seeds,
      replay: (seed) => vitestReplay(seed, { project: "mirage-sim", file: "test/static-website.test.ts", name: NAME }),
      run: async (seed) => {
        const world = new SimWorld({ seed });
        const server = await world.host("server", { ipv4: "10.0.0.1/24", link: LINK, tcp: TCP });
        const client = await world.host("client", { ipv4: "10.0.0.2/24", tcp: TCP });
        server.start(Website.start, server.stack, kv, connectHttpServer(server.stack.tcp()));
        const opened = await world.runUntil(client.stack.tcp().createConnection(SERVER, 80));
        if (!opened.ok) throw new Error(ppTcpError(opened.error));
        const hash = createHash("sha256");
        const response = await world.runUntil(
          httpGet(opened.value, "/big.bin", { collect: false, onBody: (chunk) => hash.update(chunk) }),
        );
        expect(response.status).toBe(200);
        expect(response.bodyLength).toBe(SIZE);
        expect(hash.digest("hex")).toBe(expected);
        const lost = server.linkStats();
        expect(lost.tx.lost).toBeGreaterThan(0);
        expect(lost.rx.lost).toBeGreaterThan(0);
        return { simulatedMs: world.now };
      },
    });
    const line =
      `static-website, 10 MB at 5 % loss and 50 ms RTT: ${result.runs} seeds in ` +
      `${(result.realMs / 1000).toFixed(1)} s real, ${(result.simulatedMs / 1000).toFixed(0)} s simulated ` +
      `(${(result.simulatedMs / result.runs / 1000).toFixed(1)} s per fetch), speed-up ×${result.speedUp.toFixed(1)}`;
    console.log(line);
    expect(result.runs).toBe(seeds.length);
  }, 600_000);
});
