// The OCI image of `mirage build --oci`, built from small inputs: reproducible (the same inputs give
// the same manifest digest), its layer a sorted tar owned by 0:0 at one time, its config running the
// program as an unprivileged numeric user; an image on a base layout keeps the base's layers.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { describeRequiring, itRequiring, missingTapAddon, missingTools } from "@mirage-ts/test-support";
import { extract } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage } from "../src/oci/image.js";
import { type Image, layoutArchive, sha256, writeLayout } from "../src/oci/layout.js";
import { tapAddonOf } from "../src/oci/native-addons.js";
import { IMAGE_UID, parseLdd, sharedLibraries } from "../src/oci/rootfs.js";
import { tarArchive } from "../src/oci/tar.js";
import { ROOT, exampleCopy, removeProject } from "./support/project.js";

interface Header {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly type: string;
  readonly body: Buffer;
}

/** The headers and bodies of a tar, in order. */
async function entries(tar: Uint8Array): Promise<Header[]> {
  const found: Header[] = [];
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => void chunks.push(Buffer.from(c as Uint8Array)));
      stream.on("end", () => {
        found.push({
          name: header.name,
          mode: header.mode ?? 0,
          uid: header.uid ?? -1,
          gid: header.gid ?? -1,
          mtime: (header.mtime?.getTime() ?? -1) / 1000,
          type: header.type ?? "",
          body: Buffer.concat(chunks),
        });
        next();
      });
    });
    reader.on("finish", resolve);
    reader.on("error", reject);
  });
  reader.end(Buffer.from(tar));
  await done;
  return found;
}

function json(image: Image, which: "config" | "manifest"): Record<string, unknown> {
  return JSON.parse(Buffer.from(image[which].data).toString("utf8")) as Record<string, unknown>;
}

// A small dynamic executable stands for node: ldd lists its libraries as it does node's.
const BINARY = "/bin/true";
const files = (bundle: string) =>
  new Map<string, Uint8Array>([
    ["hello.mjs", Buffer.from('await import("./hello.app.mjs");\n')],
    ["hello.app.mjs", Buffer.from(bundle)],
    ["hello.app.mjs.map", Buffer.from("{}")],
  ]);
const options = (bundle: string) => ({
  name: "hello",
  reference: "localhost/hello:latest",
  files: files(bundle),
  args: ["--port=8080"],
  mtime: 0,
  nodeBinary: BINARY,
  port: 8080,
});

describe("tar archives", () => {
  it("are sorted, with their parent directories, owned by 0:0 at the given time", async () => {
    const tar = await tarArchive(
      [
        { kind: "file", path: "b/z", data: Buffer.from("z") },
        { kind: "file", path: "a/y", data: Buffer.from("y"), mode: 0o755 },
        { kind: "symlink", path: "b/link", target: "z" },
      ],
      { mtime: 1234 },
    );
    const read = await entries(tar);
    expect(read.map((e) => `${e.type} ${e.name}`)).toEqual([
      "directory a/",
      "file a/y",
      "directory b/",
      "symlink b/link",
      "file b/z",
    ]);
    expect(read.every((e) => e.uid === 0 && e.gid === 0 && e.mtime === 1234)).toBe(true);
    expect(read[1]?.mode).toBe(0o755);
    expect(read[4]?.mode).toBe(0o644);
  });

  it("refuse a path given twice", async () => {
    const twice = [
      { kind: "file", path: "a", data: Buffer.from("1") },
      { kind: "file", path: "a", data: Buffer.from("2") },
    ] as const;
    await expect(tarArchive(twice, { mtime: 0 })).rejects.toThrow("the archive names a twice");
  });
});

describe("ldd reports", () => {
  it("give the libraries and the loader, not the vDSO", () => {
    const report = [
      "\tlinux-vdso.so.1 (0x00007ffd)",
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)",
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f)",
    ].join("\n");
    expect(parseLdd(report)).toEqual(["/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"]);
    expect(() => parseLdd("\tlibfoo.so.1 => not found")).toThrow("libfoo.so.1 => not found: install the library");
  });
});

