// Loopback UDP ports for the socat tunnels of the namespace harnesses (tcpip's and mirage-cli's).
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

/**
 * Waits until socat holds its UDP `port`. socat opens its UDP side only once its tap is set up, so
 * the tap may then be moved to another namespace: moved earlier, socat's own setup of the interface
 * fails, socat exits, and the tap disappears.
 */
export async function waitForSocat(port: number, timeoutMs = WAIT_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await udpPortBound(port))) {
    if (Date.now() > end) throw new Error(`timed out waiting for socat on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
