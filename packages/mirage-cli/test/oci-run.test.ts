// The acceptance of `mirage build --oci` on the static-website example: two builds give the same
// digest; skopeo reads the archive's config; podman loads the archive; the image, unpacked by umoci
// into an OCI runtime bundle, is run by crun with a read-only root as its unprivileged user on the
// host's network, and answers HTTP from the host. Prints the image's size beside node:22-slim's.
//
// crun, not `podman run`: in the CI sandbox podman cannot start a container (crun's setrlimit of
// podman's default RLIMIT_NPROC/NOFILE is refused without CAP_SYS_RESOURCE), and crun itself refuses
// a "hybrid" cgroup host whose cgroup2 mount has controllers, so it runs in a private mount namespace
// without that mount and with its cgroup manager disabled.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRequiring, firstMissing, freePort, missingRoot, missingTools } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RUN_TEST_MS, WAIT_MS, buildsMs } from "./support/limits.js";
import { exampleCopy, mirage, removeProject, run } from "./support/project.js";

const missing = firstMissing(missingRoot, () => missingTools("skopeo", "umoci", "crun", "podman", "unshare"));
const REFERENCE = "localhost/static-website:latest";
/** The size of node:22-slim as `docker images` shows it (iximiuz Labs, "How to choose a Node.js container image"). */
const NODE_SLIM_MB = 220;

let dir = "";
let port = 0;
const digests: string[] = [];
const archives: string[] = [];

async function build(): Promise<void> {
  const built = await mirage(dir, ["build"]);
  expect(built.code, built.stderr).toBe(0);
  expect(built.stdout).toContain(`Its OCI image ${REFERENCE}`);
  const index = JSON.parse(await readFile(join(dir, "dist", "oci", "index.json"), "utf8")) as {
    manifests: { digest: string }[];
  };
  digests.push(index.manifests[0]?.digest ?? "");
  const archive = await readFile(join(dir, "dist", "static-website.oci.tar"));
  archives.push(createHash("sha256").update(archive).digest("hex"));
}

/** GET `path` on loopback `port`: the status and body. */
function fetchText(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

describeRequiring(missing, "the OCI image of static-website", { timeout: RUN_TEST_MS }, () => {
  beforeAll(async () => {
    dir = await exampleCopy("static-website");
    port = await freePort("tcp");
    const configure = ["configure", "-t", "unix", "--net=socket", "--oci", `--run-args=--port=${port}`];
    const configured = await mirage(dir, [...configure, "--health=http:8080/"]);
    expect(configured.code, configured.stderr).toBe(0);
    await build();
    await build();
  }, buildsMs(2));

  afterAll(async () => {
    if (dir !== "") await removeProject(dir);
  });

  it("is reproducible: two builds give the same manifest digest and the same archive", () => {
    expect(digests).toHaveLength(2);
    expect(digests[1]).toBe(digests[0]);
    expect(archives[1]).toBe(archives[0]);
  });

  it("has the config skopeo shows: an unprivileged user, node dist/NAME.mjs, the run-time arguments", async () => {
    const archive = `oci-archive:${join(dir, "dist", "static-website.oci.tar")}`;
    const inspected = await run("skopeo", ["inspect", "--config", archive], { cwd: dir });
    expect(inspected.code).toBe(0);
    const config = JSON.parse(inspected.stdout) as { config: Record<string, unknown> };
    expect(config.config).toMatchObject({
      User: "65532:65532",
      Entrypoint: ["/usr/local/bin/node", "dist/static-website.mjs"],
      Cmd: [`--port=${port}`],
      WorkingDir: "/app",
      ExposedPorts: { "8080/tcp": {} },
    });
  });

  it("is loaded by podman", async () => {
    const loaded = await run("podman", ["load", "-i", join(dir, "dist", "static-website.oci.tar")], { cwd: dir });
    expect(`${loaded.stdout}${loaded.stderr}`).toContain(`Loaded image: ${REFERENCE}`);
    expect(loaded.code).toBe(0);
    const removed = await run("podman", ["rmi", REFERENCE], { cwd: dir });
    expect(removed.code).toBe(0);
  });

  it("runs under crun with a read-only root and answers HTTP from the host", async () => {
    const work = await mkdtemp(join(tmpdir(), "mirage-oci-run-"));
    const bundle = join(work, "bundle");
    const state = join(work, "state");
    const id = `mirage-oci-${process.pid}`;
    let child: ChildProcess | undefined;
    try {
      const unpacked = await run("umoci", ["unpack", "--image", `${join(dir, "dist", "oci")}:${REFERENCE}`, bundle], {
        cwd: dir,
      });
      expect(unpacked.stderr).not.toMatch(/error|FATA/iu);
      expect(unpacked.code).toBe(0);
      const spec = JSON.parse(await readFile(join(bundle, "config.json"), "utf8")) as {
        root: { readonly: boolean };
        process: { args: string[]; user: { uid: number }; terminal: boolean };
        mounts: { type: string }[];
        linux: { namespaces: { type: string }[] };
      };
      expect(spec.process.args).toEqual(["/usr/local/bin/node", "dist/static-website.mjs", `--port=${port}`]);
      expect(spec.process.user.uid).toBe(65532);
      // The host's network (for a curl from the host), a read-only root, no cgroup mount (see above).
      spec.root.readonly = true;
      spec.process.terminal = false;
      spec.linux.namespaces = spec.linux.namespaces.filter((n) => n.type !== "network");
      spec.mounts = spec.mounts.filter((m) => m.type !== "cgroup");
      await writeFile(join(bundle, "config.json"), JSON.stringify(spec));

      const script =
        "if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi; " +
        `exec crun --root ${state} --cgroup-manager=disabled run --bundle ${bundle} ${id}`;
      const started = spawn("unshare", ["-m", "--propagation", "private", "sh", "-c", script]);
      child = started;
      let stderr = "";
      const serving = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not serving after ${WAIT_MS} ms: ${stderr}`)), WAIT_MS);
        started.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes(`serving on port ${port}`)) {
            clearTimeout(timer);
            resolve();
          }
        });
        started.on("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`crun exited with ${code}: ${stderr}`));
        });
      });
      await serving;
      const page = await fetchText("/");
      expect(page.status).toBe(200);
      expect(page.body).toBe(await readFile(join(dir, "htdocs", "index.html"), "utf8"));

      const rootfs = await run("du", ["-sb", join(bundle, "rootfs")], { cwd: dir });
      const unpackedBytes = Number(rootfs.stdout.split("\t")[0]);
      const archiveBytes = (await stat(join(dir, "dist", "static-website.oci.tar"))).size;
      const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
      console.log(
        `static-website image: ${mb(archiveBytes)} MB archive (gzip), ${mb(unpackedBytes)} MB unpacked; ` +
          `official node:22-slim: ${NODE_SLIM_MB} MB unpacked before the app (documented), ` +
          `ratio ${(NODE_SLIM_MB / (unpackedBytes / 1e6)).toFixed(2)}x`,
      );
    } finally {
      if (child !== undefined && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.on("exit", resolve));
        await run("crun", ["--root", state, "kill", id, "TERM"], { cwd: work });
        await exited;
      }
      await run("crun", ["--root", state, "delete", "-f", id], { cwd: work });
      await rm(work, { recursive: true, force: true });
    }
  });

  it("is removed by mirage clean, with the bundles", async () => {
    const cleaned = await mirage(dir, ["clean"]);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    await expect(stat(join(dir, "dist"))).rejects.toThrow("ENOENT");
  });
});