describeRequiring(missingTools("ldd"), "the image of a unikernel", {}, () => {
  it("is reproducible: two builds of the same inputs have the same digest, other inputs another", async () => {
    const first = await buildImage(options("console.log(1);"));
    const second = await buildImage(options("console.log(1);"));
    expect(second.manifest.digest).toBe(first.manifest.digest);
    expect(Buffer.compare(await layoutArchive(first, 0), await layoutArchive(second, 0))).toBe(0);
    const other = await buildImage(options("console.log(2);"));
    expect(other.manifest.digest).not.toBe(first.manifest.digest);
    expect(first.manifest.digest).toBe(sha256(first.manifest.data));
  });

  it("runs node dist/NAME.mjs with the run-time arguments as an unprivileged numeric user", async () => {
    const image = await buildImage(options("console.log(1);"));
    const config = json(image, "config");
    expect(config.created).toBe("1970-01-01T00:00:00Z");
    expect(config.config).toMatchObject({
      User: `${IMAGE_UID}:${IMAGE_UID}`,
      Entrypoint: ["/usr/local/bin/node", "dist/hello.mjs"],
      Cmd: ["--port=8080"],
      WorkingDir: "/app",
      ExposedPorts: { "8080/tcp": {} },
    });
    const layer = image.layers[0];
    if (layer === undefined) throw new Error("no layer");
    const tar = gunzipSync(layer.data);
    expect((config.rootfs as { diff_ids: string[] }).diff_ids).toEqual([sha256(tar)]);
    const read = await entries(tar);
    const names = read.map((e) => e.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(
      expect.arrayContaining(["app/dist/hello.mjs", "app/dist/hello.app.mjs", "app/dist/hello.app.mjs.map"]),
    );
    expect(names).toEqual(expect.arrayContaining(["usr/local/bin/node", "etc/passwd", "tmp/"]));
    expect(names.some((n) => /^lib.*\/libc\.so\.6$/u.test(n))).toBe(true);
    const passwd = read.find((e) => e.name === "etc/passwd")?.body.toString();
    expect(passwd).toContain(`nonroot:x:${IMAGE_UID}:${IMAGE_UID}:`);
    expect(read.find((e) => e.name === "tmp/")?.mode).toBe(0o1777);
  });

  it("holds native addons at their host paths, with the libraries they need, each once", async () => {
    const addon = "/bin/ls";
    const image = await buildImage({ ...options("console.log(1);"), addons: [addon] });
    const read = await entries(gunzipSync(image.layers[0]?.data ?? new Uint8Array()));
    const names = read.map((e) => e.name);
    expect(read.find((e) => e.name === "bin/ls")?.body.equals(await readFile(addon))).toBe(true);
    for (const library of await sharedLibraries(addon)) expect(names).toContain(library.slice(1));
    expect(new Set(names).size).toBe(names.length);
  });

  it("on a base layout, keeps its layers and config and runs node from its PATH", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mirage-oci-base-"));
    try {
      const base = await buildImage({ ...options("base"), name: "base", args: [] });
      await writeLayout(dir, base);
      const image = await buildImage({ ...options("console.log(1);"), base: dir });
      expect(image.layers.map((l) => l.digest)).toEqual([...base.layers.map((l) => l.digest), image.layers[1]?.digest]);
      const config = json(image, "config");
      expect((config.config as { Entrypoint: string[] }).Entrypoint).toEqual(["node", "dist/hello.mjs"]);
      expect((config.rootfs as { diff_ids: string[] }).diff_ids).toHaveLength(2);
      const top = await entries(gunzipSync(image.layers[1]?.data ?? new Uint8Array()));
      expect(top.map((e) => e.name)).not.toContain("usr/local/bin/node");
      // An addon on a base: the base's libc serves it, the host's libraries stay out.
      const withAddon = await buildImage({ ...options("console.log(1);"), base: dir, addons: ["/bin/ls"] });
      const names = (await entries(gunzipSync(withAddon.layers[1]?.data ?? new Uint8Array()))).map((e) => e.name);
      expect(names).toContain("bin/ls");
      expect(names.some((n) => n.endsWith("libc.so.6"))).toBe(false);
      await writeFile(join(dir, "index.json"), "{}");
      await expect(buildImage({ ...options("x"), base: dir })).rejects.toThrow("its index.json lists no image");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// The layout as skopeo reads it.
describeRequiring(missingTools("skopeo"), "the layout", {}, () => {
  it("is an OCI layout skopeo reads", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mirage-oci-layout-"));
    try {
      const image = await buildImage(options("console.log(1);"));
      await writeLayout(dir, image);
      const { stdout } = await promisify(execFile)("skopeo", ["inspect", `oci:${dir}`], { encoding: "utf8" });
      expect(JSON.parse(stdout)).toMatchObject({ Digest: image.manifest.digest, Os: "linux" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the tap addon of a --net=direct image", () => {
  let dir = "";
  let root = "";
  let bundle = "";
  beforeAll(async () => {
    dir = await exampleCopy("static-website");
    root = await realpath(join(ROOT, "packages", "mirage-unix"));
    bundle = `var u=${JSON.stringify(`${pathToFileURL(root).href}/dist/internal/tap-addon.js`)};`;
  });
  afterAll(() => removeProject(dir));

  itRequiring(missingTapAddon(), "is the one of the mirage-unix that the bundle names", {}, async () => {
    expect(await tapAddonOf(join(dir, "mirage"), bundle)).toBe(join(root, "build", "Release", "tap.node"));
  });

  it("is refused when the bundle names another mirage-unix than the one that resolves", async () => {
    const elsewhere = 'var u="file:///elsewhere/mirage-unix/dist/internal/tap-addon.js";';
    await expect(tapAddonOf(join(dir, "mirage"), elsewhere)).rejects.toThrow(
      `the bundle does not load mirage-unix from ${root}`,
    );
  });
});
