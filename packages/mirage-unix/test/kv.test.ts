import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { StartupError } from "@mirage-ts/mirage-runtime";
import {
  Key,
  type KvError,
  type KvRo,
  type KvRw,
  type KvWriteError,
  type Result,
  ppKvError,
  ppKvWriteError,
} from "@mirage-ts/mirage-types";
import { connectDirectoryKvRo, connectDirectoryKvRw } from "@mirage-ts/mirage-unix";
import { beforeEach, describe, expect, it } from "vitest";
import { fixturesMs } from "./support/limits.js";
import { tempDir } from "./support/temp-dir.js";

const base = tempDir("kv");
let counter = 0;
const k = (path: string) => Key.v(path);
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

function value<T>(result: Result<T, KvError | KvWriteError>): T {
  if (!result.ok) throw new Error(ppKvWriteError(result.error));
  return result.value;
}

function failure(result: Result<unknown, KvError | KvWriteError>): string {
  if (result.ok) throw new Error(`expected a failure, got ${String(result.value)}`);
  return ppKvWriteError(result.error);
}

/** A store root with upstream's test_directory contents, beside a directory outside it. */
function fixtureTree() {
  const dir = join(base, `case-${counter++}`);
  const root = join(dir, "root");
  const outside = join(dir, "outside");
  mkdirSync(join(root, "a_directory", "nested"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, "empty"), "");
  writeFileSync(join(root, "content"), "a small file\n");
  writeFileSync(join(root, "big_file"), Buffer.alloc(5000, "x"));
  writeFileSync(join(root, "a_directory", "inside"), "in a directory");
  writeFileSync(join(outside, "secret"), "top secret");
  symlinkSync(outside, join(root, "escape")); // a dictionary link leading out
  symlinkSync(join(outside, "secret"), join(root, "secret_link")); // a value link leading out
  symlinkSync("content", join(root, "alias")); // a value link staying inside
  symlinkSync("a_directory", join(root, "dir_alias")); // a dictionary link staying inside
  return { root, outside };
}

function outsideUntouched(outside: string): void {
  expect(readdirSync(outside)).toEqual(["secret"]);
  expect(readFileSync(join(outside, "secret"), "utf8")).toBe("top secret");
}

