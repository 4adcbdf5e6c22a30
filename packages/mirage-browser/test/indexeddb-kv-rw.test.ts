// The IndexedDB key-value store, on fake-indexeddb (IndexedDB's semantics in memory, per the spec's
// tests): Mirage_kv's semantics as mirage-unix's stores have them, and contents that outlive a
// reconnection (a reload of the page; Chromium's own IndexedDB is tested by mirage-cli's browser
// tests).
import "fake-indexeddb/auto";
import { Key, ok } from "@mirage-ts/mirage-types";
import { describe, expect, it } from "vitest";
import { connectIndexedDbKvRw } from "../src/index.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (result: { ok: boolean; value?: Uint8Array }) =>
  result.ok ? new TextDecoder().decode(result.value) : `error ${JSON.stringify(result)}`;
let serial = 0;
const fresh = () => connectIndexedDbKvRw(`test-${serial++}`);

describe("connectIndexedDbKvRw", () => {
  it("sets and gets values, creating the dictionaries on the way", async () => {
    const kv = await fresh();
    expect(await kv.set(Key.v("a/b/c"), bytes("hello"))).toEqual(ok());
    expect(text(await kv.get(Key.v("a/b/c")))).toBe("hello");
    expect(await kv.exists(Key.v("a/b"))).toEqual(ok("dictionary"));
    expect(await kv.exists(Key.v("a/b/c"))).toEqual(ok("value"));
    expect(await kv.exists(Key.v("a/x"))).toEqual(ok(undefined));
    expect(await kv.size(Key.v("a/b/c"))).toEqual(ok(5));
    expect(text(await kv.getPartial(Key.v("a/b/c"), 1, 3))).toBe("ell");
    const listed = await kv.list(Key.v("a"));
    expect(listed.ok && listed.value.map(([k, kind]) => `${k.toString()} ${kind}`)).toEqual(["/a/b dictionary"]);
    expect((await kv.get(Key.v("a/b"))).ok).toBe(false);
    expect(await kv.get(Key.v("a/b"))).toMatchObject({ error: { kind: "value_expected" } });
    expect(await kv.get(Key.v("nothing"))).toMatchObject({ error: { kind: "not_found" } });
    expect(await kv.set(Key.v("a/b/c/d"), bytes("x"))).toMatchObject({ error: { kind: "dictionary_expected" } });
    await kv.disconnect();
  });

  it("lists only the direct children of a dictionary, sorted", async () => {
    const kv = await fresh();
    for (const key of ["d/z", "d/a", "d/m/deep", "e"]) await kv.set(Key.v(key), bytes(key));
    const listed = await kv.list(Key.v("d"));
    expect(listed.ok && listed.value.map(([k, kind]) => `${k.toString()} ${kind}`)).toEqual([
      "/d/a value",
      "/d/m dictionary",
      "/d/z value",
    ]);
    const root = await kv.list(Key.empty);
    expect(root.ok && root.value.map(([k]) => k.toString())).toEqual(["/d", "/e"]);
    await kv.disconnect();
  });

  it("replaces a whole dictionary, appends past the end, removes recursively", async () => {
    const kv = await fresh();
    await kv.set(Key.v("t/one"), bytes("1"));
    await kv.set(Key.v("t"), bytes("flat"));
    expect(await kv.exists(Key.v("t/one"))).toEqual(ok(undefined));
    expect(await kv.setPartial(Key.v("t"), 100, bytes("!"))).toEqual(ok());
    expect(text(await kv.get(Key.v("t")))).toBe("flat!");
    expect(await kv.setPartial(Key.v("t"), 1, bytes("L"))).toEqual(ok());
    expect(text(await kv.get(Key.v("t")))).toBe("fLat!");
    await kv.set(Key.v("r/a/b"), bytes("x"));
    expect(await kv.remove(Key.v("r"))).toEqual(ok());
    expect(await kv.exists(Key.v("r/a/b"))).toEqual(ok(undefined));
    expect(await kv.allocate(Key.v("z"), 3)).toEqual(ok());
    expect(await kv.get(Key.v("z"))).toEqual(ok(new Uint8Array(3)));
    expect(await kv.allocate(Key.v("z"), 3)).toMatchObject({ error: { kind: "already_present" } });
    await kv.disconnect();
  });

  it("renames values and dictionaries, into a dictionary under the source's name", async () => {
    const kv = await fresh();
    await kv.set(Key.v("src/a"), bytes("A"));
    await kv.set(Key.v("src/sub/b"), bytes("B"));
    await kv.set(Key.v("dst/keep"), bytes("K"));
    expect(await kv.rename(Key.v("src"), Key.v("dst"))).toEqual(ok());
    expect(text(await kv.get(Key.v("dst/src/sub/b")))).toBe("B");
    expect(text(await kv.get(Key.v("dst/keep")))).toBe("K");
    expect(await kv.exists(Key.v("src"))).toEqual(ok(undefined));
    expect(await kv.rename(Key.v("dst"), Key.v("dst/inner"))).toMatchObject({
      error: { kind: "rename_source_prefix" },
    });
    expect(await kv.rename(Key.v("dst/keep"), Key.v("moved"))).toEqual(ok());
    expect(text(await kv.get(Key.v("moved")))).toBe("K");
    expect(await kv.rename(Key.v("gone"), Key.v("x"))).toMatchObject({ error: { kind: "not_found" } });
    await kv.disconnect();
  });

  it("digests with SHA-256 and stamps modifications", async () => {
    const kv = await fresh();
    const before = Date.now();
    await kv.set(Key.v("f"), bytes("abc"));
    const digest = await kv.digest(Key.v("f"));
    expect(digest.ok && Buffer.from(digest.value).toString("hex")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    const modified = await kv.lastModified(Key.v("f"));
    expect(modified.ok && modified.value.getTime()).toBeGreaterThanOrEqual(before);
    await kv.disconnect();
  });

  it("keeps what was written across connections to the same name, and refuses writes once disconnected", async () => {
    const first = await connectIndexedDbKvRw("persistent");
    await first.set(Key.v("counter"), bytes("41"));
    await first.disconnect();
    expect(await first.set(Key.v("counter"), bytes("0"))).toMatchObject({ error: { kind: "msg" } });
    const second = await connectIndexedDbKvRw("persistent");
    expect(text(await second.get(Key.v("counter")))).toBe("41");
    await second.disconnect();
  });
});
