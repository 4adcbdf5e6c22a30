/**
 * `Icmpv4Layer`: ICMP over an IPv4 layer. It answers echo requests sent to our address (not those to
 * broadcast, as Linux's `icmp_echo_ignore_broadcasts`), ignores malformed messages, sends
 * destination-unreachable errors under the rules of RFC 1122 §3.2.2 (never about an ICMP error, a
 * broadcast, a non-first fragment or a non-unicast source) through Linux's two rate limits (one per
 * destination, then one for the host), so that it cannot be made a reflector, and offers a ping
 * client whose outstanding requests are bounded. Received destination-unreachable, time-exceeded and
 * parameter-problem errors quoting a datagram we sent go to the error handler (the stack's, which
 * hands those about TCP segments to TCP: RFC 1122 §4.2.3.9).
 *
 * @packageDocumentation
 */

import {
  type IcmpError,
  type IcmpWriteOptions,
  type Icmpv4,
  type Ipv4,
  type Ipv4Addr,
  type Result,
  err,
} from "@mirage-ts/mirage-types";
import { checkInteger } from "../internal/checks.js";
import { icmpLog as log } from "../internal/logs.js";
import { TokenBucket } from "../internal/token-bucket.js";
import { IpProtocol, decodeIpv4Packet } from "../ipv4/ipv4-packet.js";
import type { Clock } from "../time/clock.js";
import { type IcmpErrorReport, icmpv4ErrorReport } from "./icmp-error.js";
import {
  type Icmpv4Message,
  Icmpv4Type,
  decodeIcmpv4Message,
  encodeEchoRequest,
  encodeIcmpv4Message,
} from "./icmpv4-message.js";
import { KeyedTokenBuckets } from "./keyed-token-buckets.js";
import { type PingError, type PingOptions, type PingReply, PingTable } from "./ping-table.js";

/**
 * Receives the ICMP errors an {@link Icmpv4Layer} hears about datagrams we sent.
 *
 * @public
 */
export type Icmpv4ErrorHandler = (report: IcmpErrorReport<Ipv4Addr>) => void;

/**
 * Options of an {@link Icmpv4Layer}.
 *
 * @public
 */
export interface Icmpv4LayerOptions {
  /** The clock for ping timeouts and the error rate limits. */
  readonly clock: Clock;
  /** Error messages sent per second on average, to all destinations (Linux's `icmp_msgs_per_sec`; default 1000). */
  readonly errorsPerSecond?: number;
  /** Error messages sent in a burst, to all destinations (Linux's `icmp_msgs_burst`; default 50). */
  readonly errorBurst?: number;
  /**
   * Average time between two error messages to the same destination, in ms (Linux's `icmp_ratelimit`;
   * default 1000), with bursts of up to 6 as Linux allows; 0 for no limit per destination.
   */
  readonly errorIntervalMs?: number;
  /** Pings waiting for a reply at once; more fail at once (default 64). */
  readonly maxPings?: number;
}

/**
 * Counters of an {@link Icmpv4Layer}.
 *
 * @public
 */
export interface Icmpv4Stats {
  /** Messages received. */
  rxMessages: number;
  /** Messages too short or with a bad checksum, ignored. */
  rxMalformed: number;
  /** Echo requests received. */
  echoRequests: number;
  /** Echo replies sent. */
  echoRepliesSent: number;
  /** Echo requests to a broadcast or multicast address, ignored. */
  echoIgnored: number;
  /** Error messages received (destination unreachable, time exceeded, others). */
  rxErrors: number;
  /** Of which handed to the error handler (they quote a datagram from one of our addresses). */
  rxErrorsDelivered: number;
  /** Error messages sent (destination unreachable). */
  errorsSent: number;
  /** Errors not sent because of the host-wide rate limit (`errorsPerSecond`, `errorBurst`). */
  errorsRateLimited: number;
  /** Errors not sent because of the rate limit per destination (`errorIntervalMs`). */
  errorsDestinationRateLimited: number;
  /** Errors not sent because RFC 1122 forbids them for the datagram. */
  errorsSuppressed: number;
  /** Pings waiting for a reply now (bounded by `maxPings`). */
  pingsOutstanding: number;
}