describe("connectDirectoryKvRo", () => {
  let root: string;
  let kv: KvRo;
  beforeEach(async () => {
    ({ root } = fixtureTree());
    kv = await connectDirectoryKvRo(root);
  });

  it("fails to connect to a missing path or a file, as upstream", async () => {
    await expect(connectDirectoryKvRo("")).rejects.toThrow("Not an entity ");
    await expect(connectDirectoryKvRo("/dev/null")).rejects.toThrow("Not a directory /dev/null");
    await expect(connectDirectoryKvRw(join(base, "nope"))).rejects.toThrow(`Not an entity ${join(base, "nope")}`);
  });

  it("names the directory a relative path was looked for in, as a start-up error printed without a stack", async () => {
    const failure = await connectDirectoryKvRo("htdocs-not-here").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as Error).message).toBe(
      `Not an entity htdocs-not-here: no such file or directory (looked for in ${process.cwd()}: ` +
        "start the unikernel from the directory that holds it)",
    );
  });

  it("reads values: empty, small, big", async () => {
    expect(value(await kv.get(k("empty")))).toHaveLength(0);
    expect(text(value(await kv.get(k("/content"))))).toBe("a small file\n");
    expect(value(await kv.get(k("big_file")))).toHaveLength(5000);
    expect(text(value(await kv.get(k("a_directory/inside"))))).toBe("in a directory");
  });

  it("answers not found for missing keys, with upstream's text", async () => {
    expect(failure(await kv.get(k("^$@thing_that_isn't_in root!!!.space")))).toBe(
      "Cannot find the key /^$@thing_that_isn't_in root!!!.space",
    );
    expect(failure(await kv.get(k("not a *dir*?!?/thing")))).toBe("Cannot find the key /not a *dir*?!?/thing");
    expect(failure(await kv.size(Key.empty.add("^#$\u0000not a file!!!. &;")))).toMatch(/^Cannot find the key/);
    expect(failure(await kv.get(k("content/below-a-value")))).toBe("Cannot find the key /content/below-a-value");
  });

  it("gives sizes, and value_expected for a dictionary", async () => {
    expect(value(await kv.size(k("empty")))).toBe(0);
    expect(value(await kv.size(k("content")))).toBe(13);
    expect(value(await kv.size(k("big_file")))).toBe(5000);
    expect(failure(await kv.size(k("a_directory")))).toBe("Expecting a value for the key /a_directory");
    expect(failure(await kv.get(k("a_directory")))).toBe("Expecting a value for the key /a_directory");
  });

  it("reads parts of values, short at the end", async () => {
    expect(text(value(await kv.getPartial(k("content"), 2, 5)))).toBe("small");
    expect(text(value(await kv.getPartial(k("content"), 8, 100)))).toBe("file\n");
    expect(value(await kv.getPartial(k("content"), 100, 5))).toHaveLength(0);
    expect(() => kv.getPartial(k("content"), -1, 5)).toThrow(RangeError);
  });

  it("tells values from dictionaries, and nothing from missing keys", async () => {
    expect(value(await kv.exists(k("content")))).toBe("value");
    expect(value(await kv.exists(k("a_directory")))).toBe("dictionary");
    expect(value(await kv.exists(Key.empty))).toBe("dictionary");
    expect(value(await kv.exists(k("missing/deeper")))).toBeUndefined();
    expect(value(await kv.exists(k("alias")))).toBe("value");
  });

  it("lists the absolute keys of a dictionary, sorted, without links leading out", async () => {
    const listing = value(await kv.list(Key.empty)).map(([key, kind]) => `${key.toString()} ${kind}`);
    expect(listing).toEqual([
      "/a_directory dictionary",
      "/alias value",
      "/big_file value",
      "/content value",
      "/dir_alias dictionary",
      "/empty value",
    ]);
    expect(value(await kv.list(k("a_directory"))).map(([key]) => key.toString())).toEqual([
      "/a_directory/inside",
      "/a_directory/nested",
    ]);
    expect(failure(await kv.list(k("content")))).toBe("Expecting a dictionary for the key /content");
    expect(failure(await kv.list(k("missing")))).toBe("Cannot find the key /missing");
  });

  it("digests a value with SHA-256", async () => {
    const expected = createHash("sha256").update(Buffer.alloc(5000, "x")).digest();
    expect(Buffer.from(value(await kv.digest(k("big_file")))).equals(expected)).toBe(true);
    expect(failure(await kv.digest(k("a_directory")))).toBe("Expecting a value for the key /a_directory");
  });

  it("reports when a key last changed", async () => {
    const date = value(await kv.lastModified(k("content")));
    expect(date).toBeInstanceOf(Date);
    expect(date).toEqual(statSync(join(root, "content")).mtime);
  });

  it("never reads outside the root: dot segments and links leading out are not found", async () => {
    const escapes = [
      Key.empty.add("..").add("outside").add("secret"),
      Key.empty.add(".").add("content"),
      k("escape/secret"),
      k("secret_link"),
      k("a_directory").add("..").add("content"),
      k("/etc/passwd"), // an absolute path is a key below the root
    ];
    for (const key of escapes) {
      expect(failure(await kv.get(key))).toBe(`Cannot find the key ${key.toString()}`);
      expect(failure(await kv.size(key))).toMatch(/^Cannot find the key/);
      expect(failure(await kv.digest(key))).toMatch(/^Cannot find the key/);
      expect(failure(await kv.getPartial(key, 0, 4))).toMatch(/^Cannot find the key/);
      expect(failure(await kv.lastModified(key))).toMatch(/^Cannot find the key/);
      expect(value(await kv.exists(key))).toBeUndefined();
    }
    expect(failure(await kv.list(k("escape")))).toBe("Cannot find the key /escape");
    expect(failure(await kv.list(Key.empty.add("..")))).toBe("Cannot find the key /..");
    expect(() => Key.empty.add("/etc")).toThrow(TypeError); // a segment cannot smuggle a path
  });

  it("follows links that stay inside the root", async () => {
    expect(text(value(await kv.get(k("alias"))))).toBe("a small file\n");
    expect(text(value(await kv.get(k("dir_alias/inside"))))).toBe("in a directory");
  });

  it("prints errors for keys as upstream", async () => {
    const result = await kv.get(k("missing"));
    expect(!result.ok && ppKvError(result.error)).toBe("Cannot find the key /missing");
  });
});

