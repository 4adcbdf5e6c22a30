/**
 * The key-value store logged on a block device: the Mirage_kv semantics (dictionaries made on the
 * way, replaced values and dictionaries, recursive remove, rename into a dictionary, allocate,
 * setPartial, digests), its contents replayed at the next boot, a torn last record ignored, and
 * `no_space` at the end of the disk.
 */

import { createHash } from "node:crypto";
import { Key, type KvRw } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { SimWorld } from "../src/index.js";

const text = (s: string) => new TextEncoder().encode(s);

async function host(seed: number, sizeSectors = 256) {
  const world = new SimWorld({ seed });
  const h = await world.host("h", { ipv4: "10.0.0.1/24", disk: { sizeSectors } });
  const kv = await world.runUntil(h.kv());
  return { world, h, kv };
}

async function listing(kv: KvRw, key: string) {
  const listed = await kv.list(Key.v(key));
  return listed.ok ? listed.value.map(([k, kind]) => `${k} ${kind}`) : listed.error.kind;
}

describe("connectBlockKv", () => {
  it("follows the Mirage_kv semantics and replays them at the next boot", async () => {
    const { world, h, kv } = await host(1);
    const run = <T>(p: Promise<T>) => world.runUntil(p);
    expect((await run(kv.set(Key.v("a/b/c"), text("abc")))).ok).toBe(true);
    expect((await run(kv.set(Key.v("a/d"), text("d")))).ok).toBe(true);
    expect(await run(kv.set(Key.v("a/d/e"), text("x")))).toMatchObject({
      ok: false,
      error: { kind: "dictionary_expected" },
    });
    expect(await listing(kv, "a")).toEqual(["/a/b dictionary", "/a/d value"]);
    expect(await run(kv.exists(Key.v("a/b")))).toEqual({ ok: true, value: "dictionary" });
    expect((await run(kv.setPartial(Key.v("a/d"), 5, text("zz")))).ok).toBe(true);
    expect(await run(kv.get(Key.v("a/d")))).toEqual({ ok: true, value: text("dzz") });
    expect((await run(kv.rename(Key.v("a/d"), Key.v("a/b")))).ok).toBe(true);
    expect(await listing(kv, "a/b")).toEqual(["/a/b/c value", "/a/b/d value"]);
    expect(await run(kv.rename(Key.v("a"), Key.v("a/b/q")))).toMatchObject({ error: { kind: "rename_source_prefix" } });
    expect((await run(kv.allocate(Key.v("z"), 3))).ok).toBe(true);
    expect(await run(kv.allocate(Key.v("z"), 3))).toMatchObject({ error: { kind: "already_present" } });
    expect((await run(kv.set(Key.v("gone/x"), text("x")))).ok).toBe(true);
    expect((await run(kv.remove(Key.v("gone")))).ok).toBe(true);
    expect(await run(kv.get(Key.v("gone/x")))).toMatchObject({ error: { kind: "not_found" } });
    expect(await run(kv.get(Key.v("a")))).toMatchObject({ error: { kind: "value_expected" } });
    const digest = await run(kv.digest(Key.v("a/b/c")));
    expect(digest).toEqual({ ok: true, value: new Uint8Array(createHash("sha256").update("abc").digest()) });
    const before = await listing(kv, "/");
    // A clean crash (nothing in flight) and a restart: the replay rebuilds the same contents.
    world.crash("h");
    await world.restart("h");
    const again = await world.runUntil(h.kv());
    expect(again.stats()).toMatchObject({ replayed: kv.stats().records });
    expect(await listing(again, "/")).toEqual(before);
    expect(await listing(again, "a/b")).toEqual(["/a/b/c value", "/a/b/d value"]);
    expect(await world.runUntil(again.get(Key.v("a/b/d")))).toEqual({ ok: true, value: text("dzz") });
    expect(await world.runUntil(again.get(Key.v("z")))).toEqual({ ok: true, value: new Uint8Array(3) });
  });

  it("ends the log at a torn record and writes over it", async () => {
    const { world, h, kv } = await host(2);
    await world.runUntil(kv.set(Key.v("kept"), text("yes")));
    // Tear a record by hand: its second sector reaches the disk, its first does not.
    const record = new Uint8Array(1024).fill(0xee);
    await world.runUntil(h.block.write(BigInt(kv.stats().sectorsUsed + 1), [record.subarray(512)]));
    world.crash("h");
    await world.restart("h");
    const again = await world.runUntil(h.kv());
    expect(again.stats()).toMatchObject({ replayed: 1, sectorsUsed: 1 });
    expect((await world.runUntil(again.set(Key.v("next"), text("ok")))).ok).toBe(true);
    expect(await listing(again, "/")).toEqual(["/kept value", "/next value"]);
  });

  it("fails with no_space at the end of the disk", async () => {
    const { world, kv } = await host(3, 4);
    expect((await world.runUntil(kv.set(Key.v("a"), new Uint8Array(1000)))).ok).toBe(true);
    expect(await world.runUntil(kv.set(Key.v("b"), new Uint8Array(1000)))).toEqual({
      ok: false,
      error: { kind: "no_space" },
    });
    expect(kv.stats()).toEqual({ replayed: 0, records: 1, sectorsUsed: 3, sizeSectors: 4 });
  });
});
