/**
 * `Icmpv6Layer`: the ICMPv6 of RFC 4443 other than Neighbour Discovery, owned by an `Ipv6Layer`:
 * echo replies, error messages (at most 1280 bytes, never about an error, a multicast destination —
 * but for Packet Too Big and unknown options — or an unspecified or multicast source, §2.4), a token
 * bucket on the errors sent (§2.4 f; default 10 per second as Linux's 100 ms `icmp.ratelimit`),
 * errors received handed to the transports as reports, and a ping client.
 *
 * @packageDocumentation
 */

import { type IpError, Ipv6Addr, type Result, err } from "@mirage-ts/mirage-types";
import { checkInteger } from "../internal/checks.js";
import { TokenBucket } from "../internal/token-bucket.js";
import { IPV6_HEADER_SIZE, IPV6_MIN_MTU } from "../ipv6/ipv6-packet.js";
import type { Clock } from "../time/clock.js";
import type { IcmpErrorKind, IcmpErrorReport } from "./icmp-error.js";
import { ICMPV6_HEADER_SIZE, type Icmpv6Message, Icmpv6Type } from "./icmpv6-message.js";
import { type PingError, type PingOptions, type PingReply, PingTable } from "./ping-table.js";

/**
 * Sends an ICMPv6 message (the layer below computes the checksum and routes it).
 *
 * @beta
 */
export type Icmpv6Send = (
  dst: Ipv6Addr,
  type: number,
  code: number,
  rest: number,
  body: Uint8Array,
  src?: Ipv6Addr,
) => Promise<Result<void, IpError>>;

/**
 * Receives the ICMPv6 errors that quote a transport's packet.
 *
 * @beta
 */
export type Icmpv6ErrorHandler = (report: IcmpErrorReport<Ipv6Addr>) => void;

/**
 * Options of an {@link Icmpv6Layer}.
 *
 * @beta
 */
export interface Icmpv6LayerOptions {
  /** The clock of ping timeouts and the rate limit. */
  readonly clock: Clock;
  /** Error messages sent per second at most (default 10). */
  readonly errorsPerSecond?: number;
  /** Burst of error messages (default 10). */
  readonly errorBurst?: number;
  /** Outstanding pings at most (default 64). */
  readonly maxPings?: number;
}

/**
 * Counters of an {@link Icmpv6Layer}.
 *
 * @beta
 */
export interface Icmpv6Stats {
  /** Echo requests answered. */
  echoReplies: number;
  /** Error messages sent. */
  errorsSent: number;
  /** Error messages not sent because of the rate limit. */
  errorsRateLimited: number;
  /** Error messages not sent because RFC 4443 §2.4 (e) forbids them. */
  errorsSuppressed: number;
  /** Error messages received and reported to a transport. */
  errorsReported: number;
  /** Error messages received that quote nothing a transport sent. */
  errorsIgnored: number;
  /** Messages of a type this layer does not handle. */
  unknownTypes: number;
  /** Pings waiting for their reply. */
  pingsOutstanding: number;
}

const ERROR_KINDS: Readonly<Record<number, (code: number) => IcmpErrorKind>> = {
  [Icmpv6Type.destinationUnreachable]: (code) =>
    code === 4 ? "port_unreachable" : code === 1 || code === 5 || code === 6 ? "prohibited" : "host_unreachable",
  [Icmpv6Type.packetTooBig]: () => "fragmentation_needed",
  [Icmpv6Type.timeExceeded]: () => "time_exceeded",
  [Icmpv6Type.parameterProblem]: (code) => (code === 1 ? "protocol_unreachable" : "parameter_problem"),
};

/**
 * ICMPv6 echo, errors and ping; see the module documentation.
 *
 * @beta
 */
