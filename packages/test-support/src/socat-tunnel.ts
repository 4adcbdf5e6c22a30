// A tap whose frames socat relays to a UDP peer on loopback: how code that speaks the UDP frame
// tunnel (mirage-unix's `udp:` interface) reaches the kernel of a namespace.
import { type ChildProcess, spawn } from "node:child_process";
import dgram from "node:dgram";
import type { Namespace } from "./namespace.js";
import { WAIT_MS } from "./wait.js";

/**
 * A UDP port free on loopback now, for a process started later to bind. It is drawn below Linux's
 * ephemeral range (32768 and up), so the ports other tests' sockets get from the kernel meanwhile
 * can never take it.
 */
export async function freeUdpPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!(await udpPortBound(port))) return port;
  }
}

/** Whether something holds UDP `port` on loopback. */
async function udpPortBound(port: number): Promise<boolean> {
  const socket = dgram.createSocket("udp4");
  const bound = await new Promise<boolean>((resolve) => {
    socket.once("error", () => resolve(true));
    socket.bind(port, "127.0.0.1", () => resolve(false));
  });
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return bound;
}

/** A socat relay between a tap it made and a UDP peer on loopback; see {@link socatTunnel}. */
export interface SocatTunnel {
  readonly socat: ChildProcess;
  /** The port socat receives the peer's frames on. */
  readonly socatPort: number;
  /** The port socat sends the tap's frames to, for the peer to bind. */
  readonly peerPort: number;
}

/** Options of {@link socatTunnel}. */
export interface SocatTunnelOptions {
  /** The peer's port, when it is bound already (default: a free one, for the peer to bind). */
  readonly peerPort?: number;
  /** socat's own port, when the peer was told it already (default: a free one, tried again if taken). */
  readonly socatPort?: number;
  /** Options appended to socat's UDP address, e.g. `,rcvbuf=4194304`. */
  readonly udpOptions?: string;
  /** Ports tried when another test takes socat's port before it binds (default 3). */
  readonly attempts?: number;
}

/**
 * Starts socat, handed over to `ns` to be killed with it, making tap `tap` in the caller's namespace
 * and relaying it to a UDP peer on loopback; resolves once socat holds its port, when the tap may be
 * moved ({@link Namespace.adopt}). Another test may take a free port before socat binds it: socat
 * then exits, and the tunnel is tried again on other ports; any other exit fails with socat's words.
 */
export async function socatTunnel(ns: Namespace, tap: string, options: SocatTunnelOptions = {}): Promise<SocatTunnel> {
  const attempts = options.socatPort === undefined ? (options.attempts ?? 3) : 1;
  for (let attempt = 1; ; attempt++) {
    const socatPort = options.socatPort ?? (await freeUdpPort());
    const peerPort = options.peerPort ?? (await freeUdpPort());
    const socat = ns.track(
      spawn(
        "socat",
        [
          "-b",
          "65536",
          `TUN,tun-type=tap,tun-name=${tap},iff-no-pi`,
          `UDP-DATAGRAM:127.0.0.1:${peerPort},bind=127.0.0.1:${socatPort}${options.udpOptions ?? ""}`,
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      ),
    );
    let stderr = "";
    socat.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = await waitForSocat(socat, socatPort);
    if (!exited) return { socat, socatPort, peerPort };
    if (!/Address already in use/u.test(stderr) || attempt === attempts) {
      throw new Error(`socat exited with ${socat.exitCode} before binding UDP port ${socatPort}: ${stderr.trim()}`);
    }
  }
}

/**
 * Waits until socat holds its UDP `port` (false) or exits (true). socat opens its UDP side only once
 * its tap is set up, so the tap may then be moved to another namespace: moved earlier, socat's own
 * setup of the interface fails, socat exits, and the tap disappears.
 */
async function waitForSocat(socat: ChildProcess, port: number): Promise<boolean> {
  const end = Date.now() + WAIT_MS;
  while (!(await udpPortBound(port))) {
    if (socat.exitCode !== null || socat.signalCode !== null) return true;
    if (Date.now() > end) throw new Error(`timed out waiting for socat on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
