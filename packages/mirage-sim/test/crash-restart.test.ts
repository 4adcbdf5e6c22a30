/**
 * The acceptance test of crash and restart: a kv_rw application (test/fixtures/kv-journal) writes
 * to the key-value store on its host's simulated disk; the host crashes three times at times drawn
 * from the seed and restarts. At every boot, before the application resumes, the store must hold
 * exactly what the resolved `set`s wrote, plus at most the one `set` still in flight at the crash
 * (the store runs one mutation at a time). Over many seeds the crashes hit writes in flight, and
 * the disk loses, completes and tears them (its counters show each fate). A store that acknowledged
 * a `set` before its write was durable fails this sweep, which the last test shows.
 * `SIM_SEEDS=n` runs more seeds, `SIM_SEED=n` replays one.
 */

import { Key, type KvRw, ppKvError } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { SimWorld, seedsFromEnv, sweepSeeds, vitestReplay } from "../src/index.js";
import { Journal } from "./fixtures/kv-journal/unikernel.js";

interface SetCall {
  readonly key: string;
  readonly value: Uint8Array;
  resolved: boolean;
}

/** `kv` with its `set` replaced by `set` (the other methods bound to the store, whose fields are private). */
function withSet(kv: KvRw, set: KvRw["set"]): KvRw {
  return new Proxy(kv, {
    get(target, name) {
      if (name === "set") return set;
      const member = Reflect.get(target, name, target);
      return typeof member === "function" ? member.bind(target) : member;
    },
  });
}

/** `kv` with every `set` recorded in call order, and whether it resolved. */
function recording(kv: KvRw, calls: SetCall[]): KvRw {
  return withSet(kv, async (key, value) => {
    const call: SetCall = { key: key.toString(), value: value.slice(), resolved: false };
    calls.push(call);
    const result = await kv.set(key, value);
    if (result.ok) call.resolved = true;
    return result;
  });
}

/** Every value of the store, by key. */
async function contents(
  kv: KvRw,
  key = Key.empty,
  into = new Map<string, Uint8Array>(),
): Promise<Map<string, Uint8Array>> {
  const listed = await kv.list(key);
  if (!listed.ok) throw new Error(ppKvError(listed.error));
  for (const [child, kind] of listed.value) {
    if (kind === "dictionary") await contents(kv, child, into);
    else {
      const value = await kv.get(child);
      if (!value.ok) throw new Error(ppKvError(value.error));
      into.set(child.toString(), value.value);
    }
  }
  return into;
}

const same = (a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): boolean =>
  a.size === b.size && [...a].every(([k, v]) => Buffer.from(v).equals(b.get(k) ?? new Uint8Array(0)));

/**
 * Checks the store at boot against the calls of the previous boots: the resolved sets, plus at most
 * the one in flight. Returns what the store holds, the model of the next boot.
 */
function checkBoot(found: Map<string, Uint8Array>, model: Map<string, Uint8Array>, calls: SetCall[], boot: number) {
  const resolved = new Map(model);
  const pending = calls.filter((c) => !c.resolved);
  for (const call of calls) if (call.resolved) resolved.set(call.key, call.value);
  if (pending.length > 1) throw new Error(`boot ${boot}: ${pending.length} sets were in flight; the store runs one`);
  const withPending = new Map(resolved);
  for (const call of pending) withPending.set(call.key, call.value);
  if (same(found, resolved) || same(found, withPending)) return found;
  const lost = [...resolved].filter(([k, v]) => !Buffer.from(v).equals(found.get(k) ?? new Uint8Array(0)));
  throw new Error(
    `boot ${boot}: the store lost resolved sets: ${lost.map(([k]) => k).join(", ")} ` +
      `(${found.size} keys found, ${resolved.size} expected)`,
  );
}

interface CrashRun {
  readonly simulatedMs: number;
  readonly fates: { lost: number; completed: number; torn: number };
  readonly writes: number;
}

