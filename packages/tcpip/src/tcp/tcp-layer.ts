/**
 * `TcpLayer`: TCP over any {@link @mirage-ts/mirage-types#Ip} layer, generic over the address type
 * (IPv4, IPv6 or dual stack). It demultiplexes segments to connections by 4-tuple, runs listeners
 * with a backlog and a bounded half-open table, answers closed ports with RST, allocates ephemeral
 * ports (an error, not a spin, when none is free), and hands established connections to the
 * application as {@link @mirage-ts/mirage-types#TcpFlow}s.
 *
 * Hostile input is contained: `input` never throws and never grows state beyond the configured
 * bounds, and segments with a bad checksum are dropped and counted.
 *
 * ICMP errors quoting our segments arrive through `icmpError` (RFC 1122 §4.2.3.9, RFC 5927): they
 * reach a connection only when the quoted 4-tuple matches it and the quoted sequence number is in
 * flight.
 *
 * @packageDocumentation
 */

import {
  FrameFlags,
  type Ip,
  type IpError,
  type IpWriteOptions,
  type Random,
  type Result,
  type Tcp,
  type TcpConnectOptions,
  type TcpError,
  type TcpFlow,
  checkIpaddr,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import type { IcmpErrorReport } from "../icmp/icmp-error.js";
import { KnownOutcome } from "../internal/known-outcome.js";
import { DONE } from "../internal/settled.js";
import { TokenBucket } from "../internal/token-bucket.js";
import { IpProtocol } from "../ipv4/ipv4-packet.js";
import type { Clock } from "../time/clock.js";
import { addressEquals, isIpv6, tupleKey } from "./internal/address.js";
import { checksumValid, pseudoHeaderSum, segmentChecksum } from "./internal/checksum.js";
import { type KeepaliveMs, type ResolvedConfig, keepaliveMs, resolveConfig } from "./internal/config.js";
import { Connection, type ConnectionHost } from "./internal/connection.js";
import { ConnectionTable } from "./internal/connection-table.js";
import { Counters } from "./internal/counters.js";
import { TcpFlowImpl } from "./internal/flow.js";
import { HeldClock } from "./internal/held-clock.js";
import { IsnGenerator } from "./internal/isn.js";
import type { ConnectionOwner, Opener } from "./internal/listener.js";
import { PassiveOpen } from "./internal/passive-open.js";
import { seqAdd } from "./internal/seq.js";
import { REFUSED } from "./internal/tcb.js";
import { TcpFlags, TcpHeader } from "./segment.js";
import type { TcpConfig, TcpListenerOptions } from "./tcp-config.js";
import type { TcpStats } from "./tcp-stats.js";

const { FIN, SYN, RST, ACK } = TcpFlags;
const TCP_HEADER = 20;
/** The frame flags that make verifying a segment's checksum needless. */
const CHECKSUM_VOUCHED = FrameFlags.checksumValid | FrameFlags.checksumPartial;
const IPV4_HEADER = 20;
const IPV6_HEADER = 40;
/** What a write that threw or rejected counts as. */
const WRITE_FAILED: Result<void, IpError> = err({ kind: "no_route", reason: "the IP write failed" });
// The TCP header travels as the first payload view, so the IP layer's fill buffer stays empty.
const noFill = (): number => 0;

/**
 * What a {@link TcpLayer} is built from.
 *
 * @public
 */
export interface TcpLayerOptions<A> {
  /** The IP layer segments are written to (its `input` delivers to {@link TcpLayer.input}). */
  readonly ip: Ip<A, unknown>;
  /** Time for every timer. */
  readonly clock: Clock;
  /** Randomness for initial sequence numbers, timestamp offsets and ephemeral ports. */
  readonly random: Random;
  /** Settings; every field has a default. */
  readonly config?: TcpConfig;
}

/**
 * A TCP layer for addresses `A` (RFC 9293), implementing mirage-types' `Tcp`.
 *
 * Addresses are compared with their `equals` method when they have one and named by `toString()`
 * in the connection table, as mirage-types' address classes allow.
 *
 * @public
 */
export class TcpLayer<A> implements Tcp<A> {
  readonly #ip: Ip<A, unknown>;
  readonly #clock: HeldClock;
  readonly #random: Random;
  readonly #config: ResolvedConfig;
  readonly #counters = new Counters();
  // Made at the first reset (the clock and settings are the constructor's); it starts full either way.
  #resetLimit: TokenBucket | undefined;
  readonly #isn: IsnGenerator;
  readonly #connections = new ConnectionTable<A, Connection<A>>();
  readonly #passive: PassiveOpen<A>;
  readonly #rx = new TcpHeader();
  readonly #tx = new TcpHeader();
  readonly #host: ConnectionHost<A>;
  // Connections owing an ACK at the end of the current burst of segments, sent from a microtask.
  readonly #burstAcks: Connection<A>[] = [];
  readonly #sendBurstAcks = (): void => {
    const owing = this.#burstAcks.splice(0);
    this.#clock.hold();
    for (const conn of owing) {
      try {
        conn.sendDeferredAck();
      } catch {
        this.#current = conn;
        this.#contain();
      }
    }
    this.#current = undefined;
    this.#clock.release();
  };
  #last: Connection<A> | undefined;
  #current: Connection<A> | undefined;
  #disconnected = false;
  readonly #writes = new KnownOutcome<IpError, IpError>();
  readonly #onWritten = (result: Result<void, IpError>): Result<void, IpError> => {
    if (!result.ok) this.#counters.ipWriteErrors++;
    return result;
  };
  readonly #onWriteFailed = (): Result<void, IpError> => {
    this.#counters.ipWriteErrors++;
    return WRITE_FAILED;
  };

  /** Creates a TCP layer over `options.ip`. @throws RangeError if a setting is out of range. */
  constructor(options: TcpLayerOptions<A>) {
    this.#ip = options.ip;
    this.#clock = new HeldClock(options.clock);
    this.#random = options.random;
    this.#config = resolveConfig(options.config);
    this.#isn = new IsnGenerator(options.random);
    this.#host = {
      clock: this.#clock,
      config: this.#config,
      counters: this.#counters,
      txHeader: this.#tx,
      transmit: (remote, parts, options) => this.#transmit(remote, parts, options),
      established: (conn) => this.#established(conn),
      closed: (conn) => this.#closed(conn),
      ackAfterBurst: (conn) => {
        if (this.#burstAcks.length === 0) void DONE.then(this.#sendBurstAcks);
        this.#burstAcks.push(conn);
      },
    };
    this.#passive = new PassiveOpen<A>(
      {
        clock: this.#clock,
        config: this.#config,
        counters: this.#counters,
        txHeader: this.#tx,
        connections: () => this.#connections.size,
        open: (seg, src, dst, keepalive, owner, iss) =>
          this.#open(dst, seg.dstPort, src, seg.srcPort, keepalive, owner, iss),
        mss: (remote) => Math.min(this.#config.mss, this.#ip.mtu(remote) - TCP_HEADER),
        timestampOffset: (key) => this.#isn.timestampOffset(key),
        sendReset: (src, dst, seg, payloadLength) => this.#sendReset(src, dst, seg, payloadLength),
        sendStateless: (src, dst, h) => this.#sendStateless(src, dst, h),
      },
      options.random,
    );
  }

  /**
   * {@inheritDoc @mirage-ts/mirage-types#Tcp.listen}
   *
   * @throws RangeError if `port` is not an integer in 1..65535 or the backlog is not a positive integer.
   */
  listen(port: number, handler: (flow: TcpFlow<A>) => void | Promise<void>, options?: TcpListenerOptions): void {
    checkPort(port, "listen");
    this.#passive.listen(port, handler, options);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Tcp.unlisten} */
  unlisten(port: number): void {
    this.#passive.unlisten(port);
  }

  /**
   * Opens a connection to `dst`:`port`. Fails with `refused` when the peer resets or an ICMP hard
   * error answers the SYN (see {@link TcpLayer.icmpError}), and also when no ephemeral port or table
   * slot is free (counted in {@link TcpStats.portExhaustion}); with `timeout` when every SYN went
   * unanswered, or a `msg` error naming the last ICMP soft error received meanwhile.
   *
   * @throws RangeError if `port` is not an integer in 1..65535; TypeError if `dst` is not an address (text
   * from JavaScript: `Ipv4Addr.parse("10.0.0.1")` makes one).
   */
  createConnection(dst: A, port: number, options?: TcpConnectOptions): Promise<Result<TcpFlow<A>, TcpError>> {
    checkIpaddr(dst, "createConnection: dst");
    checkPort(port, "createConnection");
    const keepalive =
      options?.keepalive === undefined ? this.#config.keepalive : keepaliveMs(options.keepalive, "connect keepalive");
    if (this.#disconnected) return Promise.resolve(err(REFUSED));
    const local = this.#ip.src(dst);
    const localPort =
      this.#connections.size < this.#config.maxConnections ? this.#allocatePort(local, dst, port) : undefined;
    if (localPort === undefined) {
      this.#counters.portExhaustion++;
      return Promise.resolve(err(REFUSED));
    }
    this.#counters.activeOpens++;
    return new Promise((settle: Opener<A>) => {
      this.#open(local, localPort, dst, port, keepalive, { kind: "opener", settle }).connect();
    });
  }

  /**
   * Handles one received segment from `src` to `dst`. Its checksum is verified unless `flags` (the
   * device's `FrameFlags` for the frame that carried it) vouch for it.
   */
  input(src: A, dst: A, segment: Uint8Array, flags = 0): Promise<void> {
    if (this.#disconnected) return DONE;
    this.#clock.hold();
    try {
      this.#input(src, dst, segment, flags);
    } catch {
      this.#contain();
    } finally {
      this.#clock.release();
    }
    this.#current = undefined;
    return DONE;
  }

  /**
   * Takes an ICMP error quoting one of our segments (`report.payload` holds at least its first 8
   * bytes: ports and sequence number). It is ignored, and counted in {@link TcpStats.icmpIgnored},
   * unless the quoted 4-tuple is a connection's and the quoted sequence number lies in [SND.UNA,
   * SND.NXT) (RFC 5927 §4.1). Then:
   *
   * - port unreachable, protocol unreachable and administratively prohibited end a connection in
   *   SYN-SENT at once with `refused` (hard errors, as Linux), and drop a half-open passive one;
   *   in every other state they are soft errors (RFC 5461);
   * - fragmentation needed (or ICMPv6 packet too big) lowers the connection's segment size to fit
   *   `report.nextHopMtu` less the IP and TCP headers (never raising it, never below 88 bytes) and
   *   resends what is in flight at the new size, without shrinking the congestion window (RFC 1191);
   * - every other error is soft: if the connection later times out (SYN retries, retransmissions,
   *   user timeout or keepalive), it fails with a `msg` error naming the last one (for example
   *   `host unreachable (ICMP)`) instead of `timeout`; acknowledged progress forgets it.
   *
   * An {@link Ipv4Stack} (and so a {@link DirectStack}) delivers these errors itself.
   */
  icmpError(report: IcmpErrorReport<A>): void {
    if (this.#disconnected) return;
    const counters = this.#counters;
    counters.icmpErrors++;
    const quote = report.payload;
    if (report.protocol !== IpProtocol.tcp || quote.length < 8) {
      counters.icmpIgnored++;
      return;
    }
    const localPort = (quote[0]! << 8) | quote[1]!;
    const remotePort = (quote[2]! << 8) | quote[3]!;
    const seq = ((quote[4]! << 24) | (quote[5]! << 16) | (quote[6]! << 8) | quote[7]!) >>> 0;
    const conn = this.#connections.get(report.src, localPort, report.dst, remotePort);
    if (conn === undefined) {
      counters.icmpIgnored++;
      return;
    }
    const mtu = report.nextHopMtu;
    const nextHopMss = mtu > 0 ? mtu - (isIpv6(report.dst) ? IPV6_HEADER : IPV4_HEADER) - TCP_HEADER : 0;
    this.#clock.hold();
    try {
      this.#current = conn;
      if (!conn.icmpError(report.kind, seq, nextHopMss)) counters.icmpIgnored++;
    } catch {
      this.#contain();
    } finally {
      this.#clock.release();
    }
    this.#current = undefined;
  }

  /** Resets every connection, drops every listener, and ignores input from then on. */
  disconnect(): Promise<void> {
    this.#disconnected = true;
    this.#passive.clear();
    for (const conn of this.#connections.values()) conn.abort();
    return DONE;
  }

  /** A snapshot of the layer's state and counters. */
  stats(): TcpStats {
    return this.#counters.snapshot(this.#connections.size, this.#passive.size);
  }

  // ---------------------------------------------------------------- input

  #input(src: A, dst: A, buffer: Uint8Array, flags: number): void {
    const counters = this.#counters;
    counters.segmentsIn++;
    const seg = this.#rx;
    if (!seg.decode(buffer).ok || seg.srcPort === 0 || seg.dstPort === 0) {
      counters.malformed++;
      return;
    }
    let conn = this.#lookup(dst, seg.dstPort, src, seg.srcPort);
    if (this.#config.verifyChecksum && (flags & CHECKSUM_VOUCHED) === 0) {
      const pseudo = conn !== undefined ? conn.pseudoSum : this.#pseudoSum(src, dst);
      if (!checksumValid(buffer, pseudo)) {
        counters.badChecksum++;
        return;
      }
    }
    const payload = buffer.subarray(seg.headerLength);
    if (conn !== undefined && this.#passive.cookieOvertakes(conn, src, dst, seg)) {
      conn.forget();
      conn = undefined;
    } else if (conn !== undefined) {
      const freshSyn = (seg.flags & (SYN | ACK | RST)) === SYN;
      if (!(freshSyn && conn.acceptsNewSyn(seg) && this.#passive.has(seg.dstPort))) {
        this.#current = conn;
        conn.input(seg, payload, (flags & FrameFlags.owned) !== 0);
        return;
      }
      // A new incarnation of a connection in TIME-WAIT (RFC 6191): the old one makes way.
      conn.abort();
      conn = undefined;
    }
    this.#passive.input(src, dst, seg, payload);
  }

  #lookup(local: A, localPort: number, remote: A, remotePort: number): Connection<A> | undefined {
    const last = this.#last;
    if (
      last !== undefined &&
      last.localPort === localPort &&
      last.remotePort === remotePort &&
      addressEquals(last.remote, remote) &&
      addressEquals(last.local, local)
    ) {
      return last;
    }
    const conn = this.#connections.get(local, localPort, remote, remotePort);
    if (conn !== undefined) this.#last = conn;
    return conn;
  }

  // An unexpected exception: count it and drop the connection it happened in, whose state is suspect.
  #contain(): void {
    this.#counters.internalErrors++;
    const conn = this.#current;
    if (conn === undefined) return;
    try {
      conn.abort();
    } catch {
      this.#counters.internalErrors++;
    }
  }

  // ---------------------------------------------------------------- connections

  // A new connection owned by `owner`, in the table and current.
  #open(
    local: A,
    localPort: number,
    remote: A,
    remotePort: number,
    keepalive: KeepaliveMs | undefined,
    owner: ConnectionOwner<A>,
    iss?: number,
  ): Connection<A> {
    const key = tupleKey(local, localPort, remote, remotePort);
    const conn = new Connection<A>(this.#host, {
      local,
      remote,
      localPort,
      remotePort,
      iss: iss ?? this.#isn.isn(key, this.#clock.now()),
      tsOffset: this.#isn.timestampOffset(key),
      pseudoSum: this.#pseudoSum(local, remote),
      pathMss: this.#ip.mtu(remote) - TCP_HEADER,
      defaultMss: isIpv6(remote) ? 1220 : 536,
      keepalive,
      // Don't fragment (RFC 1191 §6): a router that cannot carry a segment says so with ICMP, and
      // `icmpError` lowers the segment size, instead of fragmenting every segment of the connection.
      ipWriteOptions: { src: local, fragment: false },
      offloads: this.#ip.offloads?.(remote),
    });
    conn.owner = owner;
    this.#connections.add(conn);
    this.#current = conn;
    return conn;
  }

  // Ports from a random offset, in order, skipping tuples in use and listening ports (RFC 6056 §3.3.1):
  // at most one pass over the range, then an error.
  #allocatePort(local: A, remote: A, remotePort: number): number | undefined {
    const low = this.#config.ephemeralLow;
    const count = this.#config.ephemeralHigh - low + 1;
    const bytes = this.#random.generate(4);
    const start = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    for (let i = 0; i < count; i++) {
      const port = low + ((start + i) % count);
      if (this.#passive.has(port)) continue;
      if (this.#connections.get(local, port, remote, remotePort) === undefined) return port;
    }
    return undefined;
  }

  #established(conn: Connection<A>): void {
    const owner = conn.owner;
    conn.owner = undefined;
    if (owner?.kind === "opener") owner.settle(ok(new TcpFlowImpl(conn)));
    else if (owner?.kind === "listener") this.#passive.established(conn, owner.listener);
  }

  #closed(conn: Connection<A>): void {
    this.#connections.delete(conn);
    if (this.#last === conn) this.#last = undefined;
    const owner = conn.owner;
    if (owner === undefined || conn.announced) return;
    conn.owner = undefined;
    if (owner.kind === "listener") owner.listener.halfOpen.delete(conn);
    else owner.settle(err(conn.error ?? REFUSED));
  }

  // ---------------------------------------------------------------- output

  #transmit(remote: A, parts: Uint8Array[], options: IpWriteOptions<A>): void {
    this.#writes.map(
      this.#ip.write(remote, "tcp", noFill, parts, options),
      this.#onWritten,
      undefined,
      this.#onWriteFailed,
    );
  }

  // RFC 9293 §3.10.7.1: a segment for no connection gets <SEQ=SEG.ACK><CTL=RST>, or
  // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> when it carries no ACK.
  #sendReset(src: A, dst: A, seg: TcpHeader, payloadLength: number): void {
    // A reset answers a segment anyone can forge from any address: rate limited, it cannot be used to
    // aim a flood at a third party.
    this.#resetLimit ??= new TokenBucket(this.#clock, this.#config.resetsPerSecond, this.#config.resetBurst);
    if (!this.#resetLimit.take()) {
      this.#counters.resetsRateLimited++;
      return;
    }
    const h = this.#tx;
    h.clearOptions();
    h.srcPort = seg.dstPort;
    h.dstPort = seg.srcPort;
    h.window = 0;
    h.urgent = 0;
    if (seg.has(ACK)) {
      h.seq = seg.ack;
      h.ack = 0;
      h.flags = RST;
    } else {
      h.seq = 0;
      h.ack = seqAdd(seg.seq, payloadLength + (seg.has(SYN) ? 1 : 0) + (seg.has(FIN) ? 1 : 0));
      h.flags = RST | ACK;
    }
    this.#counters.resetsSent++;
    this.#sendStateless(src, dst, h);
  }

  // Sends `h` (no payload) back to `src` from `dst`, for no connection: a RST or a cookie SYN-ACK.
  #sendStateless(src: A, dst: A, h: TcpHeader): void {
    const length = h.encodedLength();
    const header = new Uint8Array(length);
    h.encode(header);
    const checksum = segmentChecksum([header], this.#pseudoSum(dst, src), length);
    header[16] = checksum >>> 8;
    header[17] = checksum & 0xff;
    this.#counters.segmentsOut++;
    const options: IpWriteOptions<A> = { src: dst };
    this.#writes.map(
      this.#ip.write(src, "tcp", noFill, [header], options),
      this.#onWritten,
      undefined,
      this.#onWriteFailed,
    );
  }

  #pseudoSum(a: A, b: A): number {
    return pseudoHeaderSum(this.#ip.pseudoheader(a, b, "tcp", 0));
  }
}

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`${what}: port must be an integer from 1 to 65535, got ${port}`);
  }
}
