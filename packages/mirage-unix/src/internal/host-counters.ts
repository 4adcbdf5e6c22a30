/**
 * The kernel's drop counters that the network backends report: an interface's from a /proc/net/dev
 * table, a UDP socket's from /proc/net/udp or /proc/net/udp6 (see proc_net(5)).
 *
 * @packageDocumentation
 */

import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import { Ipv4Addr, Ipv6Addr } from "@mirage-ts/mirage-types";

/**
 * The drop counters of interface `name` in a /proc/net/dev table, as the kernel counts them: `rx`
 * frames it received from the interface and dropped, `tx` frames it was to send out of it and dropped.
 * `undefined` when the table has no such interface.
 */
export function netDevDrops(table: string, name: string): { rx: number; tx: number } | undefined {
  for (const line of table.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0 || line.slice(0, colon).trim() !== name) continue;
    // Receive: bytes packets errs drop fifo frame compressed multicast; then transmit: bytes packets errs drop…
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/u)
      .map(Number);
    const [rx, tx] = [fields[3], fields[11]];
    return Number.isSafeInteger(rx) && Number.isSafeInteger(tx) ? { rx: rx as number, tx: tx as number } : undefined;
  }
  return undefined;
}

/** An endpoint of a UDP socket. */
export interface UdpEndpoint {
  readonly address: string;
  readonly port: number;
}

/** `ADDRESS:PORT` as /proc/net/udp prints it: each 32-bit word of the address in host byte order, in hex. */
export function procEndpoint(endpoint: UdpEndpoint, littleEndian = endianness() === "LE"): string {
  const address = endpoint.address.split("%")[0] ?? ""; // a link-local address's zone is not printed
  const bytes = address.includes(":") ? Ipv6Addr.parse(address).toBytes() : Ipv4Addr.parse(address).toBytes();
  let hex = "";
  for (let word = 0; word < bytes.length; word += 4) {
    const quad = [...bytes.subarray(word, word + 4)];
    if (littleEndian) quad.reverse();
    hex += quad.map((byte) => byte.toString(16).padStart(2, "0")).join("");
  }
  return `${hex}:${endpoint.port.toString(16).padStart(4, "0")}`.toUpperCase();
}

/**
 * The `drops` column of the socket bound to `local` and connected to `remote` in a /proc/net/udp or
 * udp6 table (datagrams the kernel dropped for it, mostly because its receive buffer was full), or
 * `undefined` when the table has no such socket.
 */
export function udpSocketDrops(table: string, local: UdpEndpoint, remote: UdpEndpoint): number | undefined {
  const [ours, theirs] = [procEndpoint(local), procEndpoint(remote)];
  for (const line of table.split("\n")) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops
    const fields = line.trim().split(/\s+/u);
    if (fields[1] !== ours || fields[2] !== theirs) continue;
    const drops = Number(fields[12]);
    return Number.isSafeInteger(drops) ? drops : undefined;
  }
  return undefined;
}

/** Reads a /proc table, or `undefined` where there is none (not Linux, /proc not mounted). */
export function readProcTable(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
