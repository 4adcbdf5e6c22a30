// A network namespace for running a built unikernel on the direct stack against the Linux kernel:
// the unikernel runs in the test's namespace and plugs into a tap (`--interface=tap:NAME`) or a
// socat UDP tunnel to one (`--interface=udp:LOCAL,REMOTE`); the tap is then moved into a fresh
// namespace where the kernel has 10.99.0.1/24 and the tools (nc, curl, dnsmasq) run. A unikernel on
// the host's sockets (`--net=socket`) instead runs in a second namespace at the far end of a veth
// pair, so the tools still reach it over a link. Everything is named uniquely, only the pids
// started here are killed, and the namespaces are always removed.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSocatTunnel } from "../../../tcpip/test/helpers/udp-ports.js";
import { COMMAND_MS, WAIT_MS } from "./limits.js";

/** The kernel's address in the namespace. */
export const KERNEL_IP = "10.99.0.1";

/** The kernel's IPv6 address on the tap, in a namespace made with `{ ipv6: true }`. */
export const KERNEL_IP6 = "fd00:99::1";

/** Options of a {@link Netns}. */
export interface NetnsOptions {
  /**
   * Keep IPv6 on (off by default, so that the kernel's ND and MLD chatter stays off IPv4 tests):
   * the tap then also gets {@link KERNEL_IP6}/64, without DAD.
   */
  readonly ipv6?: boolean;
}

/** Polls `condition` every 50 ms until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What a finished command printed. */
export interface Run {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** A unikernel process, its standard error collected. */
export interface Running {
  readonly child: ChildProcess;
  stderr(): string;
}

/** A namespace with a tap (or a veth) whose other end is a unikernel. */
export class Netns {
  readonly name = `mirage-cli-${process.pid}-${randomBytes(3).toString("hex")}`;
  readonly tap = `mc${randomBytes(4).toString("hex")}`;
  readonly #children: ChildProcess[] = [];
  readonly #leases = join(tmpdir(), `${this.name}.leases`);
  readonly #radvdConf = join(tmpdir(), `${this.name}.radvd.conf`);
  readonly #radvdPid = join(tmpdir(), `${this.name}.radvd.pid`);
  /** The namespace at the far end of {@link Netns.veth}'s link, once made. */
  #peer: string | undefined;

  readonly #ipv6: boolean;

  constructor(options: NetnsOptions = {}) {
    this.#ipv6 = options.ipv6 === true;
    execFileSync("ip", ["netns", "add", this.name]);
    execFileSync("ip", ["netns", "exec", this.name, "ip", "link", "set", "lo", "up"]);
    const disabled = this.#ipv6 ? 0 : 1;
    execFileSync("ip", [
      "netns",
      "exec",
      this.name,
      "sysctl",
      "-qw",
      `net.ipv6.conf.all.disable_ipv6=${disabled}`,
      `net.ipv6.conf.default.disable_ipv6=${disabled}`,
    ]);
  }

  /** Runs `command` in the namespace with `input` on its standard input. */
  exec(command: string, args: readonly string[], input = "", timeoutMs = COMMAND_MS): Promise<Run> {
    return this.#run(this.name, command, args, input, timeoutMs);
  }

  #run(netns: string, command: string, args: readonly string[], input: string, timeoutMs: number): Promise<Run> {
    return new Promise((resolve) => {
      const child = execFile(
        "ip",
        ["netns", "exec", netns, command, ...args],
        { encoding: "buffer", timeout: timeoutMs, maxBuffer: 64 << 20 },
        (error, stdout, stderr) => {
          resolve({
            code: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
            stdout,
            stderr: stderr.toString(),
          });
        },
      );
      this.#children.push(child);
      // A command that exits without reading its input (cat, curl) closes the pipe first: the EPIPE
      // that writing then raises says nothing about the command, whose exit status is the result.
      child.stdin?.on("error", () => undefined);
      child.stdin?.end(input);
    });
  }

