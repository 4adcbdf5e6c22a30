// Loopback UDP ports and the socat tunnels of the namespace harnesses (tcpip's and mirage-cli's).
import { type ChildProcess, spawn } from "node:child_process";
import dgram from "node:dgram";
import { WAIT_MS } from "./limits.js";

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

/** A socat relay between a tap it creates and a UDP peer on loopback. */
export interface SocatTunnel {
  readonly socat: ChildProcess;
  /** The port socat receives the peer's frames on. */
  readonly socatPort: number;
  /** The port socat sends the tap's frames to, for the peer to bind. */
  readonly peerPort: number;
}

/**
 * Starts socat relaying tap `tap` (which it creates) to a UDP peer on loopback, `udpOptions` added to its
 * UDP address, and resolves once socat holds its port. Another test may take a free port before socat
 * binds it: socat then exits, and the tunnel is tried again on other ports; any other exit fails with
 * socat's own words rather than a wait until the limit.
 */
export async function startSocatTunnel(tap: string, udpOptions = "", attempts = 3): Promise<SocatTunnel> {
  for (let attempt = 1; ; attempt++) {
    const socatPort = await freeUdpPort();
    const peerPort = await freeUdpPort();
    const socat = spawn(
      "socat",
      [
        "-b",
        "65536",
        `TUN,tun-type=tap,tun-name=${tap},iff-no-pi`,
        `UDP-DATAGRAM:127.0.0.1:${peerPort},bind=127.0.0.1:${socatPort}${udpOptions}`,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
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
 * Waits until socat holds its UDP `port` (true) or exits (false). socat opens its UDP side only once its
 * tap is set up, so the tap may then be moved to another namespace: moved earlier, socat's own setup of
 * the interface fails, socat exits, and the tap disappears.
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