describe("connectDirectoryKvRw", () => {
  let kv: KvRw;
  let root: string;
  let outside: string;
  beforeEach(async () => {
    ({ root, outside } = fixtureTree());
    kv = await connectDirectoryKvRw(root);
  });

  it("creates the dictionaries of a new key (write_not_a_dir)", async () => {
    const key = k("write_not_a_dir/not there/file");
    value(await kv.set(key, bytes("puppies")));
    expect(value(await kv.exists(key))).toBe("value");
    expect(value(await kv.exists(key.parent()))).toBe("dictionary");
    expect(text(value(await kv.get(key)))).toBe("puppies");
  });

  it("writes zero bytes (write_zero_bytes)", async () => {
    const key = k("mkdir_not_a_dir/not there/file");
    value(await kv.set(key, new Uint8Array(0)));
    expect(value(await kv.size(key))).toBe(0);
  });

  it("writes contents and parts of them (write_contents_correct)", async () => {
    const key = k("write_contents_correct/short_phrase");
    value(await kv.set(key, bytes("standing here on this frozen lake")));
    expect(text(value(await kv.get(key)))).toBe("standing here on this frozen lake");
    expect(text(value(await kv.getPartial(key, 6, 10)))).toBe("ng here on");
    value(await kv.setPartial(key, 9, bytes("foo")));
    expect(text(value(await kv.getPartial(key, 6, 10)))).toBe("ng fooe on");
  });

  it("appends a partial write past the end, and creates missing values", async () => {
    const key = k("partial");
    value(await kv.setPartial(key, 5, bytes("abc")));
    expect(text(value(await kv.get(key)))).toBe("abc");
    value(await kv.setPartial(key, 100, bytes("def")));
    expect(text(value(await kv.get(key)))).toBe("abcdef");
    expect(failure(await kv.setPartial(k("a_directory"), 0, bytes("x")))).toBe(
      "Expecting a value for the key /a_directory",
    );
  });

  it("replaces a dictionary on set, as mirage-kv-unix 3.0.1", async () => {
    const dir = k("write_overwrite_dir");
    value(await kv.set(dir.add("data"), bytes("noooooo")));
    value(await kv.set(dir, bytes("noooooo")));
    expect(value(await kv.exists(dir))).toBe("value");
  });

  it("writes big values (write_big_file)", async () => {
    const data = new Uint8Array(4100);
    data.set(bytes("ABC"), 4097);
    const key = k("write_big_file/so many bytes!");
    value(await kv.set(key, data));
    expect(value(await kv.size(key))).toBe(4100);
    expect(text(value(await kv.get(key)).subarray(4097))).toBe("ABC");
  });

  it("fails to create a key below a value", async () => {
    expect(failure(await kv.set(k("content/below"), bytes("x")))).toBe("Expecting a dictionary for the key /content");
  });

  it("sets atomically: a new file is renamed over the old one, and no temporary file remains", async () => {
    const path = join(root, "content");
    const before = statSync(path).ino;
    const oldFd = openSync(path, "r");
    value(await kv.set(k("content"), bytes("replaced entirely")));
    // The old file was never truncated or rewritten in place: its open descriptor still reads it all.
    const old = Buffer.alloc(64);
    expect(old.toString("utf8", 0, readSync(oldFd, old, 0, 64, 0))).toBe("a small file\n");
    expect(statSync(path).ino).not.toBe(before);
    expect(readFileSync(path, "utf8")).toBe("replaced entirely");
    expect(readdirSync(root).filter((name) => name.startsWith(".mirage-kv-tmp-"))).toEqual([]);
  });

  it("hides leftover temporary files and refuses them as keys", async () => {
    writeFileSync(join(root, ".mirage-kv-tmp-deadbeef"), "half written");
    expect(value(await kv.list(Key.empty)).map(([key]) => key.toString())).not.toContain("/.mirage-kv-tmp-deadbeef");
    expect(failure(await kv.get(k(".mirage-kv-tmp-deadbeef")))).toBe("Cannot find the key /.mirage-kv-tmp-deadbeef");
    expect(failure(await kv.set(k(".mirage-kv-tmp-x"), bytes("x")))).toBe("Cannot find the key /.mirage-kv-tmp-x");
  });

  it("removes values and dictionaries recursively (destroy)", async () => {
    value(await kv.set(k("tree/a/b/c"), bytes("1")));
    value(await kv.set(k("tree/a/d"), bytes("2")));
    value(await kv.remove(k("tree/a")));
    expect(value(await kv.exists(k("tree/a")))).toBeUndefined();
    expect(value(await kv.exists(k("tree")))).toBe("dictionary");
    value(await kv.remove(k("content")));
    expect(value(await kv.exists(k("content")))).toBeUndefined();
    expect(failure(await kv.remove(k("content")))).toBe("Cannot find the key /content");
  });

  it("removes a link to a dictionary without touching what it points to", async () => {
    value(await kv.remove(k("dir_alias")));
    expect(value(await kv.exists(k("dir_alias")))).toBeUndefined();
    expect(text(value(await kv.get(k("a_directory/inside"))))).toBe("in a directory");
  });

  it("empties the store when removing the top-level key, keeping the root", async () => {
    value(await kv.remove(Key.empty));
    expect(value(await kv.list(Key.empty))).toEqual([]);
    expect(existsSync(root)).toBe(true);
    outsideUntouched(outside);
    value(await kv.set(k("barf"), bytes("dummy content")));
    value(await kv.remove(k("barf")));
    expect(value(await kv.list(Key.empty))).toEqual([]);
  });

  it("renames values over values and into dictionaries", async () => {
    value(await kv.set(k("src"), bytes("moving")));
    value(await kv.rename(k("src"), k("content")));
    expect(text(value(await kv.get(k("content"))))).toBe("moving");
    expect(value(await kv.exists(k("src")))).toBeUndefined();
    value(await kv.rename(k("content"), k("a_directory")));
    expect(text(value(await kv.get(k("a_directory/content"))))).toBe("moving");
    value(await kv.rename(k("a_directory/content"), k("new/place/here")));
    expect(text(value(await kv.get(k("new/place/here"))))).toBe("moving");
  });

  it("renames dictionaries, with upstream's errors", async () => {
    value(await kv.set(k("a/a"), bytes("bc")));
    value(await kv.set(k("b/b"), bytes("neu")));
    value(await kv.rename(k("a"), k("b")));
    expect(value(await kv.list(k("b"))).map(([key]) => key.toString())).toEqual(["/b/a", "/b/b"]);
    expect(text(value(await kv.get(k("b/a/a"))))).toBe("bc");
    expect(failure(await kv.rename(k("b"), k("b/a/sub")))).toBe("Rename: source /b is prefix of destination /b/a/sub");
    expect(failure(await kv.rename(k("b"), k("content")))).toBe("Expecting a value for the key /b");
    expect(failure(await kv.rename(k("missing"), k("x")))).toBe("Cannot find the key /missing");
    value(await kv.rename(k("b"), k("c")));
    expect(text(value(await kv.get(k("c/b"))))).toBe("neu");
    value(await kv.rename(k("c/b"), k("c/b")));
    expect(text(value(await kv.get(k("c/b"))))).toBe("neu");
  });

  it("allocates zero-filled values, refusing existing keys", async () => {
    const when = new Date("2020-02-02T02:02:02.000Z");
    value(await kv.allocate(k("fresh/zeros"), 100, when));
    const data = value(await kv.get(k("fresh/zeros")));
    expect(data).toHaveLength(100);
    expect(data.every((x) => x === 0)).toBe(true);
    expect(value(await kv.lastModified(k("fresh/zeros"))).getTime()).toBe(when.getTime());
    expect(failure(await kv.allocate(k("content"), 1))).toBe("Key /content is already present");
    expect(failure(await kv.allocate(k("a_directory"), 1))).toBe("Key /a_directory is already present");
  });

  it("never writes outside the root", async () => {
    expect(failure(await kv.set(k("escape/secret"), bytes("pwned")))).toBe(
      "storage error for /escape/secret: /escape leads outside the store's root directory",
    );
    expect(failure(await kv.set(k("escape/new/deeper"), bytes("pwned")))).toMatch(
      /leads outside the store's root directory/,
    );
    expect(failure(await kv.setPartial(k("escape/secret"), 0, bytes("pwned")))).toMatch(
      /leads outside the store's root directory/,
    );
    expect(failure(await kv.set(Key.empty.add("..").add("outside").add("secret"), bytes("pwned")))).toBe(
      "Cannot find the key /../outside/secret",
    );
    expect(failure(await kv.remove(k("escape/secret")))).toBe("Cannot find the key /escape/secret");
    expect(failure(await kv.remove(k("secret_link")))).toBe("Cannot find the key /secret_link");
    expect(failure(await kv.rename(k("escape/secret"), k("stolen")))).toBe("Cannot find the key /escape/secret");
    expect(failure(await kv.rename(k("content"), k("escape/content")))).toMatch(
      /leads outside the store's root directory/,
    );
    expect(failure(await kv.allocate(k("escape/x"), 10))).toMatch(/leads outside the store's root directory/);
    // A partial write to a link leading out does not follow it.
    expect((await kv.setPartial(k("secret_link"), 0, bytes("pwned"))).ok).toBe(false);
    // Replacing a link leading out replaces the link inside the root, never its target.
    value(await kv.set(k("secret_link"), bytes("inside now")));
    expect(text(value(await kv.get(k("secret_link"))))).toBe("inside now");
    outsideUntouched(outside);
    expect(existsSync(join(outside, "new"))).toBe(false);
    expect(existsSync(join(outside, "content"))).toBe(false);
  });
});

describe("connectDirectoryKvRw under a crash", () => {
  it(
    "leaves the old value or a whole new one when the writer is killed mid-set",
    async () => {
      const { startFixture, finished, waitForLine } = await import("./support/run-fixture.js");
      const { root } = fixtureTree();
      writeFileSync(join(root, "victim"), "initial");
      for (const delayMs of [0, 37, 91]) {
        const child = startFixture("kv-set-loop", [root]);
        const outcome = finished(child);
        await waitForLine(child, "started");
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        child.kill("SIGKILL");
        expect((await outcome).signal).toBe("SIGKILL");
        const kv = await connectDirectoryKvRo(root);
        const data = value(await kv.get(k("victim")));
        expect(data).toHaveLength(8 << 20);
        expect(data.every((x) => x === data[0])).toBe(true);
        expect(value(await kv.list(Key.empty)).map(([key]) => key.toString())).not.toContain(
          expect.stringMatching(/tmp/),
        );
      }
    },
    fixturesMs(3),
  );
});
