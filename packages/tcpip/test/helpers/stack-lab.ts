// The stack under test against the Linux kernel: a driver process runs it (JSON commands in, JSON
// events out) on a tap, or on a socat UDP tunnel to one, whose other end is in a namespace of
// test-support's harness where the kernel has 10.99.0.1/24.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  type Missing,
  Namespace,
  interfaceName,
  missingNamespaces,
  missingTapAddon,
  socatTunnel,
} from "@mirage-ts/test-support";
import { COMMAND_MS } from "./limits.js";

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(here, "..", "fixtures");
const PACKAGE = join(here, "..", "..");

/** `tap-plain` is the tap with its virtio-net offloads turned off (`MIRAGE_TAP_OFFLOAD=0`). */
export type Backend = "socat" | "tap" | "tap-plain";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Why the interop tests cannot run here, or `undefined` when they can. `tools` are the extra programs
 * the file needs.
 */
export function interopUnavailable(tools: readonly string[]): Missing {
  const host = missingNamespaces("ping", "/usr/bin/python3", ...tools);
  if (host !== undefined) return host;
  if (!existsSync(join(PACKAGE, "..", "mirage-unix", "dist", "index.js"))) {
    return "mirage-unix (the NETWORK backends) is not built: run `pnpm exec tsc -b packages/mirage-unix` first";
  }
  const dist = join(PACKAGE, "dist", "tsconfig.tsbuildinfo");
  if (!existsSync(dist)) return "the package is not built: run `pnpm exec tsc -b packages/tcpip` first";
  if (newestMtime(join(PACKAGE, "src")) > statSync(dist).mtimeMs) {
    return "the package's dist/ is older than src/: run `pnpm exec tsc -b packages/tcpip` first";
  }
  return undefined;
}

/** What `backend` needs beyond the namespace: the native addon for the tap. */
export function missingBackend(backend: Backend): Missing {
  return backend === "socat" ? undefined : missingTapAddon();
}

export interface DriverEvent {
  readonly event: string;
  readonly [key: string]: unknown;
}

/** The driver process: JSON commands in, JSON events out. */
export class Driver {
  readonly #child: ChildProcess;
  readonly #events: DriverEvent[] = [];
  readonly #waiters: Array<() => void> = [];
  readonly stderr: string[] = [];

  constructor(child: ChildProcess) {
    this.#child = child;
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        this.#events.push(JSON.parse(line) as DriverEvent);
      } catch {
        this.stderr.push(line);
      }
      for (const waiter of this.#waiters.splice(0)) waiter();
    });
    child.stderr!.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString()));
  }

  /** The next event named `name` (consumed), waiting up to `timeoutMs`. */
  async next(name: string, timeoutMs = COMMAND_MS): Promise<DriverEvent> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#events.findIndex((e) => e.event === name);
      if (index >= 0) return this.#events.splice(index, 1)[0]!;
      if (this.#child.exitCode !== null)
        throw new Error(`driver exited (${this.#child.exitCode}): ${this.stderr.join("")}`);
      const left = end - Date.now();
      if (left <= 0)
        throw new Error(`no "${name}" event from the driver in ${timeoutMs} ms; stderr: ${this.stderr.join("")}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async command(cmd: Record<string, unknown>, reply: string, timeoutMs?: number): Promise<DriverEvent> {
    this.#child.stdin!.write(`${JSON.stringify(cmd)}\n`);
    return this.next(reply, timeoutMs);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once("exit", resolve));
    this.#child.stdin!.write(`${JSON.stringify({ cmd: "quit" })}\n`);
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  }
}

export interface DriverConfig {
  readonly cidr?: string;
  readonly gateway?: string;
  readonly pcap?: string;
  /** Run a DirectStack (with TCP) instead of the bare Ipv4Stack. */
  readonly direct?: boolean;
  /**
   * Run the DirectStack dual-stack with this static IPv6 prefix (`""` for link-local and SLAAC
   * only); the namespace then keeps IPv6 on and the tap gets 2001:db8:99::1/64.
   */
  readonly ipv6?: string;
  /** With `ipv6`, DAD probes per address (1 s apart; default 1). */
  readonly dadTransmits?: number;
}

/** The kernel's IPv6 address on the tap of a lab whose driver runs IPv6. */
export const IPV6_KERNEL = "2001:db8:99::1/64";

/** A namespace with a tap at 10.99.0.1/24 whose other end is a driver process running the stack. */
export class Lab {
  readonly ns: Namespace;
  readonly tap: string;
  readonly driver: Driver;

  private constructor(ns: Namespace, tap: string, driver: Driver) {
    this.ns = ns;
    this.tap = tap;
    this.driver = driver;
  }

  /** Makes the namespace and the tap over `backend`, and starts the driver with `config`. */
  static async start(backend: Backend, config: DriverConfig): Promise<Lab> {
    const ns = Namespace.create("mirage-tcpip", { ipv6: config.ipv6 !== undefined });
    const tap = interfaceName("mt");
    try {
      const driverScript = join(FIXTURES, "stack-driver.mjs");
      const addresses = ["10.99.0.1/24", ...(config.ipv6 === undefined ? [] : [IPV6_KERNEL])];
      let env: NodeJS.ProcessEnv;
      if (backend === "socat") {
        const { socatPort, peerPort: nodePort } = await socatTunnel(ns, tap, { udpOptions: ",rcvbuf=4194304" });
        env = { ...process.env, DRIVER: JSON.stringify({ backend, socatPort, nodePort, ...config }) };
      } else {
        const offload = backend === "tap-plain" ? { MIRAGE_TAP_OFFLOAD: "0" } : {};
        env = { ...process.env, ...offload, DRIVER: JSON.stringify({ backend: "tap", tap, ...config }) };
      }
      const child = spawn(process.execPath, ["--expose-gc", driverScript], { env, stdio: ["pipe", "pipe", "pipe"] });
      const driver = new Driver(ns.track(child));
      // The tap appears in this namespace; its owner keeps the fd while the device moves to the lab's.
      await ns.adopt(tap, addresses);
      await driver.next("ready");
      return new Lab(ns, tap, driver);
    } catch (error) {
      await ns.remove();
      throw error;
    }
  }

  /** Stops the driver (letting the stack say goodbye), then removes the namespace and its processes. */
  async remove(): Promise<void> {
    try {
      await this.driver.stop();
    } finally {
      await this.ns.remove();
    }
  }
}