/** One seed: the journal on a host with a disk, three crashes and restarts drawn from the seed. */
async function crashRun(seed: number, wrap: (kv: KvRw) => KvRw = (kv) => kv): Promise<CrashRun> {
  const world = new SimWorld({ seed });
  const db = await world.host("db", { ipv4: "10.0.0.1/24", disk: { sizeSectors: 65536 } });
  let model = new Map<string, Uint8Array>();
  let calls: SetCall[] = [];
  let checked = 0;
  let lastChecked: () => void = () => {};
  const allChecked = new Promise<void>((resolve) => {
    lastChecked = resolve;
  });
  db.boot(async (host) => {
    const kv = await host.kv();
    // A boot that a crash cuts during its replay checks nothing; the next one checks the same calls.
    if (host.boots > 1) model = checkBoot(await contents(kv), model, calls, host.boots - 1);
    checked++;
    if (host.boots === 4) lastChecked();
    calls = [];
    await Journal.start(recording(wrap(kv), calls), host.sleep, host.random);
  });
  let at = world.now;
  for (let i = 0; i < 3; i++) {
    at += 20 + world.random.nextInt(200);
    world.at(at, (w) => w.crash("db", { restartAfterMs: world.random.nextInt(50) }));
    at += 50;
  }
  await world.runUntil(allChecked);
  expect(db.boots).toBe(4);
  expect(checked).toBeGreaterThanOrEqual(2);
  const stats = db.disk!.stats();
  return {
    simulatedMs: world.now,
    fates: { lost: stats.lostWrites, completed: stats.completedAtCrash, torn: stats.tornWrites },
    writes: stats.writes,
  };
}

const NAME = "keeps every resolved set of a kv_rw application across crashes, for every seed";
const replay = (seed: number) =>
  vitestReplay(seed, { project: "mirage-sim", file: "test/crash-restart.test.ts", name: NAME });

describe("crash and restart with a simulated disk", () => {
  it(NAME, async () => {
    const seeds = seedsFromEnv(process.env, { count: 40 });
    const fates = { lost: 0, completed: 0, torn: 0 };
    let writes = 0;
    const result = await sweepSeeds({
      seeds,
      replay,
      run: async (seed) => {
        const run = await crashRun(seed);
        fates.lost += run.fates.lost;
        fates.completed += run.fates.completed;
        fates.torn += run.fates.torn;
        writes += run.writes;
        return run;
      },
    });
    console.log(
      `kv journal, 3 crashes per seed: ${result.runs} seeds, ${writes} durable writes; in-flight writes at ` +
        `the crashes: ${fates.lost} lost, ${fates.completed} completed, ${fates.torn} torn; ` +
        `${(result.realMs / 1000).toFixed(1)} s real`,
    );
    if (seeds.length >= 40) {
      expect(fates.lost).toBeGreaterThan(0);
      expect(fates.completed).toBeGreaterThan(0);
      expect(fates.torn).toBeGreaterThan(0);
    }
  }, 300_000);

  it("gives the same run for the same seed", async () => {
    const a = await crashRun(11);
    const b = await crashRun(11);
    expect(b).toEqual(a);
  });

  it("catches a store that acknowledges a set before its write is durable", async () => {
    // The planted bug: `set` resolves at once and the write goes on behind it.
    const eager = (kv: KvRw): KvRw =>
      withSet(kv, async (key, value) => {
        void kv.set(key, value);
        return { ok: true, value: undefined };
      });
    const failure = await sweepSeeds({ seeds: seedsFromEnv({}, { count: 40 }), replay, run: (s) => crashRun(s, eager) })
      .then(() => undefined)
      .catch((error: unknown) => error as Error);
    expect(failure?.message).toMatch(/boot \d: the store lost resolved sets: /);
    expect(failure?.message).toContain("replay: SIM_SEED=");
  });
});
