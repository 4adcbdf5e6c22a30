/**
 * The passive side of a TCP layer (RFC 9293 §3.10.7.2): the listening ports, each with its backlog
 * and half-open connections, the SYN cookies that answer when a queue is full (RFC 4987 §3.6), and the
 * hand-off of established connections to the listener's handler.
 *
 * @packageDocumentation
 */

import type { Random, TcpFlow } from "@mirage-ts/mirage-types";
import { tcpLog } from "../../internal/logs.js";
import { TcpFlags, type TcpHeader } from "../segment.js";
import type { TcpListenerOptions } from "../tcp-config.js";
import { tupleKey } from "./address.js";
import { type KeepaliveMs, type ResolvedConfig, checkBacklog, keepaliveMs } from "./config.js";
import type { Connection } from "./connection.js";
import type { Counters } from "./counters.js";
import { TcpFlowImpl } from "./flow.js";
import type { HeldClock } from "./held-clock.js";
import type { ConnectionOwner, Listener } from "./listener.js";
import { MAX_WINDOW_SHIFT, receiveWindowShift } from "./negotiated-options.js";
import { seqAdd } from "./seq.js";
import { type CookieSyn, SynCookies } from "./syn-cookies.js";

const { FIN, SYN, RST, ACK } = TcpFlags;
// What a cookie ACK without timestamps brings back besides the MSS.
const NO_COOKIE_OPTIONS = { windowScale: undefined, sackPermitted: false } as const;

/** What the passive side needs of its TCP layer. */
export interface PassiveOpenHost<A> {
  readonly clock: HeldClock;
  readonly config: ResolvedConfig;
  readonly counters: Counters;
  /** The header stateless segments are built in. */
  readonly txHeader: TcpHeader;
  /** Connections in the layer's table. */
  connections(): number;
  /**
   * A new connection answering `seg` (from `src` to `dst`), owned by `owner`, in the table and current
   * (an exception while it runs drops it); `iss` from a cookie, if any.
   */
  open(
    seg: TcpHeader,
    src: A,
    dst: A,
    keepalive: KeepaliveMs | undefined,
    owner: ConnectionOwner<A>,
    iss?: number,
  ): Connection<A>;
  /** The MSS we announce to `remote` (its path MTU less the headers, at most the configured MSS). */
  mss(remote: A): number;
  /** The timestamp offset of the connection named `key`. */
  timestampOffset(key: string): number;
  /** Answers `seg` (for no connection) with a RST, rate limited. */
  sendReset(src: A, dst: A, seg: TcpHeader, payloadLength: number): void;
  /** Sends `h` (no payload) back to `src` from `dst`, for no connection. */
  sendStateless(src: A, dst: A, h: TcpHeader): void;
}

/** The listening ports of a TCP layer and what arrives for them. */
export class PassiveOpen<A> {
  readonly #host: PassiveOpenHost<A>;
  readonly #config: ResolvedConfig;
  readonly #counters: Counters;
  readonly #cookies: SynCookies | undefined;
  readonly #listeners = new Map<number, Listener<A>>();

  constructor(host: PassiveOpenHost<A>, random: Random) {
    this.#host = host;
    this.#config = host.config;
    this.#counters = host.counters;
    this.#cookies = host.config.synCookies ? new SynCookies(random) : undefined;
  }

  /** Listening ports. */
  get size(): number {
    return this.#listeners.size;
  }

  /** Whether `port` is listening. */
  has(port: number): boolean {
    return this.#listeners.has(port);
  }