const ECHO_ID = 0x6d74;
const DEFAULT_PING_DATA = new Uint8Array(56);
// RFC 1812 §4.3.2.3: quote as much of the datagram as fits in a 576-byte error.
const MAX_QUOTE = 576 - 20 - 8;
const ICMP_QUERY_TYPES = new Set([0, 8, 13, 14, 15, 16, 17, 18]);
// Linux's XRLIM_BURST_FACTOR: errors one destination may get at once.
const DESTINATION_BURST = 6;
// Destinations whose rate limit is remembered: spoofed sources cannot make the table grow past this.
const MAX_DESTINATIONS = 1024;

/**
 * An ICMPv4 layer.
 *
 * @public
 */
export class Icmpv4Layer implements Icmpv4 {
  readonly #ip: Ipv4;
  readonly #errors: TokenBucket;
  readonly #errorsTo: KeyedTokenBuckets<number> | undefined;
  readonly #pings: PingTable;
  #seq = 0;
  #disconnected = false;
  #onError: Icmpv4ErrorHandler | undefined;
  readonly #stats = {
    rxMessages: 0,
    rxMalformed: 0,
    echoRequests: 0,
    echoRepliesSent: 0,
    echoIgnored: 0,
    rxErrors: 0,
    rxErrorsDelivered: 0,
    errorsSent: 0,
    errorsRateLimited: 0,
    errorsDestinationRateLimited: 0,
    errorsSuppressed: 0,
  };

  /** @throws RangeError if a limit is invalid. */
  constructor(ip: Ipv4, options: Icmpv4LayerOptions) {
    this.#ip = ip;
    this.#errors = new TokenBucket(options.clock, options.errorsPerSecond ?? 1000, options.errorBurst ?? 50);
    const intervalMs = checkInteger("ICMP errorIntervalMs", options.errorIntervalMs ?? 1000, 0);
    this.#errorsTo =
      intervalMs === 0
        ? undefined
        : new KeyedTokenBuckets(options.clock, 1000 / intervalMs, DESTINATION_BURST, MAX_DESTINATIONS);
    this.#pings = new PingTable(options.clock, checkInteger("ICMP maxPings", options.maxPings ?? 64, 1));
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Icmp.input} */
  async input(src: Ipv4Addr, dst: Ipv4Addr, message: Uint8Array): Promise<void> {
    if (this.#disconnected) return;
    this.#stats.rxMessages++;
    const decoded = decodeIcmpv4Message(message);
    if (!decoded.ok) {
      this.#stats.rxMalformed++;
      log.debug(() => `ignored a message from ${src.toString()}: ${decoded.error.message}`);
      return;
    }
    const icmp = decoded.value;
    switch (icmp.type) {
      case Icmpv4Type.echoRequest: {
        this.#stats.echoRequests++;
        if (icmp.code !== 0) return;
        if (!this.#isOurAddress(dst)) {
          this.#stats.echoIgnored++;
          return;
        }
        const reply = encodeIcmpv4Message({ type: Icmpv4Type.echoReply, code: 0, rest: icmp.rest, data: icmp.data });
        const written = await this.write(src, reply, { src: dst });
        if (written.ok) this.#stats.echoRepliesSent++;
        return;
      }
      case Icmpv4Type.echoReply:
        this.#pings.reply(pingKey(src, icmp.rest >>> 16, icmp.rest & 0xffff), icmp.data);
        return;
      default:
        if (ICMP_QUERY_TYPES.has(icmp.type)) return;
        this.#stats.rxErrors++;
        log.debug(() => `ICMP type ${icmp.type} code ${icmp.code} from ${src.toString()}`);
        this.#reportError(src, icmp);
    }
  }

  /**
   * Sets (or with `undefined` removes) the handler of received errors about our datagrams. An
   * {@link Ipv4Stack} sets it to demultiplex them to its transports.
   */
  setErrorHandler(handler: Icmpv4ErrorHandler | undefined): void {
    this.#onError = handler;
  }

  /**
   * Sends an ICMP message (header included) to `dst`, as given: build it with
   * {@link encodeIcmpv4Message}, which sets the checksum.
   */
  async write(
    dst: Ipv4Addr,
    message: Uint8Array,
    options: IcmpWriteOptions<Ipv4Addr> = {},
  ): Promise<Result<void, IcmpError>> {
    if (this.#disconnected) return err({ kind: "no_route", reason: "the ICMP layer is disconnected" });
    return this.#ip.write(dst, "icmp", () => 0, [message], options);
  }

  /**
   * Sends a destination-unreachable error with `code` ({@link UnreachableCode}) about `datagram` (a
   * whole received IPv4 datagram, header included) to its source, unless RFC 1122 §3.2.2 forbids it
   * or a rate limit is reached (`errorIntervalMs` for its source, `errorsPerSecond` and `errorBurst`
   * for all). `nextHopMtu` goes with code 4 (fragmentation needed).
   */
  async sendUnreachable(code: number, datagram: Uint8Array, nextHopMtu = 0): Promise<void> {
    if (this.#disconnected) return;
    const decoded = decodeIpv4Packet(datagram, false);
    if (!decoded.ok) return;
    const { header, payload } = decoded.value;
    const aboutIcmpError =
      header.protocol === IpProtocol.icmp && (payload.length === 0 || !ICMP_QUERY_TYPES.has(payload[0]!));
    const srcUnicast = !(
      header.src.isUnspecified() ||
      header.src.isBroadcast() ||
      header.src.isMulticast() ||
      header.src.isLoopback()
    );
    if (aboutIcmpError || !srcUnicast || header.fragmentOffset !== 0 || !this.#isOurAddress(header.dst)) {
      this.#stats.errorsSuppressed++;
      return;
    }
    // Linux's order: the destination's limit applies before the host's bucket is charged, so that one
    // destination cannot drain the host's bucket (and, probing it, learn of others' traffic); neither
    // bucket is charged for a message the other stops.
    if (!this.#errors.available()) {
      this.#stats.errorsRateLimited++;
      return;
    }
    if (this.#errorsTo !== undefined && !this.#errorsTo.take(header.src.toNumber())) {
      this.#stats.errorsDestinationRateLimited++;
      return;
    }
    this.#errors.take();
    const message = encodeIcmpv4Message({
      type: Icmpv4Type.destinationUnreachable,
      code,
      rest: nextHopMtu & 0xffff,
      data: datagram.subarray(0, Math.min(datagram.length, MAX_QUOTE)),
    });
    const written = await this.write(header.src, message, { src: header.dst });
    if (written.ok) this.#stats.errorsSent++;
  }

  /**
   * Sends an echo request to `dst` and waits for the matching reply.
   *
   * @returns the round-trip time and echoed data, or `timeout` (also when `maxPings` are already
   * waiting), or the IP layer's error.
   */
  async ping(dst: Ipv4Addr, options: PingOptions = {}): Promise<Result<PingReply, PingError>> {
    const id = (options.id ?? ECHO_ID) & 0xffff;
    const seq = (options.seq ?? this.#seq++) & 0xffff;
    const key = pingKey(dst, id, seq);
    const reply = this.#disconnected ? undefined : this.#pings.wait(key, options.timeoutMs ?? 1000);
    if (reply === undefined) return err({ kind: "timeout" });
    const sent = await this.write(dst, encodeEchoRequest(id, seq, options.data ?? DEFAULT_PING_DATA));
    if (!sent.ok) this.#pings.fail(key, sent.error);
    return reply;
  }

  /** A snapshot of the counters. */
  stats(): Icmpv4Stats {
    return { ...this.#stats, pingsOutstanding: this.#pings.size };
  }

  /** Fails outstanding pings with `timeout` and cancels their timers. */
  async disconnect(): Promise<void> {
    this.#disconnected = true;
    this.#pings.clear();
  }

  // Only errors quoting a datagram from one of our addresses are news to a transport (RFC 5927 §4.1).
  #reportError(from: Ipv4Addr, icmp: Icmpv4Message): void {
    const handler = this.#onError;
    if (handler === undefined) return;
    const report = icmpv4ErrorReport(from, icmp);
    if (!report.ok) {
      log.debug(() => `ICMP error from ${from.toString()} not reported: ${report.error.message}`);
      return;
    }
    if (!this.#isOurAddress(report.value.src)) return;
    this.#stats.rxErrorsDelivered++;
    handler(report.value);
  }

  #isOurAddress(address: Ipv4Addr): boolean {
    return this.#ip.configuredIps().some((cidr) => cidr.address.equals(address));
  }
}

function pingKey(peer: Ipv4Addr, id: number, seq: number): string {
  return `${peer.toNumber()} ${id} ${seq}`;
}
