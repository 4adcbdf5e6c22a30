// The acceptance of `mirage build --oci` on the static-website example: two builds give the same
// digest; skopeo reads the archive's config; podman loads the archive; the image, unpacked by umoci
// into an OCI runtime bundle, is run by crun with a read-only root as its unprivileged user on the
// host's network, answers HTTP from the host and passes the Docker health check of its config, run
// inside it by `crun exec`. Prints the image's size beside node:22-slim's. Why crun and not `podman
// run`: support/crun.ts.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRequiring, firstMissing, freePort, missingRoot, missingTools } from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Container, unpack, writeSpec } from "./support/crun.js";
import { RUN_TEST_MS, buildsMs } from "./support/limits.js";
import { exampleCopy, mirage, removeProject, run } from "./support/project.js";

const missing = firstMissing(missingRoot, () => missingTools("skopeo", "umoci", "crun", "podman", "unshare"));
const REFERENCE = "localhost/static-website:latest";
/**
 * The size of the official node:22-slim, unpacked, as `docker images` showed it in iximiuz Labs' "How to choose a
 * Node.js container image" (labs.iximiuz.com/tutorials/how-to-choose-nodejs-container-image, Node 22 in 2024): a
 * documented figure, since no container registry is reachable from here to measure it.
 */
const NODE_SLIM_MB = 220;

let dir = "";
let port = 0;
/** The Docker health check's command (`CMD` first) in the image's config. */
let healthcheck: string[] = [];
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
    const configured = await mirage(dir, [...configure, `--health=http:${port}/`]);
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
      ExposedPorts: { [`${port}/tcp`]: {} },
    });
    // Docker's health check is in the config blob itself (skopeo's parsed view keeps OCI fields only).
    const raw = await run("skopeo", ["inspect", "--config", "--raw", archive], { cwd: dir });
    const check = (JSON.parse(raw.stdout) as { config: { Healthcheck: { Test: string[] } } }).config.Healthcheck;
    expect(check).toMatchObject({ Interval: 10e9, Timeout: 2e9, StartPeriod: 5e9, Retries: 3 });
    expect(check.Test.slice(0, 3)).toEqual(["CMD", "/usr/local/bin/node", "-e"]);
    healthcheck = check.Test;
  });

  it("is loaded by podman, which reads Docker's health check from the docker-archive", async () => {
    const loaded = await run("podman", ["load", "-i", join(dir, "dist", "static-website.oci.tar")], { cwd: dir });
    expect(`${loaded.stdout}${loaded.stderr}`).toContain(`Loaded image: ${REFERENCE}`);
    expect(loaded.code).toBe(0);
    expect((await run("podman", ["rmi", REFERENCE], { cwd: dir })).code).toBe(0);
    // Read as a docker-archive (manifest.json), the image has Docker's health check; as an OCI layout
    // podman ignores it.
    const pulled = await run(
      "podman",
      ["pull", "-q", `docker-archive:${join(dir, "dist", "static-website.oci.tar")}`],
      {
        cwd: dir,
      },
    );
    expect(pulled.code, pulled.stderr).toBe(0);
    const inspected = await run("podman", ["image", "inspect", "--format", "{{json .HealthCheck}}", REFERENCE], {
      cwd: dir,
    });
    expect((JSON.parse(inspected.stdout) as { Test: string[] }).Test).toEqual(healthcheck);
    expect((await run("podman", ["rmi", REFERENCE], { cwd: dir })).code).toBe(0);
  });

  it("runs under crun with a read-only root, answers HTTP from the host and passes its health check", async () => {
    const work = await mkdtemp(join(tmpdir(), "mirage-oci-run-"));
    const bundle = join(work, "bundle");
    const container = new Container(work);
    try {
      const spec = await unpack(join(dir, "dist", "oci"), REFERENCE, bundle);
      expect(spec.process.args).toEqual(["/usr/local/bin/node", "dist/static-website.mjs", `--port=${port}`]);
      expect(spec.process.user.uid).toBe(65532);
      // The host's network, for a curl from the host.
      spec.linux.namespaces = spec.linux.namespaces.filter((n) => n.type !== "network");
      await writeSpec(bundle, spec);
      container.start(bundle);
      await container.waitFor(`serving on port ${port}`);
      const page = await fetchText("/");
      expect(page.status).toBe(200);
      expect(page.body).toBe(await readFile(join(dir, "htdocs", "index.html"), "utf8"));
      // Docker's health check, run in the container as Docker would: the image's node asks the unikernel.
      const check = await container.exec(healthcheck.slice(1));
      expect(check.code, check.stderr).toBe(0);

      const rootfs = await run("du", ["-sb", join(bundle, "rootfs")], { cwd: dir });
      const unpackedBytes = Number(rootfs.stdout.split("\t")[0]);
      const archiveBytes = (await stat(join(dir, "dist", "static-website.oci.tar"))).size;
      let appBytes = 0;
      for (const name of ["static-website.mjs", "static-website.app.mjs", "static-website.app.mjs.map"])
        appBytes += (await stat(join(dir, "dist", name))).size;
      const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
      // The same app on node:22-slim is that image plus the same three files.
      const slimBytes = NODE_SLIM_MB * 1e6 + appBytes;
      console.log(
        `static-website image: ${mb(archiveBytes)} MB archive (gzip), ${mb(unpackedBytes)} MB unpacked; ` +
          `the same app on the official node:22-slim: ${mb(slimBytes)} MB unpacked (${NODE_SLIM_MB} MB documented ` +
          `+ ${mb(appBytes)} MB of app), ratio ${(slimBytes / unpackedBytes).toFixed(2)}x`,
      );
    } finally {
      await container.stop();
      await rm(work, { recursive: true, force: true });
    }
  });

  it("is not left behind by a build that fails: the old image would be loaded as the new one", async () => {
    const base = `--oci-base=${join(dir, "no-such-layout")}`;
    const configured = await mirage(dir, ["configure", "-t", "unix", "--net=socket", "--oci", base]);
    expect(configured.code, configured.stderr).toBe(0);
    const built = await mirage(dir, ["build"]);
    expect(built.code).toBe(1);
    expect(built.stderr).toContain("not an OCI image layout");
    await expect(stat(join(dir, "dist", "static-website.oci.tar"))).rejects.toThrow("ENOENT");
    await expect(stat(join(dir, "dist", "oci"))).rejects.toThrow("ENOENT");
  });

  it("is removed by mirage clean, with the bundles", async () => {
    const cleaned = await mirage(dir, ["clean"]);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    await expect(stat(join(dir, "dist"))).rejects.toThrow("ENOENT");
  });
});
