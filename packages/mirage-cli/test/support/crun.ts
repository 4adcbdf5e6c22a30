// An OCI image of `mirage build --oci`, unpacked by umoci into a runtime bundle and run by crun.
//
// crun, not `podman run`: in the CI sandbox podman cannot start a container (crun's setrlimit of
// podman's default RLIMIT_NPROC/NOFILE is refused without CAP_SYS_RESOURCE), and crun itself refuses
// a "hybrid" cgroup host whose cgroup2 mount has controllers, so it runs in a private mount namespace
// without that mount and with its cgroup manager disabled (the spec's cgroup mount goes too).
import { type ChildProcess, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { WAIT_MS } from "./limits.js";
import { type Outcome, run } from "./project.js";

/** The parts of a runtime spec (config.json) the tests read or change. */
export interface RuntimeSpec {
  root: { readonly: boolean };
  process: {
    args: string[];
    user: { uid: number; gid: number };
    terminal: boolean;
    capabilities: Record<string, string[]>;
  };
  mounts: { type: string }[];
  linux: {
    namespaces: { type: string; path?: string }[];
    devices?: Record<string, unknown>[];
    resources?: { devices?: Record<string, unknown>[] };
  };
}

/** Unpacks the image `reference` of the OCI layout `layout` into the runtime bundle `bundle`: its spec. */
export async function unpack(layout: string, reference: string, bundle: string): Promise<RuntimeSpec> {
  const unpacked = await run("umoci", ["unpack", "--image", `${layout}:${reference}`, bundle], { cwd: layout });
  expect(unpacked.stderr).not.toMatch(/error|FATA/iu);
  expect(unpacked.code).toBe(0);
  return JSON.parse(await readFile(join(bundle, "config.json"), "utf8")) as RuntimeSpec;
}

/**
 * Writes `spec` as the bundle's config.json, with a read-only root, no terminal and no cgroup mount
 * (see above).
 */
export async function writeSpec(bundle: string, spec: RuntimeSpec): Promise<void> {
  spec.root.readonly = true;
  spec.process.terminal = false;
  spec.mounts = spec.mounts.filter((m) => m.type !== "cgroup");
  await writeFile(join(bundle, "config.json"), JSON.stringify(spec));
}

/** A container crun runs from a bundle, its standard error collected; {@link Container.stop} removes it. */
export class Container {
  readonly #state: string;
  readonly #id = `mirage-oci-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  #child: ChildProcess | undefined;
  #stderr = "";

  /** `work`: a directory of the test's own, where crun keeps the container's state. */
  constructor(work: string) {
    this.#state = join(work, "crun-state");
  }

  /** Starts the container of `bundle`. */
  start(bundle: string): void {
    const script =
      "if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi; " +
      `exec crun --root ${this.#state} --cgroup-manager=disabled run --bundle ${bundle} ${this.#id}`;
    const child = spawn("unshare", ["-m", "--propagation", "private", "sh", "-c", script]);
    this.#child = child;
    child.stderr.on("data", (chunk: Buffer) => (this.#stderr += chunk.toString()));
  }

  /** What the container wrote to its standard error. */
  stderr(): string {
    return this.#stderr;
  }

  /** Resolves when the container has written `text` to its standard error; rejects if it exits first. */
  waitFor(text: string): Promise<void> {
    const child = this.#child;
    if (child === undefined) return Promise.reject(new Error("the container was not started"));
    return new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        child.stderr?.off("data", check);
        child.off("exit", exited);
        if (error === undefined) resolve();
        else reject(error);
      };
      const check = () => {
        if (this.#stderr.includes(text)) done();
      };
      const exited = (code: number | null) => done(new Error(`crun exited with ${code}: ${this.#stderr}`));
      const timer = setTimeout(() => done(new Error(`no "${text}" after ${WAIT_MS} ms: ${this.#stderr}`)), WAIT_MS);
      child.stderr?.on("data", check);
      child.on("exit", exited);
      check();
    });
  }

  /** The pid of the container's process, on the host (`crun state`). */
  async pid(): Promise<number> {
    const state = await run("crun", ["--root", this.#state, "state", this.#id], { cwd: "/" });
    expect(state.code, state.stderr).toBe(0);
    return (JSON.parse(state.stdout) as { pid: number }).pid;
  }

  /** Runs `args` in the running container (`crun exec`), as its user. */
  exec(args: readonly string[]): Promise<Outcome> {
    return run("crun", ["--root", this.#state, "exec", this.#id, ...args], { cwd: "/" });
  }

  /** Stops the container (SIGTERM, then waits for it to exit) and deletes it. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.on("exit", resolve));
      await run("crun", ["--root", this.#state, "kill", this.#id, "TERM"], { cwd: "/" });
      await exited;
    }
    await run("crun", ["--root", this.#state, "delete", "-f", this.#id], { cwd: "/" });
  }
}
