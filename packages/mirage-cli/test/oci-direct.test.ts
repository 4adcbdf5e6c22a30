// The OCI image of a `--net=direct` unikernel: static-website on mirage-ts's own TCP/IP stack. The
// image holds mirage-unix's native tap addon at the host path its bundle loads it from, with the
// libraries ldd lists for it. podman, asked for NET_ADMIN, gives it to the image's non-root user;
// unpacked by umoci and run by crun (support/crun.ts says why not podman) as that user, given
// /dev/net/tun and NET_ADMIN (in the ambient set, as podman does) in a network namespace of the
// test's own, it creates its tap there, and curl reaches it through the kernel's end of that tap.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  Namespace,
  describeRequiring,
  firstMissing,
  interfaceName,
  missingNamespaces,
  missingTapAddon,
  missingTools,
} from "@mirage-ts/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseLdd } from "../src/oci/rootfs.js";
import { Container, type RuntimeSpec, unpack, writeSpec } from "./support/crun.js";
import { COMMAND_MS, RUN_TEST_MS, buildsMs } from "./support/limits.js";
import { ROOT, exampleCopy, mirage, removeProject, run } from "./support/project.js";
import { KERNEL } from "./support/unikernel-link.js";

const missing = firstMissing(
  () => missingNamespaces("curl"),
  () => missingTools("umoci", "crun", "unshare", "podman"),
  missingTapAddon,
);
// A name of its own: oci-run.test.ts loads and removes static-website's default one in podman meanwhile.
const REFERENCE = "localhost/static-website-direct:test";
const UNIKERNEL_IP = "10.99.0.2";
/** /dev/net/tun: a character device, 10:200. */
const TUN = { path: "/dev/net/tun", type: "c", major: 10, minor: 200 };

let dir = "";
let ns: Namespace | undefined;
const tap = interfaceName("mc");
let work = "";
let spec: RuntimeSpec | undefined;

/** The bundle of the image, unpacked by umoci. */
const bundle = () => join(work, "bundle");

describeRequiring(missing, "the OCI image of static-website --net=direct", { timeout: RUN_TEST_MS }, () => {
  beforeAll(
    async () => {
      ns = Namespace.create("mirage-cli");
      dir = await exampleCopy("static-website");
      work = await mkdtemp(join(tmpdir(), "mirage-oci-direct-"));
      const args = `--interface=tap:${tap} --ipv4=${UNIKERNEL_IP}/24 --port=80`;
      const configure = ["configure", "-t", "unix", "--net=direct", "--no-dhcp", "--oci", `--image=${REFERENCE}`];
      const configured = await mirage(dir, [...configure, "--health=tcp:80", `--run-args=${args}`]);
      expect(configured.code, configured.stderr).toBe(0);
      const built = await mirage(dir, ["build"]);
      expect(built.code, built.stderr).toBe(0);
      expect(built.stdout).toContain(`Its OCI image ${REFERENCE}`);
      spec = await unpack(join(dir, "dist", "oci"), REFERENCE, bundle());
    },
    buildsMs(1, COMMAND_MS),
  );

  afterAll(async () => {
    await ns?.remove();
    if (dir !== "") await removeProject(dir);
    if (work !== "") await rm(work, { recursive: true, force: true });
  });

  it("holds the tap addon where the bundle loads it from, and the libraries it needs", async () => {
    const addon = await realpath(join(ROOT, "packages", "mirage-unix", "build", "Release", "tap.node"));
    const rootfs = join(bundle(), "rootfs");
    const inImage = join(rootfs, addon);
    expect(Buffer.compare(await readFile(inImage), await readFile(addon))).toBe(0);
    // The bundle names mirage-unix by its real path: the addon is two levels above its module.
    const app = await readFile(join(rootfs, "app", "dist", "static-website.app.mjs"), "utf8");
    expect(app).toContain(`file://${addon.replace(/\/build\/Release\/tap\.node$/u, "/")}`);
    const { stdout } = await promisify(execFile)("ldd", [addon], { encoding: "utf8" });
    for (const library of parseLdd(stdout)) expect(existsSync(join(rootfs, library)), library).toBe(true);
    // No Docker health check: it would ask the container's loopback, where the unikernel does not listen.
    const layout = join(dir, "dist", "oci");
    const blob = async (digest: string) =>
      JSON.parse(await readFile(join(layout, "blobs", ...digest.split(":")), "utf8")) as Record<string, unknown>;
    const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    const manifest = (await blob(index.manifests[0]?.digest ?? "")) as { config: { digest: string } };
    const config = (await blob(manifest.config.digest)) as { config: Record<string, unknown> };
    expect(config.config).toMatchObject({ User: "65532:65532", ExposedPorts: { "80/tcp": {} } });
    expect(config.config.Healthcheck).toBeUndefined();
  });

  it("is given NET_ADMIN in its non-root user's effective set by podman's --cap-add", async () => {
    const archive = join(dir, "dist", "static-website.oci.tar");
    const loaded = await run("podman", ["load", "-i", archive], { cwd: dir });
    expect(loaded.code, loaded.stderr).toBe(0);
    const created = await run(
      "podman",
      ["create", "--cap-add=NET_ADMIN", "--device=/dev/net/tun", "--read-only", REFERENCE],
      { cwd: dir },
    );
    const id = created.stdout.trim();
    try {
      expect(created.code, created.stderr).toBe(0);
      const format = "{{.Config.User}} {{.EffectiveCaps}}";
      const inspected = await run("podman", ["container", "inspect", "--format", format, id], { cwd: dir });
      expect(inspected.stdout.trim()).toBe("65532:65532 [CAP_NET_ADMIN]");
    } finally {
      if (id !== "") await run("podman", ["rm", "-f", id], { cwd: dir });
      await run("podman", ["rmi", REFERENCE], { cwd: dir });
    }
  });

  it("runs unprivileged with /dev/net/tun and NET_ADMIN in a namespace, makes its tap, answers curl", async () => {
    if (spec === undefined || ns === undefined) throw new Error("no image");
    for (const namespace of spec.linux.namespaces)
      if (namespace.type === "network") namespace.path = `/var/run/netns/${ns.name}`;
    for (const set of Object.keys(spec.process.capabilities))
      spec.process.capabilities[set] = [...(spec.process.capabilities[set] ?? []), "CAP_NET_ADMIN"];
    spec.linux.devices = [...(spec.linux.devices ?? []), { ...TUN, fileMode: 0o666, uid: 0, gid: 0 }];
    const allowed = spec.linux.resources?.devices ?? [];
    spec.linux.resources = { ...spec.linux.resources, devices: [...allowed, { allow: true, ...TUN, access: "rwm" }] };
    await writeSpec(bundle(), spec);
    const container = new Container(work);
    try {
      container.start(bundle());
      await container.waitFor("serving on port 80");
      expect(container.stderr()).toContain(`plugging into ${tap}`);
      const status = await readFile(`/proc/${await container.pid()}/status`, "utf8");
      expect(status).toMatch(/^Uid:\s+65532\s/mu);
      await ns.waitForLink(tap);
      ns.configure(tap, KERNEL);
      const page = await ns.run("curl", ["-sS", "--max-time", "60", `http://${UNIKERNEL_IP}/`]);
      expect(page.code, page.stderr).toBe(0);
      expect(page.stdout.toString()).toBe(await readFile(join(dir, "htdocs", "index.html"), "utf8"));
      expect(container.stderr()).toMatch(/10\.99\.0\.1:\d+ "GET \/ HTTP\/1\.1" 200/u);
    } finally {
      await container.stop();
    }
  });
});
