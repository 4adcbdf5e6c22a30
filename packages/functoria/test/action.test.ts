// Port of upstream's test_action.ml: the dry-run interpreter and its trace strings.

import { Action, MemoryFileSystem, dryRun, generatedFiles, runAction } from "@mirage-ts/functoria";
import { describe, expect, it } from "vitest";

const FILE = "<file>";

describe("Action.bind and seq", () => {
  it("sequences removals", async () => {
    const r = await dryRun(
      Action.rm("path").bind(() => Action.rm("other_path")),
      { files: { path: FILE, other_path: FILE } },
    );
    expect(r).toEqual({
      result: { ok: true, value: undefined },
      env: { files: {}, dirs: [] },
      trace: ["Rm path (removed)", "Rm other_path (removed)"],
    });
  });

  it("stops after an error", async () => {
    const r = await dryRun(
      Action.rm("path").bind(() => Action.rm("other_path")),
      { dirs: ["other_path"] },
    );
    expect(r.result).toEqual({ ok: false, error: "other_path is a directory" });
    expect(r.env).toEqual({ files: {}, dirs: ["/other_path"] });
    expect(r.trace).toEqual(["Rm path (no-op)", "Rm other_path (error)"]);
  });

  it("passes values to the continuation", async () => {
    const r = await dryRun(Action.ok(5).bind((v) => Action.ok(v + 1)));
    expect(r).toEqual({ result: { ok: true, value: 6 }, env: { files: {}, dirs: [] }, trace: [] });
  });

  it("runs a simple sequence", async () => {
    const seen: boolean[] = [];
    const r = await dryRun(
      Action.seq([
        Action.writeFile("path", ""),
        Action.isFile("path").map((b) => seen.push(b)),
        Action.rm("path"),
        Action.isFile("path").map((b) => seen.push(b)),
      ]),
    );
    expect(r.trace).toEqual([
      "Write to path (0 bytes)",
      "Is_file? path -> true",
      "Rm path (removed)",
      "Is_file? path -> false",
    ]);
    expect(seen).toEqual([true, false]);
  });

  it("builds actions from generators, restarted on each run", async () => {
    const touch = Action.gen(function* () {
      const exists = yield* Action.isFile("f");
      if (!exists) yield* Action.writeFile("f", "new");
      return exists;
    });
    expect((await dryRun(touch)).result).toEqual({ ok: true, value: false });
    expect((await dryRun(touch, { files: { f: "old" } })).trace).toEqual(["Is_file? f -> true"]);
  });

  it("fails with a message", async () => {
    const r = await dryRun(Action.seq([Action.writeFile("a", "x"), Action.fail("boom"), Action.writeFile("b", "y")]));
    expect(r.result).toEqual({ ok: false, error: "boom" });
    expect(Object.keys(r.env.files)).toEqual(["/a"]);
  });
});

