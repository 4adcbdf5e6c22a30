/**
 * The authoritative server on a mirage `Stack` (Mirage's `Dns_server_mirage.primary`): UDP and TCP
 * on one port (RFC 7766: pipelined queries, answers in order, idle connections closed), and NOTIFY to
 * the secondaries at start, retried until they answer (RFC 1996 §3.6).
 *
 * @packageDocumentation
 */

import { logSource } from "@mirage-ts/mirage-runtime";
import type { Device, Ipaddr, Random, Stack, TcpFlow } from "@mirage-ts/mirage-types";
import type { Clock } from "../clock.js";
import { Opcode, RrClass, RrType } from "../wire/constants.js";
import { type Message, encodeMessage } from "../wire/message.js";
import { LengthPrefixedReader, frame } from "../wire/tcp-framing.js";
import type { DnsServer } from "./server.js";

/** @beta A secondary to notify. */
export interface NotifyTarget {
  readonly address: Ipaddr;
  readonly port: number;
}

/** @beta Options of {@link DnsServerDevice.listen}. */
export interface DnsServerDeviceOptions {
  /** Port for UDP and TCP; 53 by default. */
  readonly port?: number;
  /** Secondaries sent a NOTIFY for every zone at start. */
  readonly notify?: readonly NotifyTarget[];
  /** Idle time after which a TCP connection is closed, in milliseconds; 10 s by default (RFC 7766 §6.2.3). */
  readonly tcpIdleMs?: number;
  /** Bytes a TCP client may leave unanswered before it is dropped; 64 KiB plus a frame by default. */
  readonly tcpMaxBuffered?: number;
  /** Open TCP connections at most; a connection over it is closed at once (256 by default). */
  readonly tcpMaxConnections?: number;
}

/** Delays between NOTIFY attempts, in seconds (ocaml-dns: 1, 1, 1, 4, 13). */
const notifyBackoff = [1, 1, 1, 4, 13];

const log = () => logSource("dns.server", "The authoritative DNS server: NOTIFY to secondaries");

function targetName(target: NotifyTarget): string {
  const address = target.address.toString();
  return target.address.version === 6 ? `[${address}]:${target.port}` : `${address}:${target.port}`;
}

/**
 * The server listening on a stack.
 *
 * @beta
 */
export class DnsServerDevice implements Device {
  private readonly pendingNotifies = new Map<number, { target: NotifyTarget; cancel: () => void }>();
  private readonly flows = new Set<TcpFlow<Ipaddr>>();
  private readonly counts = {
    notifiesSent: 0,
    notifiesAcknowledged: 0,
    notifiesAbandoned: 0,
    tcpConnections: 0,
    tcpRefused: 0,
  };
  private readonly port: number;

  private constructor(
    private readonly stack: Stack,
    readonly server: DnsServer,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly options: DnsServerDeviceOptions,
  ) {
    this.port = options.port ?? 53;
  }

  /** Starts serving `server` on `stack` and notifies the secondaries. */
  static listen(
    stack: Stack,
    server: DnsServer,
    clock: Clock,
    random: Random,
    options: DnsServerDeviceOptions = {},
  ): DnsServerDevice {
    const device = new DnsServerDevice(stack, server, clock, random, options);
    stack.udp().listen(device.port, (src, _dst, srcPort, payload) => device.onDatagram(src, srcPort, payload));
    stack.tcp().listen(device.port, (flow) => device.onFlow(flow));
    server.onResponse = (message, from) => device.onNotifyAnswer(message, from);
    for (const target of options.notify ?? []) for (const zone of server.zones) device.notify(target, zone.origin);
    return device;
  }

  private async onDatagram(src: Ipaddr, srcPort: number, payload: Uint8Array): Promise<void> {
    const replies = await this.server.handle(payload, { transport: "udp", address: src });
    for (const reply of replies) await this.stack.udp().write(src, srcPort, reply, { srcPort: this.port });
  }