export class Icmpv6Layer {
  readonly #send: Icmpv6Send;
  readonly #bucket: TokenBucket;
  readonly #pings: PingTable;
  #onError: Icmpv6ErrorHandler | undefined;
  #nextId = 1;
  readonly #stats = {
    echoReplies: 0,
    errorsSent: 0,
    errorsRateLimited: 0,
    errorsSuppressed: 0,
    errorsReported: 0,
    errorsIgnored: 0,
    unknownTypes: 0,
  };

  /** @throws RangeError if a limit is invalid. */
  constructor(send: Icmpv6Send, options: Icmpv6LayerOptions) {
    this.#send = send;
    this.#bucket = new TokenBucket(options.clock, options.errorsPerSecond ?? 10, options.errorBurst ?? 10);
    this.#pings = new PingTable(options.clock, checkInteger("ICMPv6 maxPings", options.maxPings ?? 64, 1));
  }

  /** Sets the receiver of error reports (the stack routes them to TCP). */
  setErrorHandler(handler: Icmpv6ErrorHandler | undefined): void {
    this.#onError = handler;
  }

  /**
   * Handles a message other than ND. `onTooBig` gets the MTU of a Packet Too Big with the quoted
   * destination, so the layer lowers its path MTU.
   */
  input(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    icmp: Icmpv6Message,
    onTooBig: (dst: Ipv6Addr, mtu: number) => void,
  ): Promise<void> {
    switch (icmp.type) {
      case Icmpv6Type.echoRequest:
        // RFC 4443 §4.2: a request to a multicast group is answered from a unicast address.
        this.#stats.echoReplies++;
        return this.#send(src, Icmpv6Type.echoReply, 0, icmp.rest, icmp.body, dst.isMulticast() ? undefined : dst).then(
          () => undefined,
        );
      case Icmpv6Type.echoReply:
        this.#pings.reply(`${src.toString()} ${icmp.rest}`, icmp.body);
        return Promise.resolve();
      default: {
        const kind = ERROR_KINDS[icmp.type];
        if (kind === undefined) {
          this.#stats.unknownTypes++;
          return Promise.resolve();
        }
        this.#report(src, icmp, kind(icmp.code), onTooBig);
        return Promise.resolve();
      }
    }
  }

  /**
   * Sends an error of `type`/`code` (with `rest`, the MTU or the pointer) about `offending`, the
   * packet as received, within RFC 4443's rules and the rate limit. `toMulticast` allows the two
   * errors RFC 4443 §2.4 (e.3) allows about a packet sent to a multicast group.
   */
  sendError(type: number, code: number, rest: number, offending: Uint8Array, toMulticast = false): Promise<void> {
    // The offending packet may be cut short (a quoted first fragment): only its addresses are read.
    if (offending.length < IPV6_HEADER_SIZE) return Promise.resolve();
    const src = Ipv6Addr.read(offending, 8);
    const dst = Ipv6Addr.read(offending, 24);
    if (src.isUnspecified() || src.isMulticast() || (dst.isMulticast() && !toMulticast) || isError(offending)) {
      this.#stats.errorsSuppressed++;
      return Promise.resolve();
    }
    if (!this.#bucket.take()) {
      this.#stats.errorsRateLimited++;
      return Promise.resolve();
    }
    this.#stats.errorsSent++;
    const quote = offending.subarray(0, IPV6_MIN_MTU - IPV6_HEADER_SIZE - ICMPV6_HEADER_SIZE);
    return this.#send(src, type, code, rest, quote, dst.isMulticast() ? undefined : dst).then(() => undefined);
  }

  /** Sends an echo request to `dst` and waits for its reply (default timeout 1 s). */
  async ping(dst: Ipv6Addr, options: PingOptions = {}): Promise<Result<PingReply, PingError>> {
    const id = options.id ?? this.#nextId;
    const seq = options.seq ?? 0;
    this.#nextId = (this.#nextId % 0xffff) + 1;
    const rest = ((id << 16) | seq) >>> 0;
    const key = `${dst.toString()} ${rest}`;
    const reply = this.#pings.wait(key, options.timeoutMs ?? 1000);
    if (reply === undefined) return err({ kind: "timeout" });
    const sent = await this.#send(dst, Icmpv6Type.echoRequest, 0, rest, options.data ?? new Uint8Array(56));
    if (!sent.ok) this.#pings.fail(key, sent.error);
    return reply;
  }

  /** A snapshot of the counters. */
  stats(): Icmpv6Stats {
    return { ...this.#stats, pingsOutstanding: this.#pings.size };
  }

  /** Fails the outstanding pings and cancels their timers. */
  disconnect(): void {
    this.#pings.clear();
  }

  #report(
    from: Ipv6Addr,
    icmp: Icmpv6Message,
    kind: IcmpErrorKind,
    onTooBig: (dst: Ipv6Addr, mtu: number) => void,
  ): void {
    const quote = decodeQuote(icmp.body);
    if (quote === undefined) {
      this.#stats.errorsIgnored++;
      return;
    }
    // RFC 8201 §4: a path never goes below 1280, whatever the message says.
    const nextHopMtu = icmp.type === Icmpv6Type.packetTooBig ? Math.max(IPV6_MIN_MTU, icmp.rest) : 0;
    if (icmp.type === Icmpv6Type.packetTooBig) onTooBig(quote.dst, icmp.rest);
    if (this.#onError === undefined || (quote.protocol !== 6 && quote.protocol !== 17)) {
      this.#stats.errorsIgnored++;
      return;
    }
    this.#stats.errorsReported++;
    this.#onError({ from, kind, type: icmp.type, code: icmp.code, nextHopMtu, ...quote });
  }
}

/** The quoted packet's addresses and upper layer (found through a chain without extension headers). */
function decodeQuote(
  body: Uint8Array,
): { src: Ipv6Addr; dst: Ipv6Addr; protocol: number; payload: Uint8Array } | undefined {
  if (body.length < IPV6_HEADER_SIZE + 8 || body[0]! >>> 4 !== 6) return undefined;
  return {
    src: Ipv6Addr.read(body, 8),
    dst: Ipv6Addr.read(body, 24),
    protocol: body[6]!,
    payload: body.subarray(IPV6_HEADER_SIZE),
  };
}

/** Whether `packet` is an ICMPv6 error message (types below 128), about which no error is sent. */
function isError(packet: Uint8Array): boolean {
  return packet[6] === 58 && packet.length > IPV6_HEADER_SIZE && packet[IPV6_HEADER_SIZE]! < 128;
}