  /** Starts `command` in the namespace, killed by {@link Netns.destroy}. */
  spawnInside(command: string, args: readonly string[]): ChildProcess {
    const child = spawn("ip", ["netns", "exec", this.name, command, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    this.#children.push(child);
    return child;
  }

  /** Starts a socat tunnel from the tap to a UDP port; resolves to the unikernel's `--interface`. */
  async udpTunnel(): Promise<string> {
    const { socat, socatPort, peerPort: unikernelPort } = await startSocatTunnel(this.tap);
    this.#children.push(socat);
    await this.adoptTap();
    return `udp:127.0.0.1:${unikernelPort},127.0.0.1:${socatPort}`;
  }

  /**
   * Links this namespace to a second one by a veth pair: this end is named {@link Netns.tap} (so
   * the tools and a SYN flood use it as they would the tap) and gets the kernel's address; the far
   * end gets `address`/24 and a default route back through it. Run the unikernel there with
   * {@link Netns.unikernel}'s `peer` option.
   */
  veth(address: string): void {
    const peer = `${this.name}-peer`;
    const end = `${this.tap}p`;
    execFileSync("ip", ["netns", "add", peer]);
    this.#peer = peer;
    const inPeer = (...args: string[]) => execFileSync("ip", ["netns", "exec", peer, ...args]);
    inPeer("ip", "link", "set", "lo", "up");
    inPeer("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
    execFileSync("ip", [
      "netns",
      "exec",
      this.name,
      "ip",
      "link",
      "add",
      this.tap,
      "type",
      "veth",
      "peer",
      "name",
      end,
      "netns",
      peer,
    ]);
    execFileSync("ip", ["netns", "exec", this.name, "ip", "addr", "add", `${KERNEL_IP}/24`, "dev", this.tap]);
    execFileSync("ip", ["netns", "exec", this.name, "ip", "link", "set", this.tap, "up"]);
    inPeer("ip", "addr", "add", `${address}/24`, "dev", end);
    inPeer("ip", "link", "set", end, "up");
    inPeer("ip", "route", "add", "default", "via", KERNEL_IP);
  }

  /** Runs `command` in {@link Netns.veth}'s far namespace. */
  execPeer(command: string, args: readonly string[]): Promise<Run> {
    return this.#run(this.#peerName(), command, args, "", COMMAND_MS);
  }

  #peerName(): string {
    if (this.#peer === undefined) throw new Error("no veth peer: call veth() first");
    return this.#peer;
  }

  /**
   * Runs the bundle `file` with `args` from `cwd`, in this process's namespace, or with `peer` in
   * {@link Netns.veth}'s far namespace.
   */
  unikernel(cwd: string, file: string, args: readonly string[], options: { readonly peer?: boolean } = {}): Running {
    const node = [file, ...args];
    // `ip netns exec` execs the command, so the pid killed by destroy() is node's own.
    const [program, argv] =
      options.peer === true
        ? ["ip", ["netns", "exec", this.#peerName(), process.execPath, ...node]]
        : [process.execPath, node];
    const child = spawn(program, argv, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    this.#children.push(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return { child, stderr: () => stderr };
  }

  /** Waits for the tap to appear here, moves it into the namespace and gives the kernel its address. */
  async adoptTap(): Promise<void> {
    await this.#waitForTap([]);
    execFileSync("ip", ["link", "set", this.tap, "netns", this.name]);
    this.#addressTap();
  }

  /**
   * Waits for the tap that a unikernel running inside the namespace (a container joining it) made
   * there, and gives the kernel its address.
   */
  async tapInside(): Promise<void> {
    await this.#waitForTap(["-n", this.name]);
    this.#addressTap();
  }

  /** Waits for the tap to show in `ip [where] link`. */
  #waitForTap(where: readonly string[]): Promise<void> {
    return waitFor(() => {
      try {
        execFileSync("ip", [...where, "link", "show", this.tap], { stdio: "ignore" });
        return true;
      } catch {
        return false;
      }
    }, `tap ${this.tap}`);
  }

  /** Gives the kernel its addresses on the tap, in the namespace, and brings the tap up. */
  #addressTap(): void {
    execFileSync("ip", ["netns", "exec", this.name, "ip", "addr", "add", `${KERNEL_IP}/24`, "dev", this.tap]);
    if (this.#ipv6) {
      execFileSync("ip", [
        "netns",
        "exec",
        this.name,
        "ip",
        "-6",
        "addr",
        "add",
        `${KERNEL_IP6}/64`,
        "dev",
        this.tap,
        "nodad",
      ]);
    }
    execFileSync("ip", ["netns", "exec", this.name, "ip", "link", "set", this.tap, "up"]);
  }

  /** Starts dnsmasq on the tap, leasing only `address`. */
  dnsmasq(address: string): void {
    this.spawnInside("dnsmasq", [
      "--no-daemon",
      "--conf-file=/dev/null",
      `--interface=${this.tap}`,
      "--bind-interfaces",
      "--port=0",
      `--dhcp-range=${address},${address},255.255.255.0,1h`,
      `--dhcp-leasefile=${this.#leases}`,
      "--pid-file=",
    ]);
  }

  /**
   * Starts radvd on the tap, advertising `prefix` (a /64, autonomous and on-link) every 3 to 4 s,
   * so that a unikernel forms a SLAAC address; needs a namespace made with `{ ipv6: true }`.
   */
  radvd(prefix: string): void {
    if (!this.#ipv6) throw new Error("radvd needs IPv6: make the namespace with new Netns({ ipv6: true })");
    // The router's kernel must not configure itself from its own advertisements: it would then speak from
    // an address of the prefix that no test expects.
    const tap = `net.ipv6.conf.${this.tap}`;
    execFileSync("ip", ["netns", "exec", this.name, "sysctl", "-qw", `${tap}.accept_ra=0`, `${tap}.autoconf=0`]);
    writeFileSync(
      this.#radvdConf,
      `interface ${this.tap} { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4; prefix ${prefix} { }; };\n`,
    );
    this.spawnInside("radvd", ["--nodaemon", "-C", this.#radvdConf, "-p", this.#radvdPid, "-m", "stderr"]);
  }

  /** Kills every process started here (by pid), then removes the namespace. */
  destroy(): void {
    for (const child of this.#children) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(child.pid, "SIGTERM");
        } catch {
          // Already gone.
        }
      }
    }
    for (const netns of [this.name, this.#peer]) {
      if (netns === undefined) continue;
      try {
        execFileSync("ip", ["netns", "del", netns], { stdio: "ignore" });
      } catch {
        // Already removed.
      }
    }
    for (const file of [this.#leases, this.#radvdConf, this.#radvdPid]) rmSync(file, { force: true });
  }
}
