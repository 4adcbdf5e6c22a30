/**
 * The kernel's view of this network namespace's IPv4 TCP sockets (`/proc/net/tcp`): what a test of a
 * reset or of bounded buffers measures, since a socket Node has let go of may still hold its send
 * queue in the kernel (a close waits there for the peer to read; a reset drops it at once).
 */
import { readFileSync } from "node:fs";

/** One socket of `/proc/net/tcp`. */
export interface KernelTcpSocket {
  readonly localPort: number;
  readonly remotePort: number;
  /** The kernel's state name (`ESTABLISHED`, `FIN_WAIT1`...). */
  readonly state: string;
  /** Bytes in the send queue (written by the application, not yet acknowledged by the peer). */
  readonly sendQueue: number;
}

const STATES = [
  "",
  "ESTABLISHED",
  "SYN_SENT",
  "SYN_RECV",
  "FIN_WAIT1",
  "FIN_WAIT2",
  "TIME_WAIT",
  "CLOSE",
  "CLOSE_WAIT",
  "LAST_ACK",
  "LISTEN",
  "CLOSING",
];

/** The IPv4 TCP sockets with `localPort`, as the kernel has them now (Linux). */
export function kernelTcpSockets(localPort: number): KernelTcpSocket[] {
  const sockets: KernelTcpSocket[] = [];
  for (const line of readFileSync("/proc/net/tcp", "latin1").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local, remote, state, queues] = [fields[1], fields[2], fields[3], fields[4]];
    if (local === undefined || remote === undefined || state === undefined || queues === undefined) continue;
    const port = Number.parseInt(local.split(":")[1] ?? "", 16);
    if (port !== localPort) continue;
    sockets.push({
      localPort: port,
      remotePort: Number.parseInt(remote.split(":")[1] ?? "", 16),
      state: STATES[Number.parseInt(state, 16)] ?? state,
      sendQueue: Number.parseInt(queues.split(":")[0] ?? "", 16),
    });
  }
  return sockets;
}
