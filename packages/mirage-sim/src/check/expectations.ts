/**
 * Assertions over a simulation's captures and logs, for tests (they throw an `Error` describing what
 * was looked for and what was there, so any test runner reports them): `expectPcap(host.pcap())`
 * with `toContain(filter)` / `notToContain(filter)`, and `expectLog(world.logs)` with
 * `toContain(pattern, { source })` / `notToContain(...)`.
 *
 * @packageDocumentation
 */

import type { SimLogLine } from "../sim-world.js";
import { type PcapPacket, type TcpFlags, pcapPackets } from "./pcap-packets.js";

/**
 * What a packet must match (every given field): `{ from: "10.0.0.1", tcp: { rst: true } }` is a TCP
 * reset sent by 10.0.0.1.
 *
 * @beta
 */
export interface PacketFilter {
  /** IPv4 source address. */
  readonly from?: string;
  /** IPv4 destination address. */
  readonly to?: string;
  /** TCP packets with these flags set (`false`: clear); `{}` any TCP packet. */
  readonly tcp?: Partial<TcpFlags>;
  /** UDP packets. */
  readonly udp?: boolean;
  /** Source port (TCP or UDP). */
  readonly srcPort?: number;
  /** Destination port (TCP or UDP). */
  readonly dstPort?: number;
  /** Packets carrying payload (TCP or UDP). */
  readonly withPayload?: boolean;
  /** A predicate of your own. */
  readonly where?: (packet: PcapPacket) => boolean;
}

/**
 * Assertions over one capture.
 *
 * @beta
 */
export interface PcapExpectation {
  /** The matching packets; throws when there are fewer than `atLeast` (default 1). */
  toContain(filter: PacketFilter, options?: { readonly atLeast?: number }): PcapPacket[];
  /** Throws when a packet matches, naming the first. */
  notToContain(filter: PacketFilter): void;
}

/**
 * Whether `packet` matches `filter`.
 *
 * @beta
 */
export function matchesPacket(packet: PcapPacket, filter: PacketFilter): boolean {
  const ports = packet.tcp ?? packet.udp;
  if (filter.from !== undefined && packet.ipv4?.src !== filter.from) return false;
  if (filter.to !== undefined && packet.ipv4?.dst !== filter.to) return false;
  if (filter.tcp !== undefined) {
    if (packet.tcp === undefined) return false;
    for (const [flag, set] of Object.entries(filter.tcp))
      if (packet.tcp.flags[flag as keyof TcpFlags] !== set) return false;
  }
  if (filter.udp === true && packet.udp === undefined) return false;
  if (filter.srcPort !== undefined && ports?.srcPort !== filter.srcPort) return false;
  if (filter.dstPort !== undefined && ports?.dstPort !== filter.dstPort) return false;
  if (filter.withPayload !== undefined && (ports?.payloadLength ?? 0) > 0 !== filter.withPayload) return false;
  return filter.where === undefined || filter.where(packet);
}

/**
 * Assertions over a libpcap capture (a host's `pcap()`).
 *
 * @beta
 */
export function expectPcap(pcap: Uint8Array): PcapExpectation {
  const packets = pcapPackets(pcap);
  return {
    toContain(filter, options = {}) {
      const found = packets.filter((p) => matchesPacket(p, filter));
      const atLeast = options.atLeast ?? 1;
      if (found.length < atLeast) {
        throw new Error(
          `expected at least ${atLeast} packet(s) matching ${describeFilter(filter)} in a capture of ` +
            `${packets.length}; found ${found.length}`,
        );
      }
      return found;
    },
    notToContain(filter) {
      const found = packets.find((p) => matchesPacket(p, filter));
      if (found !== undefined) {
        throw new Error(`expected no packet matching ${describeFilter(filter)}; packet ${describePacket(found)}`);
      }
    },
  };
}

/**
 * Assertions over a world's log.
 *
 * @beta
 */
export interface LogExpectation {
  /** The matching lines; throws when none matches. */
  toContain(pattern: RegExp | string, options?: { readonly source?: string }): SimLogLine[];
  /** Throws when a line matches, naming it. */
  notToContain(pattern: RegExp | string, options?: { readonly source?: string }): void;
}

/**
 * Assertions over `world.logs`: a string matches as a substring, a `RegExp` as itself; `source`
 * keeps the lines of one log source (or host, for console lines).
 *
 * @beta
 */
export function expectLog(logs: readonly SimLogLine[]): LogExpectation {
  const matching = (pattern: RegExp | string, source: string | undefined) =>
    logs.filter(
      (l) =>
        (source === undefined || l.source === source) &&
        (typeof pattern === "string" ? l.message.includes(pattern) : pattern.test(l.message)),
    );
  const where = (source: string | undefined) => (source === undefined ? "" : ` from ${source}`);
  return {
    toContain(pattern, options = {}) {
      const found = matching(pattern, options.source);
      if (found.length === 0) {
        const tail = logs
          .slice(-5)
          .map((l) => `\n  ${l.atMs} ${l.source}: ${l.message}`)
          .join("");
        throw new Error(`expected a log line matching ${String(pattern)}${where(options.source)}; last lines:${tail}`);
      }
      return found;
    },
    notToContain(pattern, options = {}) {
      const found = matching(pattern, options.source)[0];
      if (found !== undefined) {
        throw new Error(
          `expected no log line matching ${String(pattern)}${where(options.source)}; ` +
            `at ${found.atMs} ms ${found.source}: ${found.message}`,
        );
      }
    },
  };
}

function describeFilter(filter: PacketFilter): string {
  const { where, ...rest } = filter;
  return JSON.stringify(rest) + (where === undefined ? "" : " and the predicate");
}

function describePacket(p: PcapPacket): string {
  const l4 = p.tcp
    ? ` TCP ${p.tcp.srcPort} > ${p.tcp.dstPort} [${Object.entries(p.tcp.flags)
        .filter(([, v]) => v)
        .map(([k]) => k)
        .join(",")}] ${p.tcp.payloadLength} bytes`
    : p.udp
      ? ` UDP ${p.udp.srcPort} > ${p.udp.dstPort} ${p.udp.payloadLength} bytes`
      : "";
  const addresses = p.ipv4 ? `${p.ipv4.src} > ${p.ipv4.dst}` : "non-IPv4";
  return `#${p.index} at ${new Date(p.timeMs).toISOString()}: ${addresses}${l4}`;
}
