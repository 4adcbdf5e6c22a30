/**
 * The seed search a user copies: a copy of tcp-echo with a planted bug that shows only when a
 * partition of over a second cuts a transfer (test/fixtures/buggy-echo). Each seed draws its own
 * fault schedule (when the partition starts, how long it lasts) from the world's generator; the sweep
 * finds a seed that breaks the echo, names it with its replay command, and the replay fails the same
 * way, byte for byte the same run.
 */

import { Ipv4Addr, ppTcpError } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { SeedFailure, SimWorld, parseRuntimeArgs, seedsFromEnv, sweepSeeds, vitestReplay } from "../src/index.js";
import { BuggyEcho } from "./fixtures/buggy-echo/unikernel.js";
import { echoRoundTrip, sha256 } from "./helpers.js";

const SERVER = Ipv4Addr.parse("10.0.0.1");
const DATA = new Uint8Array(1_000_000).map((_, i) => (i * 7) & 0xff);
const LINK = { delayMs: 1, bandwidth: 10e6 };

/** One run: a partition drawn from the seed in the middle of a 1 MB echo; fails if the echo differs. */
async function run(seed: number): Promise<{ simulatedMs: number; logs: string[] }> {
  parseRuntimeArgs([]);
  const world = new SimWorld({ seed });
  const server = await world.host("server", { ipv4: "10.0.0.1/24", link: LINK });
  const client = await world.host("client", { ipv4: "10.0.0.2/24", link: LINK });
  server.start(BuggyEcho.start, server.stack, server.mclock);
  const opened = await world.runUntil(client.stack.tcp().createConnection(SERVER, 7));
  if (!opened.ok) throw new Error(ppTcpError(opened.error));
  // The fault schedule of this seed: a partition somewhere in the first second, for 0 to 3 s.
  const start = world.now + world.random.nextInt(1000);
  const length = world.random.nextInt(3000);
  world.at(start, (w) => w.partition("client", "server"));
  world.at(start + length, (w) => w.heal());
  const echoed = await world.runUntil(echoRoundTrip(opened.value, DATA));
  const logs = world.logs.map((l) => `${l.atMs} ${l.source} ${l.message}`);
  if (sha256(echoed) !== sha256(DATA)) {
    throw new Error(`echo of ${echoed.length} bytes differs (partition at ${start} ms for ${length} ms)`);
  }
  return { simulatedMs: world.now, logs };
}

const NAME = "finds the seed whose partition exposes the planted bug, and replays it";

describe("seed search over a buggy tcp-echo", () => {
  it(NAME, async () => {
    const failure = await sweepSeeds({
      seeds: seedsFromEnv(process.env, { count: 50 }),
      run,
      replay: (seed) => vitestReplay(seed, { project: "mirage-sim", file: "test/planted-bug.test.ts", name: NAME }),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SeedFailure);
    const found = failure as SeedFailure;
    console.log(found.message);
    expect(found.message).toMatch(/echo of \d+ bytes differs \(partition at [\d.]+ ms for (\d+) ms\)/);
    const partitionMs = Number(/for (\d+) ms\)/.exec(found.message)?.[1]);
    expect(partitionMs).toBeGreaterThan(1000);
    // The replay fails the same way, at the same virtual times.
    await expect(run(found.seed)).rejects.toThrow((found.cause as Error).message);
  });
});
