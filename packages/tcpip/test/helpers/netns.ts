// Linux interop harness: a network namespace made for one test file, a tap in it whose other end is
// the stack under test (through a socat UDP tunnel or a tap fd), and the driver process running the
// stack. Everything is named uniquely, only the pids started here are killed, and the namespace is
// always removed.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type Missing, missingNamespaces, missingTapAddon } from "@mirage-ts/test-support";
import { COMMAND_MS, WAIT_MS } from "./limits.js";
import { startSocatTunnel } from "./udp-ports.js";

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

async function waitFor(condition: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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
  readonly name = `mirage-tcpip-${process.pid}-${randomBytes(3).toString("hex")}`;
  readonly tap = `mt${randomBytes(4).toString("hex")}`;
  readonly #children: ChildProcess[] = [];
  driver: Driver | undefined;

  /** Runs `command` inside the namespace and returns its stdout. */
  exec(command: string, args: readonly string[], timeoutMs = COMMAND_MS): string {
    return execFileSync("ip", ["netns", "exec", this.name, command, ...args], {
      encoding: "utf8",
      timeout: timeoutMs,
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  /** Starts a process inside the namespace, tracked for cleanup. */
  spawn(command: string, args: readonly string[]): ChildProcess {
    const child = spawn("ip", ["netns", "exec", this.name, command, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    this.#children.push(child);
    return child;
  }

  /** Creates the namespace, the tap over `backend`, and the driver with `config`. */
  async start(backend: Backend, config: DriverConfig): Promise<Driver> {
    execFileSync("ip", ["netns", "add", this.name]);
    this.exec("ip", ["link", "set", "lo", "up"]);
    if (config.ipv6 === undefined) {
      this.exec("sysctl", ["-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
    }
    const driverScript = join(FIXTURES, "stack-driver.mjs");
    let driverProcess: ChildProcess;
    if (backend === "socat") {
      const { socat, socatPort, peerPort: nodePort } = await startSocatTunnel(this.tap, ",rcvbuf=4194304");
      this.#children.push(socat);
      driverProcess = spawn(process.execPath, ["--expose-gc", driverScript], {
        env: { ...process.env, DRIVER: JSON.stringify({ backend, socatPort, nodePort, ...config }) },
        stdio: ["pipe", "pipe", "pipe"],
      });
    } else {
      const offload = backend === "tap-plain" ? { MIRAGE_TAP_OFFLOAD: "0" } : {};
      driverProcess = spawn(process.execPath, ["--expose-gc", driverScript], {
        env: { ...process.env, ...offload, DRIVER: JSON.stringify({ backend: "tap", tap: this.tap, ...config }) },
        stdio: ["pipe", "pipe", "pipe"],
      });
    }
    this.#children.push(driverProcess);
    const driver = new Driver(driverProcess);
    this.driver = driver;
    // The tap appears in this namespace; its owner keeps the fd while the device moves to the test's.
    await waitFor(() => {
      try {
        execFileSync("ip", ["link", "show", this.tap], { stdio: "ignore" });
        return true;
      } catch {
        return false;
      }
    }, `tap ${this.tap}`);
    execFileSync("ip", ["link", "set", this.tap, "netns", this.name]);
    this.exec("ip", ["addr", "add", "10.99.0.1/24", "dev", this.tap]);
    if (config.ipv6 !== undefined) this.exec("ip", ["-6", "addr", "add", IPV6_KERNEL, "dev", this.tap, "nodad"]);
    this.exec("ip", ["link", "set", this.tap, "up"]);
    await driver.next("ready");
    return driver;
  }

  /** Stops the driver and every process started here (by pid), then removes the namespace. */
  async destroy(): Promise<void> {
    try {
      await this.driver?.stop();
    } catch {
      // Killed below.
    }
    for (const child of this.#children) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(child.pid, "SIGTERM");
        } catch {
          // Already gone.
        }
      }
    }
    try {
      execFileSync("ip", ["netns", "del", this.name], { stdio: "ignore" });
    } catch {
      // Never created, or already removed.
    }
  }
}
