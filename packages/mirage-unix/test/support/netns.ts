/**
 * Network namespaces for integration tests: each test file makes its own uniquely named namespace,
 * tracks the processes it starts, and removes everything in afterAll (and in try/finally where a test
 * creates more). Traffic stays on loopback and inside the namespace.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { WAIT_MS } from "./limits.js";

/** Runs `ip` with `args`, returning its output. */
export function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8" });
}

/** A fresh namespace with loopback up and IPv6 off (no router solicitations in the captures). */
export function createNamespace(): string {
  const name = `mu-test-${process.pid}-${randomBytes(3).toString("hex")}`;
  ip("netns", "add", name);
  ip("-n", name, "link", "set", "lo", "up");
  execFileSync("ip", [
    "netns",
    "exec",
    name,
    "sysctl",
    "-qw",
    "net.ipv6.conf.all.disable_ipv6=1",
    "net.ipv6.conf.default.disable_ipv6=1",
  ]);
  return name;
}

/** Deletes a namespace (and the interfaces still in it); never throws. */
export function deleteNamespace(name: string): void {
  try {
    ip("netns", "del", name);
  } catch {
    // already gone
  }
}

/** A unique interface name of at most 15 bytes. */
export function interfaceName(tag: string): string {
  return `mu${tag}${(process.pid % 1000).toString(36)}${randomBytes(2).toString("hex")}`.slice(0, 15);
}

/** Whether interface `name` exists in the current namespace. */
export function linkExists(name: string): boolean {
  try {
    ip("link", "show", name);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` every 50 ms until it holds, or throws after `timeoutMs`. */
export async function waitUntil(what: string, check: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Moves interface `link` into namespace `ns`, gives the kernel side `address`, and sets it up. */
export function plugIntoNamespace(link: string, ns: string, address: string): void {
  ip("link", "set", link, "netns", ns);
  ip("-n", ns, "addr", "add", address, "dev", link);
  ip("-n", ns, "link", "set", link, "up");
}

/** Processes started by a test file, killed by pid (never by name) at cleanup. */
export class Processes {
  readonly #children = new Set<ChildProcess>();

  start(command: string, args: readonly string[]): ChildProcess {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    this.#children.add(child);
    child.once("exit", () => this.#children.delete(child));
    return child;
  }

  /** Kills every process still running and waits for them to exit. */
  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.#children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
  }
}
