// A network namespace made for a test: commands run in it, processes started in it (peer daemons,
// tools), links moved into it or made between two of them. Everything is named uniquely, only the
// processes started or handed over here are killed (by pid), and `remove()` (or, failing that, the
// process's exit) takes the namespace away with its links.
import { type ChildProcess, type StdioOptions, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { linkExists } from "./host-links.js";
import { type Leftover, forget, removeAtExit } from "./leftovers.js";
import { namespaceName } from "./link-names.js";
import { tellReaper } from "./reaper.js";
import { COMMAND_MS, waitFor } from "./wait.js";

/** Options of {@link Namespace.create}. */
export interface NamespaceOptions {
  /**
   * Keep IPv6 on. It is off by default, so that the kernel's router solicitations, ND and MLD stay
   * out of IPv4 tests and their captures.
   */
  readonly ipv6?: boolean;
}

/** What a command run to its end did. */
export interface Run {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Options of {@link Namespace.run}. */
export interface RunOptions {
  /** Written to the command's standard input, which is then closed (default: nothing). */
  readonly input?: string | Uint8Array;
  readonly timeoutMs?: number;
}

/** Options of {@link Namespace.spawn}. */
export interface SpawnOptions {
  /** Default `["ignore", "ignore", "pipe"]`: standard error to read, nothing else. */
  readonly stdio?: StdioOptions;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** How long a process gets to exit after SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 5_000;

const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** A network namespace of this test process; see the file's comment. */
export class Namespace implements Leftover {
  readonly name: string;
  readonly #children = new Set<ChildProcess>();
  readonly #peers: Namespace[] = [];
  #dir: string | undefined;
  #removed = false;

  private constructor(name: string) {
    this.name = name;
  }

  /**
   * Makes a namespace named after `label` (and this process, and random hex) with loopback up and,
   * unless `options.ipv6`, IPv6 off.
   */
  static create(label: string, options: NamespaceOptions = {}): Namespace {
    const ns = new Namespace(namespaceName(label));
    execFileSync("ip", ["netns", "add", ns.name], { stdio: ["ignore", "ignore", "pipe"] });
    removeAtExit(ns);
    tellReaper("+", "ns", ns.name);
    ns.ip("link", "set", "lo", "up");
    const off = options.ipv6 === true ? 0 : 1;
    ns.sysctl(`net.ipv6.conf.all.disable_ipv6=${off}`, `net.ipv6.conf.default.disable_ipv6=${off}`);
    return ns;
  }

  /**
   * Makes a second namespace (see {@link Namespace.create}) removed with this one: the far end of a
   * link from here, where a host of its own runs.
   */
  peer(options: NamespaceOptions = {}): Namespace {
    const peer = Namespace.create(`${this.name}-peer`, options);
    this.#peers.push(peer);
    return peer;
  }

  /** `ip -n NAME ...args`: its standard output; throws with its standard error if it fails. */
  ip(...args: string[]): string {
    return execFileSync("ip", ["-n", this.name, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }

  /** Sets kernel parameters in the namespace (`sysctl -w`), e.g. `net.ipv6.conf.all.forwarding=1`. */
  sysctl(...settings: string[]): void {
    this.exec("sysctl", ["-qw", ...settings]);
  }

  /** Runs `command` in the namespace and returns its standard output; throws if it fails. */
  exec(command: string, args: readonly string[], timeoutMs = COMMAND_MS): string {
    return execFileSync("ip", ["netns", "exec", this.name, command, ...args], {
      encoding: "utf8",
      timeout: timeoutMs,
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  /** Runs `command` in the namespace to its end; never rejects: the exit code says how it went. */
  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<Run> {
    return new Promise((resolve) => {
      const child = execFile(
        "ip",
        ["netns", "exec", this.name, command, ...args],
        { encoding: "buffer", timeout: options.timeoutMs ?? COMMAND_MS, maxBuffer: 64 << 20 },
        (error, stdout, stderr) => {
          this.#children.delete(child);
          const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
          resolve({ code, stdout, stderr: stderr.toString() });
        },
      );
      this.#children.add(child);
      // A command that exits without reading its input (cat, curl) closes the pipe first: the EPIPE
      // that writing then raises says nothing about the command, whose exit status is the result.
      child.stdin?.on("error", () => undefined);
      child.stdin?.end(options.input ?? "");
    });
  }

  /**
   * Starts `command` in the namespace (a peer daemon, a tool left running), killed by
   * {@link Namespace.remove}. `ip netns exec` execs the command, so the pid is the command's own.
   */
  spawn(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn("ip", ["netns", "exec", this.name, command, ...args], {
      stdio: options.stdio ?? ["ignore", "ignore", "pipe"],
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    return this.track(child);
  }

  /**
   * Hands over a process started elsewhere (the code under test holding a tap, socat making one) to
   * be killed with the namespace.
   */
  track<T extends ChildProcess>(child: T): T {
    this.#children.add(child);
    if (child.pid !== undefined) tellReaper("+", "pid", child.pid);
    child.once("exit", () => {
      this.#children.delete(child);
      if (child.pid !== undefined) tellReaper("-", "pid", child.pid);
    });
    return child;
  }

  /** A directory of this namespace's own (configuration and lease files), removed with it. */
  get dir(): string {
    this.#dir ??= mkdtempSync(join(tmpdir(), `${this.name}-`));
    return this.#dir;
  }

  /** Whether interface `link` is in the namespace. */
  hasLink(link: string): boolean {
    try {
      this.ip("link", "show", "dev", link);
      return true;
    } catch {
      return false;
    }
  }

  /** Waits for interface `link` to appear in the namespace (made there by a process inside). */
  waitForLink(link: string): Promise<void> {
    return waitFor(`${link} in namespace ${this.name}`, () => this.hasLink(link));
  }

  /**
   * Waits for interface `link` to appear in the caller's own namespace (a tap made by the code under
   * test or by socat), moves it here and {@link Namespace.configure}s it.
   */
  async adopt(link: string, addresses: readonly string[]): Promise<void> {
    await waitFor(`${link} to appear`, () => linkExists(link));
    execFileSync("ip", ["link", "set", "dev", link, "netns", this.name]);
    this.configure(link, addresses);
  }

  /** Gives interface `link` its `addresses` (CIDR; IPv6 ones without DAD) and sets it up. */
  configure(link: string, addresses: readonly string[]): void {
    for (const cidr of addresses) {
      const v6 = cidr.includes(":");
      this.ip(...(v6 ? ["-6"] : []), "addr", "add", cidr, "dev", link, ...(v6 ? ["nodad"] : []));
    }
    this.ip("link", "set", "dev", link, "up");
  }

  /**
   * Links this namespace to `peer` with a veth pair: `link` here, `peerLink` there, neither configured
   * (see {@link Namespace.configure}). Removing either namespace removes the pair.
   */
  veth(link: string, peer: Namespace, peerLink: string): void {
    this.ip("link", "add", link, "type", "veth", "peer", "name", peerLink, "netns", peer.name);
  }

  /**
   * Kills the processes started or handed over here (SIGTERM, then SIGKILL after a grace period) and
   * whatever they left running in the namespace, then removes the namespace, its links and its
   * directory. Never throws; a second call does nothing.
   */
  async remove(): Promise<void> {
    if (this.#removed) return;
    for (const peer of this.#peers) await peer.remove();
    const children = [...this.#children].filter(running);
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => child.pid !== undefined && kill(child.pid, "SIGKILL"), TERM_GRACE_MS);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            if (child.pid === undefined || !running(child)) resolve();
            else kill(child.pid, "SIGTERM");
          }),
      ),
    );
    this.removeNow();
  }

  /** {@link Namespace.remove} at once: SIGKILL, no waiting. For the process's `exit`. */
  removeNow(): void {
    if (this.#removed) return;
    this.#removed = true;
    forget(this);
    for (const peer of this.#peers) peer.removeNow();
    for (const child of this.#children) if (running(child) && child.pid !== undefined) kill(child.pid, "SIGKILL");
    this.#children.clear();
    // Processes started inside by those (a shell's children) are this test's too: none may survive.
    try {
      const pids = execFileSync("ip", ["netns", "pids", this.name], { encoding: "utf8", stdio: "pipe" });
      for (const pid of pids.split("\n").filter((p) => p !== "")) kill(Number(pid), "SIGKILL");
    } catch {
      // No such namespace (never made, or removed outside).
    }
    try {
      execFileSync("ip", ["netns", "del", this.name], { stdio: "ignore" });
    } catch {
      // Already removed.
    }
    tellReaper("-", "ns", this.name);
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
  }
}