  /** Listens on `port` (replacing a listener there). @throws RangeError on a bad keepalive or backlog. */
  listen(port: number, handler: (flow: TcpFlow<A>) => void | Promise<void>, options?: TcpListenerOptions): void {
    const config = this.#config;
    this.#listeners.set(port, {
      port,
      handler,
      keepalive:
        options?.keepalive === undefined ? config.keepalive : keepaliveMs(options.keepalive, "listen keepalive"),
      backlog: options?.backlog === undefined ? config.backlog : checkBacklog(options.backlog),
      halfOpen: new Map(),
      pending: 0,
    });
  }

  /** Stops listening on `port`. */
  unlisten(port: number): void {
    this.#listeners.delete(port);
  }

  /** Stops listening everywhere. */
  clear(): void {
    this.#listeners.clear();
  }

  /**
   * A segment for no connection: a listener's SYN (or cookie ACK), or a RST back when nothing listens
   * on its port (RFC 9293 §3.10.7.1). With the backlog and the half-open and connection limits.
   */
  input(src: A, dst: A, seg: TcpHeader, payload: Uint8Array): void {
    const listener = this.#listeners.get(seg.dstPort);
    if (listener === undefined) {
      if (!seg.has(RST)) this.#host.sendReset(src, dst, seg, payload.length);
      return;
    }
    if (seg.has(RST)) return;
    if (seg.has(ACK)) {
      if (!seg.has(SYN) && this.#acceptCookie(listener, src, dst, seg, payload)) return;
      this.#host.sendReset(src, dst, seg, 0);
      return;
    }
    if (!seg.has(SYN) || seg.has(FIN)) return;
    const counters = this.#counters;
    const full = (): boolean =>
      listener.halfOpen.size + listener.pending >= listener.backlog || counters.halfOpen >= this.#config.maxHalfOpen;
    if (full() && listener.pending < listener.backlog && this.#cookies !== undefined) {
      // The queue keeps what it has, the peer gets a cookie and we keep nothing (RFC 4987 §3.6).
      this.#sendCookieSynAck(this.#cookies, src, dst, seg);
      return;
    }
    // With cookies, a half-open entry is never evicted: its peer may have answered already, its ACK still
    // queued behind this SYN (a batch of frames runs before the handlers take the established connections,
    // so `pending` can reach the backlog within one batch); evicting it would answer that ACK with a RST.
    if (full() && this.#cookies === undefined) this.#evictHalfOpen(listener);
    if (full() || this.#host.connections() >= this.#config.maxConnections) {
      // Dropped without a RST: the peer retries its SYN, as with a full Linux queue.
      counters.listenOverflows++;
      return;
    }
    const owner: ConnectionOwner<A> = { kind: "listener", listener };
    const conn = this.#host.open(seg, src, dst, listener.keepalive, owner);
    listener.halfOpen.set(conn, this.#host.clock.now());
    conn.acceptSyn(seg);
  }

  /**
   * A SYN first answered with a cookie (the queue was full) and, retransmitted, by a half-open entry (it
   * had room by then): a peer that took the cookie's SYN-ACK sends an ACK the entry cannot accept, and the
   * entry would answer it with a RST. Whether a valid cookie wins: then the entry goes without a word.
   */
  cookieOvertakes(conn: Connection<A>, src: A, dst: A, seg: TcpHeader): boolean {
    const cookies = this.#cookies;
    if (cookies === undefined || !conn.passive || conn.state !== "SYN-RECEIVED") return false;
    if ((seg.flags & (SYN | ACK | RST)) !== ACK || seg.ack === seqAdd(conn.iss, 1)) return false;
    const now = this.#host.clock.now();
    if (!cookies.recentlySent(now)) return false;
    const key = tupleKey(dst, seg.dstPort, src, seg.srcPort);
    return cookies.check(key, seqAdd(seg.seq, -1), seqAdd(seg.ack, -1), now) !== undefined;
  }

  /** A connection `origin` created was established: it goes to the handler of its port, if any still. */
  established(conn: Connection<A>, origin: Listener<A>): void {
    origin.halfOpen.delete(conn);
    this.#counters.passiveOpens++;
    const listener = this.#listeners.get(conn.localPort);
    if (listener === undefined) {
      conn.abort();
      return;
    }
    listener.pending++;
    conn.owner = { kind: "listener", listener };
    const flow = new TcpFlowImpl(conn);
    // The handler runs after segment processing, never inside it. As on the socket stack, a handler's
    // failure is logged and its connection closed; the listener goes on.
    void Promise.resolve()
      .then(() => {
        listener.pending--;
        conn.owner = undefined;
        return listener.handler(flow);
      })
      .catch((error: unknown) => {
        tcpLog.warn(
          () =>
            `tcp error on port ${conn.localPort} in callback: ${
              error instanceof Error ? (error.stack ?? error.message) : String(error)
            }`,
        );
        return flow.close();
      });
  }

  // Without cookies, the oldest half-open connection of this listener that has gone a whole initial RTO
  // without an answer makes way (as Linux prunes its SYN queue), unless its peer sent its SYN again: that
  // one is a live stack, maybe one whose ACK was lost and which believes it is connected.
  #evictHalfOpen(listener: Listener<A>): void {
    const oldEnough = this.#host.clock.now() - this.#config.initialRtoMs;
    for (const [conn, createdAt] of listener.halfOpen) {
      if (createdAt > oldEnough) return;
      if (conn.peerRetried) continue;
      this.#counters.halfOpenEvicted++;
      conn.abort();
      return;
    }
  }

  // A SYN-ACK whose ISS is a cookie, with the peer's options coded where the cookie module says.
  #sendCookieSynAck(cookies: SynCookies, src: A, dst: A, seg: TcpHeader): void {
    const config = this.#config;
    const now = this.#host.clock.now();
    const key = tupleKey(dst, seg.dstPort, src, seg.srcPort);
    const h = this.#host.txHeader;
    h.clearOptions();
    h.srcPort = seg.dstPort;
    h.dstPort = seg.srcPort;
    h.seq = cookies.make(key, seg.seq, seg.mss, now);
    h.ack = seqAdd(seg.seq, 1);
    h.flags = SYN | ACK;
    h.window = Math.min(config.receiveBufferSize, 65535);
    h.urgent = 0;
    h.mss = this.#host.mss(src);
    // Window scale and SACK-permitted are offered only where the timestamp can bring them back.
    const ts = seg.timestamp;
    if (config.timestamps && ts !== undefined) {
      const peerShift = config.windowScaling ? seg.windowScale : undefined;
      const scaling = peerShift !== undefined;
      const sack = config.sack && seg.sackPermitted;
      // We offer our shift; the timestamp keeps the peer's, which is what the connection needs later.
      h.windowScale = scaling ? receiveWindowShift(config.receiveBufferSize) : undefined;
      h.sackPermitted = sack;
      const keptShift = scaling ? Math.min(peerShift, MAX_WINDOW_SHIFT) : undefined;
      h.setTimestamp(cookies.timestamp(this.#tsNow(key, now), keptShift, sack), ts.val);
    }
    this.#counters.synCookiesSent++;
    this.#host.sendStateless(src, dst, h);
  }

  // The ACK of a cookie SYN-ACK: a connection, established at once, or `false` when it is none.
  #acceptCookie(listener: Listener<A>, src: A, dst: A, seg: TcpHeader, payload: Uint8Array): boolean {
    const cookies = this.#cookies;
    const now = this.#host.clock.now();
    if (cookies === undefined || !cookies.recentlySent(now)) return false;
    const key = tupleKey(dst, seg.dstPort, src, seg.srcPort);
    const mss = cookies.check(key, seqAdd(seg.seq, -1), seqAdd(seg.ack, -1), now);
    const ts = seg.timestamp;
    const options = ts !== undefined ? cookies.options(ts.ecr, this.#tsNow(key, now)) : NO_COOKIE_OPTIONS;
    if (mss === undefined || options === undefined) {
      this.#counters.synCookiesInvalid++;
      return false;
    }
    this.#counters.synCookiesValid++;
    if (listener.pending >= listener.backlog || this.#host.connections() >= this.#config.maxConnections) {
      // No room: the peer sends its ACK (or data) again, and the cookie is checked again.
      this.#counters.listenOverflows++;
      return true;
    }
    const cookie: CookieSyn = { mss, ...options };
    const owner: ConnectionOwner<A> = { kind: "listener", listener };
    const iss = seqAdd(seg.ack, -1);
    const conn = this.#host.open(seg, src, dst, listener.keepalive, owner, iss);
    conn.acceptCookie(seg, cookie);
    conn.input(seg, payload);
    return true;
  }

  // Our TSval for the connection named `key` at `now`, as that connection will send it.
  #tsNow(key: string, now: number): number {
    return (Math.floor(now) + this.#host.timestampOffset(key)) >>> 0;
  }
}