describe("commands", () => {
  it("rm", async () => {
    expect(await dryRun(Action.rm("path"), { files: { path: FILE, other_path: FILE } })).toMatchObject({
      env: { files: { "/other_path": FILE } },
      trace: ["Rm path (removed)"],
    });
    expect(await dryRun(Action.rm("path"), { dirs: ["path"], files: { other_path: FILE } })).toMatchObject({
      result: { ok: false, error: "path is a directory" },
      trace: ["Rm path (error)"],
    });
    expect(await dryRun(Action.rm("path"), { files: { other_path: FILE } })).toMatchObject({
      result: { ok: true },
      trace: ["Rm path (no-op)"],
    });
  });

  it("mkdir", async () => {
    expect(await dryRun(Action.mkdir("path"), { files: { other_path: FILE } })).toMatchObject({
      result: { ok: true, value: true },
      env: { dirs: ["/path"] },
      trace: ["Mkdir path (created)"],
    });
    expect(await dryRun(Action.mkdir("path"), { dirs: ["path"] })).toMatchObject({
      result: { ok: true, value: false },
      trace: ["Mkdir path (already exists)"],
    });
    expect(await dryRun(Action.mkdir("path"), { files: { path: FILE } })).toMatchObject({
      result: { ok: false, error: "a file named 'path' already exists" },
      trace: ["Mkdir path (error)"],
    });
  });

  it("rmdir", async () => {
    expect(await dryRun(Action.rmdir("path"), { dirs: ["other_path"] })).toMatchObject({
      env: { dirs: ["/other_path"] },
      trace: ["Rmdir path (no-op)"],
    });
    expect(await dryRun(Action.rmdir("path"), { files: { path: FILE }, dirs: ["other_path"] })).toMatchObject({
      env: { files: {}, dirs: ["/other_path"] },
      trace: ["Rmdir path (removed)"],
    });
    expect(
      await dryRun(Action.rmdir("path"), { files: { other_path: FILE, "path/2": FILE }, dirs: ["path/1"] }),
    ).toEqual({
      result: { ok: true, value: undefined },
      env: { files: { "/other_path": FILE }, dirs: [] },
      trace: ["Rmdir path (removed)"],
    });
  });

  it("with_dir", async () => {
    const r = await dryRun(Action.withDir("path", () => Action.writeFile("other_path", FILE)));
    expect(r).toEqual({
      result: { ok: true, value: undefined },
      env: { files: { "/path/other_path": FILE }, dirs: [] },
      trace: ["With_dir path [Write to other_path (6 bytes)]"],
    });
  });

  it("pwd", async () => {
    expect((await dryRun(Action.pwd())).trace).toEqual(["Pwd -> /"]);
    expect(await dryRun(Action.pwd(), { cwd: "/foo/bar" })).toMatchObject({
      result: { ok: true, value: "/foo/bar" },
      trace: ["Pwd -> /foo/bar"],
    });
    expect(
      (
        await dryRun(
          Action.withDir("x", () => Action.pwd()),
          { cwd: "/foo" },
        )
      ).result,
    ).toEqual({ ok: true, value: "/foo/x" });
  });

  it("is_file and is_dir", async () => {
    expect((await dryRun(Action.isFile("path"), { files: { path: FILE } })).trace).toEqual(["Is_file? path -> true"]);
    expect((await dryRun(Action.isFile("path"), { files: { other_path: FILE } })).trace).toEqual([
      "Is_file? path -> false",
    ]);
    expect((await dryRun(Action.isDir("path"), { dirs: ["path"] })).trace).toEqual(["Is_dir? path -> true"]);
    expect((await dryRun(Action.isDir("path"), { files: { path: FILE } })).trace).toEqual(["Is_dir? path -> false"]);
    expect((await dryRun(Action.isDir("path"), { files: { "path/1": FILE } })).trace).toEqual(["Is_dir? path -> true"]);
  });

  it("write_file and read_file count UTF-8 bytes", async () => {
    expect((await dryRun(Action.writeFile("path", "contents"))).trace).toEqual(["Write to path (8 bytes)"]);
    expect(await dryRun(Action.writeFile("path", "new contents"), { files: { path: "contents" } })).toMatchObject({
      env: { files: { "/path": "new contents" } },
      trace: ["Write to path (12 bytes)"],
    });
    expect((await dryRun(Action.writeFile("p", "é€😀"))).trace).toEqual(["Write to p (9 bytes)"]);
    expect(await dryRun(Action.readFile("p"), { files: { p: "abc" } })).toMatchObject({
      result: { ok: true, value: "abc" },
      trace: ["Read p (3 bytes)"],
    });
    expect(await dryRun(Action.readFile("p"))).toMatchObject({
      result: { ok: false, error: "p: no such file" },
      trace: ["Read p (error)"],
    });
  });

  it("ls", async () => {
    expect(await dryRun(Action.ls("path"))).toMatchObject({
      result: { ok: false, error: "path: no such file or directory" },
      trace: ["Ls path (error)"],
    });
    expect(
      await dryRun(Action.ls("root"), { files: { "root/0": FILE, "root/1": FILE, "root/2": FILE } }),
    ).toMatchObject({
      result: { ok: true, value: ["0", "1", "2"] },
      trace: ["Ls root (3 entries)"],
    });
    expect((await dryRun(Action.ls("path"), { dirs: ["path"] })).trace).toEqual(["Ls path (0 entry)"]);
    expect(await dryRun(Action.ls("path"), { files: { path: FILE } })).toMatchObject({
      result: { ok: true, value: ["path"] },
      trace: ["Ls path (1 entry)"],
    });
  });

  it("run_cmd", async () => {
    expect(await dryRun(Action.runCmd(["some-command"]))).toMatchObject({
      result: { ok: false, error: "'some-command' not found" },
      trace: ["Run_cmd 'some-command' (error)"],
    });
    const yay = () => ({ out: "yay", err: "err" });
    expect(await dryRun(Action.runCmd(["some-command", "x"]), { commands: yay })).toMatchObject({
      result: { ok: true, value: { out: "yay", err: "err" } },
      trace: ['Run_cmd \'some-command x\' (ok: out="yay" err="err")'],
    });
  });

  it("tmp_file", async () => {
    expect(await dryRun(Action.tmpFile("path-%s"))).toMatchObject({
      result: { ok: true, value: "/tmp/path-0" },
      trace: ["Tmp_file -> /tmp/path-0"],
    });
    const r = await dryRun(Action.tmpFile("path-%s"), {
      files: { "/tmp/path-0": FILE, "/tmp/path-1": FILE, "/tmp/path-3": FILE },
    });
    expect(r.result).toEqual({ ok: true, value: "/tmp/path-2" });
  });

  it("lists the files an action generates", async () => {
    const a = Action.seq([
      Action.writeFile("a.json", "{}"),
      Action.withDir("sub", () => Action.writeFile("b", "")),
      Action.isFile("c"),
    ]);
    expect(await generatedFiles(a)).toEqual(["a.json", "sub/b"]);
  });
});

describe("MemoryFileSystem as an overlay", () => {
  it("reads through to the base and keeps writes and removals in memory", async () => {
    const base = new MemoryFileSystem({ files: { "/p/keep": "k", "/p/gone": "g", "/d/x": "x" } });
    const overlay = new MemoryFileSystem({ base, cwd: "/p" });
    const r = await runAction(
      Action.gen(function* () {
        const keep = yield* Action.readFile("keep");
        yield* Action.rm("gone");
        yield* Action.rmdir("/d");
        yield* Action.writeFile("new", `${keep}!`);
        return [yield* Action.isFile("gone"), yield* Action.isDir("/d"), yield* Action.ls(".")] as const;
      }),
      overlay,
    );
    expect(r).toEqual({ ok: true, value: [false, false, ["keep", "new"]] });
    expect(base.snapshot().files).toEqual({ "/p/keep": "k", "/p/gone": "g", "/d/x": "x" });
    expect(overlay.snapshot().files).toEqual({ "/p/new": "k!" });
  });

  it("reports file-system exceptions as action errors", async () => {
    const broken = new MemoryFileSystem();
    broken.writeFile = () => {
      throw new Error("disk full");
    };
    const trace: string[] = [];
    const r = await runAction(Action.writeFile("x", "y"), broken, { trace: (l) => trace.push(l) });
    expect(r).toEqual({ ok: false, error: "disk full" });
    expect(trace).toEqual(["writeFile x (error)"]);
  });
});