  private async onFlow(flow: TcpFlow<Ipaddr>): Promise<void> {
    if (this.flows.size >= (this.options.tcpMaxConnections ?? 256)) {
      this.counts.tcpRefused++;
      await flow.close();
      return;
    }
    this.counts.tcpConnections++;
    this.flows.add(flow);
    const reader = new LengthPrefixedReader();
    const idleMs = this.options.tcpIdleMs ?? 10_000;
    const maxBuffered = this.options.tcpMaxBuffered ?? 65_537;
    let idle = this.clock.setTimer(idleMs, () => void flow.close());
    try {
      for (;;) {
        const read = await flow.read();
        if (!read.ok || read.value.kind === "eof") break;
        idle.cancel();
        for (const message of reader.push(read.value.data)) {
          const replies = await this.server.handle(message, { transport: "tcp", address: flow.dst().addr });
          if (replies.length > 0 && !(await flow.writev(replies.map(frame))).ok) return;
        }
        if (reader.buffered > maxBuffered) break;
        idle = this.clock.setTimer(idleMs, () => void flow.close());
      }
    } finally {
      idle.cancel();
      this.flows.delete(flow);
      await flow.close();
    }
  }

  /** Sends a NOTIFY for `zone` to `target`, again after each backoff step until it is answered. */
  private notify(target: NotifyTarget, zone: string, attempt = 0): void {
    const id = this.randomId();
    const soa = this.server.zones.find((z) => z.origin === zone)?.soa;
    const message: Message = {
      id,
      flags: { qr: false, opcode: Opcode.NOTIFY, aa: true, tc: false, rd: false, ra: false, ad: false, cd: false },
      rcode: 0,
      questions: [{ name: zone, type: RrType.SOA, qclass: RrClass.IN }],
      answers: soa === undefined ? [] : [soa],
      authorities: [],
      additionals: [],
    };
    this.counts.notifiesSent++;
    void this.stack.udp().write(target.address, target.port, encodeMessage(message), { srcPort: this.port });
    const delay = notifyBackoff[attempt];
    const timer =
      delay === undefined
        ? undefined
        : this.clock.setTimer(delay * 1000, () => {
            this.pendingNotifies.delete(id);
            this.notify(target, zone, attempt + 1);
          });
    if (timer === undefined) {
      this.counts.notifiesAbandoned++;
      // A secondary that never answers keeps the old zone until its refresh: the operator must hear of it.
      log().warn(
        `NOTIFY for ${zone} to ${targetName(target)} unanswered after ${attempt + 1} attempts; ` +
          "check that the secondary listens there and accepts NOTIFY from this address",
      );
      return;
    }
    if (attempt === 0) log().info(`NOTIFY for ${zone} sent to ${targetName(target)}`);
    this.pendingNotifies.set(id, { target, cancel: () => timer.cancel() });
  }

  private onNotifyAnswer(message: Message, from: Ipaddr): void {
    const pending = this.pendingNotifies.get(message.id);
    if (pending === undefined || message.flags.opcode !== Opcode.NOTIFY || !pending.target.address.equals(from)) return;
    pending.cancel();
    this.pendingNotifies.delete(message.id);
    this.counts.notifiesAcknowledged++;
    log().info(`NOTIFY for ${message.questions[0]?.name ?? "?"} acknowledged by ${targetName(pending.target)}`);
  }

  private randomId(): number {
    const bytes = this.random.generate(2);
    return ((bytes[0] as number) << 8) | (bytes[1] as number);
  }

  /** NOTIFY and TCP counters, with the server's own. */
  stats(): ReturnType<DnsServer["stats"]> & {
    notifiesSent: number;
    notifiesAcknowledged: number;
    notifiesAbandoned: number;
    notifiesPending: number;
    tcpConnections: number;
    tcpRefused: number;
  } {
    return { ...this.server.stats(), ...this.counts, notifiesPending: this.pendingNotifies.size };
  }

  /** Stops listening, cancels NOTIFY retries and closes open TCP connections. */
  async disconnect(): Promise<void> {
    this.stack.udp().unlisten(this.port);
    this.stack.tcp().unlisten(this.port);
    for (const { cancel } of this.pendingNotifies.values()) cancel();
    this.pendingNotifies.clear();
    await Promise.all([...this.flows].map((flow) => flow.close()));
  }
}
