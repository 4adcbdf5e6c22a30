import { createHash } from "node:crypto";
import { Key, ppKvError, ppKvWriteError } from "@mirage-ts/mirage-types";
import { connectMemoryKvRw } from "@mirage-ts/mirage-unix";
import { describe, expect, it } from "vitest";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);
const k = (path: string): Key => Key.v(path);

describe("the in-memory KV store (kvRwMem)", () => {
  it("sets, gets, lists and sizes values, creating dictionaries", async () => {
    const kv = await connectMemoryKvRw();
    expect((await kv.set(k("/a/b/c"), bytes("hello"))).ok).toBe(true);
    expect((await kv.set(k("/a/d"), bytes("x"))).ok).toBe(true);
    const got = await kv.get(k("/a/b/c"));
    expect(got.ok && text(got.value)).toBe("hello");
    expect(await kv.exists(k("/a/b"))).toEqual({ ok: true, value: "dictionary" });
    expect(await kv.exists(k("/a/b/c"))).toEqual({ ok: true, value: "value" });
    expect(await kv.exists(k("/nope"))).toEqual({ ok: true, value: undefined });
    const listed = await kv.list(k("/a"));
    expect(listed.ok && listed.value.map(([key, kind]) => `${key.toString()}:${kind}`)).toEqual([
      "/a/b:dictionary",
      "/a/d:value",
    ]);
    expect(await kv.size(k("/a/b/c"))).toEqual({ ok: true, value: 5 });
    const partial = await kv.getPartial(k("/a/b/c"), 1, 3);
    expect(partial.ok && text(partial.value)).toBe("ell");
  });

  it("reports upstream's errors", async () => {
    const kv = await connectMemoryKvRw();
    await kv.set(k("/v"), bytes("1"));
    await kv.set(k("/d/x"), bytes("2"));
    const cases: Array<[Promise<{ ok: boolean; error?: unknown }>, string]> = [
      [kv.get(k("/missing")), "Cannot find the key /missing"],
      [kv.get(k("/d")), "Expecting a value for the key /d"],
      [kv.list(k("/v")), "Expecting a dictionary for the key /v"],
      [kv.set(k("/v/below"), bytes("3")), "Expecting a dictionary for the key /v"],
      [kv.allocate(k("/v"), 4), "Key /v is already present"],
      [kv.rename(k("/d"), k("/d/x/y")), "Rename: source /d is prefix of destination /d/x/y"],
    ];
    for (const [pending, message] of cases) {
      const r = await pending;
      expect(r.ok).toBe(false);
      const error = r.error as Parameters<typeof ppKvWriteError>[0];
      expect(ppKvWriteError(error)).toBe(message);
    }
    const missing = await kv.digest(k("/missing"));
    expect(!missing.ok && ppKvError(missing.error)).toBe("Cannot find the key /missing");
  });

  it("setPartial overwrites in place and appends past the end", async () => {
    const kv = await connectMemoryKvRw();
    await kv.set(k("/f"), bytes("abcdef"));
    await kv.setPartial(k("/f"), 2, bytes("XY"));
    await kv.setPartial(k("/f"), 100, bytes("!"));
    const got = await kv.get(k("/f"));
    expect(got.ok && text(got.value)).toBe("abXYef!");
  });

  it("removes recursively, and the top-level key empties the store", async () => {
    const kv = await connectMemoryKvRw();
    await kv.set(k("/a/b/c"), bytes("1"));
    await kv.set(k("/z"), bytes("2"));
    expect((await kv.remove(k("/a"))).ok).toBe(true);
    expect(await kv.exists(k("/a/b/c"))).toEqual({ ok: true, value: undefined });
    await kv.remove(Key.empty);
    expect(await kv.list(Key.empty)).toEqual({ ok: true, value: [] });
  });

  it("renames values and dictionaries, into dictionaries and over values", async () => {
    const kv = await connectMemoryKvRw();
    await kv.set(k("/src/one"), bytes("1"));
    await kv.set(k("/dst/keep"), bytes("k"));
    await kv.set(k("/file"), bytes("f"));
    expect((await kv.rename(k("/src"), k("/dst"))).ok).toBe(true);
    expect(await kv.exists(k("/dst/src/one"))).toEqual({ ok: true, value: "value" });
    expect(await kv.exists(k("/src"))).toEqual({ ok: true, value: undefined });
    expect((await kv.rename(k("/file"), k("/dst/keep"))).ok).toBe(true);
    const got = await kv.get(k("/dst/keep"));
    expect(got.ok && text(got.value)).toBe("f");
  });

  it("digests with SHA-256 and allocates zero-filled values with their date", async () => {
    const kv = await connectMemoryKvRw();
    await kv.set(k("/h"), bytes("hash me"));
    const digest = await kv.digest(k("/h"));
    expect(digest.ok && Buffer.from(digest.value).toString("hex")).toBe(
      createHash("sha256").update("hash me").digest("hex"),
    );
    const when = new Date("2020-01-02T03:04:05Z");
    expect((await kv.allocate(k("/z"), 8, when)).ok).toBe(true);
    expect(await kv.size(k("/z"))).toEqual({ ok: true, value: 8 });
    expect(await kv.lastModified(k("/z"))).toEqual({ ok: true, value: when });
  });

  it("returns copies: callers cannot change stored values", async () => {
    const kv = await connectMemoryKvRw();
    const data = bytes("abc");
    await kv.set(k("/c"), data);
    data[0] = 0;
    const got = await kv.get(k("/c"));
    if (got.ok) got.value[1] = 0;
    const again = await kv.get(k("/c"));
    expect(again.ok && text(again.value)).toBe("abc");
  });
});
