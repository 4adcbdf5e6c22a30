/**
 * One TCP connection: the RFC 9293 state machine and its transmission control block, fed three
 * kinds of events (a segment arrived, the application called, a timer fired) and emitting segments
 * through its host (the TCP layer). Everything here is synchronous; the promise-based flow adapter
 * sits on top and is woken through {@link ConnectionObserver}.
 *
 * The sequence space is tracked with SND.NXT as the highest byte ever sent: retransmissions never
 * move it back, they are chosen by {@link LossRecovery}. The send buffer holds every byte from SND.UNA
 * (or from ISS+1 while the SYN is unacknowledged); a FIN, once queued, sits at the end of the data.
 *
 * @packageDocumentation
 */

import type { IpWriteOptions, NetOffloads, TcpError } from "@mirage-ts/mirage-types";
import type { IcmpErrorKind } from "../../icmp/icmp-error.js";
import type { CongestionController } from "../congestion.js";
import { TcpFlags, TcpHeader } from "../segment.js";
import { segmentChecksum } from "./checksum.js";
import type { KeepaliveMs, ResolvedConfig } from "./config.js";
import type { Counters } from "./counters.js";
import type { HeldClock } from "./held-clock.js";
import { LossRecovery } from "./loss-recovery.js";
import { ReceiveBuffer } from "./receive-buffer.js";
import { RtoEstimator } from "./rto.js";
import { SegmentOffload, partialChecksum } from "./segment-offload.js";
import { SendBuffer } from "./send-buffer.js";
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from "./seq.js";
import type { CookieSyn } from "./syn-cookies.js";
import { ConnectionTimers, TimerKind } from "./timers.js";

/**
 * The most one read hands over. A fresh array above the allocator's mmap threshold (128 KiB) is
 * mapped and page-faulted in each time, several times the cost per byte of 64 KiB ones, which come
 * from reused heap memory. Node's sockets too hand over at most 64 KiB per read (libuv's read buffer).
 */
export const READ_CHUNK = 65_536;

const { FIN, SYN, RST, PSH, ACK } = TcpFlags;

/** Smallest peer MSS we accept: smaller values are raised to it so a peer cannot force tiny segments. */
const MIN_MSS = 88;
const TIMEOUT: TcpError = Object.freeze({ kind: "timeout" });
/** A connection attempt the peer (or an ICMP hard error) refused. */
export const REFUSED: TcpError = Object.freeze({ kind: "refused" });
/**
 * The ICMP errors that end a connection attempt in SYN-SENT at once, as Linux does (RFC 1122
 * §4.2.3.9 calls them hard errors); in every other state they are soft (RFC 5461 §4).
 */
const HARD_ERRORS: ReadonlySet<IcmpErrorKind> = new Set(["port-unreachable", "protocol-unreachable", "prohibited"]);
/** What a timeout reports when a soft ICMP error was the last news of the path (RFC 1122 §4.2.3.9). */
const SOFT_ERRORS: { readonly [K in Exclude<IcmpErrorKind, "fragmentation-needed">]: TcpError } = {
  "net-unreachable": icmpMessage("network unreachable"),
  "host-unreachable": icmpMessage("host unreachable"),
  "protocol-unreachable": icmpMessage("protocol unreachable"),
  "port-unreachable": icmpMessage("port unreachable"),
  prohibited: icmpMessage("communication administratively prohibited"),
  "source-route-failed": icmpMessage("source route failed"),
  "time-exceeded": icmpMessage("time exceeded"),
  "parameter-problem": icmpMessage("parameter problem"),
};

function icmpMessage(what: string): TcpError {
  return Object.freeze({ kind: "msg", message: `${what} (ICMP)` });
}

/** Bytes the timestamps option adds to every segment. */
const TIMESTAMP_OPTION = 12;
/**
 * Bounds of the out-of-order ranges we hold (one per 4 KiB of receive buffer, 32 to 1024) and of the
 * SACK ranges we track from the peer: enough for scattered losses across a large window, small enough
 * that a peer spraying tiny segments cannot make per-segment work grow.
 */
const MIN_RECEIVE_RANGES = 32;
const MAX_RECEIVE_RANGES = 1024;
const MAX_SACK_RANGES = 1024;
/** Largest window shift (RFC 7323 §2.3). */
const MAX_WINDOW_SHIFT = 14;
/** A TSecr older than this is not a usable RTT sample (it is garbage or from a wrapped clock). */
const MAX_RTT_SAMPLE_MS = 600_000;
/** The most data a burst's single ACK may cover (Linux's largest GRO batch). */
const MAX_BURST_ACK_BYTES = 65_536;

/** The RFC 9293 connection states a table entry can be in (LISTEN is a listener, not a connection). */
export type TcpState =
  | "SYN-SENT"
  | "SYN-RECEIVED"
  | "ESTABLISHED"
  | "FIN-WAIT-1"
  | "FIN-WAIT-2"
  | "CLOSE-WAIT"
  | "CLOSING"
  | "LAST-ACK"
  | "TIME-WAIT"
  | "CLOSED";

/** The layer a connection lives in: clock, settings, counters, and where segments and events go. */
export interface ConnectionHost<A> {
  /** Held by the layer while it handles a segment; connections hold it while they send. */
  readonly clock: HeldClock;
  readonly config: ResolvedConfig;
  readonly counters: Counters;
  /** A header reused for every segment this layer builds (building is synchronous). */
  readonly txHeader: TcpHeader;
  /** Sends header and payload views to the connection's peer. */
  transmit(conn: Connection<A>, parts: Uint8Array[], options: IpWriteOptions<A>): void;
  /** The connection reached ESTABLISHED (or a state past it) for the first time. */
  established(conn: Connection<A>): void;
  /** The connection left the table: every timer and buffer it held is released. */
  closed(conn: Connection<A>): void;
  /** Calls `conn.sendDeferredAck()` once the segments being processed now are all processed. */
  ackAfterBurst(conn: Connection<A>): void;
}

/** Gets told when readable data, end-of-file, buffer space or an error may be available. */
export interface ConnectionObserver {
  wake(): void;
}

/** What a connection was created from. */
export interface ConnectionParams<A> {
  readonly local: A;
  readonly remote: A;
  readonly localPort: number;
  readonly remotePort: number;
  readonly iss: number;
  readonly tsOffset: number;
  /** Sum of the IP pseudo-header with a zero length, for checksums. */
  readonly pseudoSum: number;
  /** Largest segment the path carries (IP MTU minus the TCP header). */
  readonly pathMss: number;
  /** Default MSS when the peer sends none (536 for IPv4, 1220 for IPv6). */
  readonly defaultMss: number;
  readonly keepalive: KeepaliveMs | undefined;
  /** Options for every IP write of this connection (its source address). */
  readonly ipWriteOptions: IpWriteOptions<A>;
  /** The offloads of the device towards the peer (for this address family), if any. */
  readonly offloads?: NetOffloads | undefined;
}

/** The window shift we offer: the smallest that lets the window field cover `receiveBufferSize`. */
export function receiveWindowShift(receiveBufferSize: number): number {
  let shift = 0;
  while (shift < MAX_WINDOW_SHIFT && receiveBufferSize >>> shift > 65535) shift++;
  return shift;
}

/** One connection's transmission control block and state machine. */
export class Connection<A> {
  readonly local: A;
  readonly remote: A;
  readonly localPort: number;
  readonly remotePort: number;
  /** Sum of the IP pseudo-header with a zero length (checksums of both directions). */
  readonly pseudoSum: number;
  /** Options for every IP write of this connection. */
  readonly ipWriteOptions: IpWriteOptions<A>;
  state: TcpState = "CLOSED";
  /** Why the connection failed, once it has. */
  error: TcpError | undefined;
  /** Opened by a listener (`true`) or by `createConnection`. */
  passive = false;
  /** Whether the host was told about establishment. */
  announced = false;
  /** The flow adapter, once there is one. */
  observer: ConnectionObserver | undefined;
  /** Nagle off. */
  noDelay: boolean;
  /** Opaque slot for the layer (its listener record while half-open, or the pending open). */
  owner: unknown;
  /** Half-open only: the peer sent its SYN again, so it is a live stack waiting for our SYN-ACK. */
  peerRetried = false;

  readonly #host: ConnectionHost<A>;
  readonly #clock: HeldClock;
  readonly #config: ResolvedConfig;
  readonly #counters: Counters;
  readonly #timers: ConnectionTimers;
  readonly #snd: SendBuffer;
  readonly #rcv: ReceiveBuffer;
  readonly #rto: RtoEstimator;
  readonly #recovery = new LossRecovery(MAX_SACK_RANGES);
  #cc: CongestionController | undefined;
  // Lowered by fragmentation-needed errors (RFC 1191), never raised.
  #pathMss: number;
  readonly #defaultMss: number;
  readonly #keepalive: KeepaliveMs | undefined;
  readonly #tsOffset: number;

  // Send sequence space.
  readonly #iss: number;
  #sndUna: number;
  #sndNxt: number;
  #sndWnd = 0;
  #sndWl1 = 0;
  #sndWl2 = 0;
  #maxSndWnd = 0;
  #sndShift = 0;
  #writeShut = false;
  #finSeq = 0;
  // Receive sequence space.
  #irs = 0;
  #rcvNxt = 0;
  #rcvShift = 0;
  #rcvAdvEdge = 0;
  #peerFinSeen = false;
  #peerFinSeq = 0;
  #finReceived = false;
  #readShut = false;
  #userClosed = false;
  // Negotiated options.
  #wsOk = false;
  #tsOk = false;
  #sackOk = false;
  #offerWs: boolean;
  #offerTs: boolean;
  #offerSack: boolean;
  #ourMss: number;
  readonly #offload: SegmentOffload<A>;
  #smss = 536;
  // The peer's MSS option (or the default), floored at MIN_MSS.
  #peerMss = 536;
  // The last soft ICMP error since progress was made: what a timeout reports (RFC 1122 §4.2.3.9).
  #softError: TcpError | undefined;
  #tsRecent = 0;
  #lastAckSent = 0;
  // Timing.
  #rttTiming = false;
  #rttSeq = 0;
  #rttStart = 0;
  #retries = 0;
  #progressAt = 0;
  #persisting = false;
  #persistBackoff = 0;
  #probesUnanswered = 0;
  #lastAckAt = 0;
  #keepaliveProbes = 0;
  #cwndBlocked = false;
  #forceRetransmit = false;
  // Eifel detection (RFC 3522): the TSval of the first retransmission of a fast recovery.
  #undoArmed = false;
  #undoSeq = 0;
  #undoTsVal = 0;
  #smallEnd = 0;
  // ACK policy.
  #ackNow = false;
  #segsSinceAck = 0;
  #ackDeferred = false;
  // When the ACK owed for the first unacknowledged segment is due (meaningful while #segsSinceAck > 0).
  #ackDueAt = 0;
  #challengeWindowStart = 0;
  #challengeCount = 0;
  // When the last answer to a segment we could not accept went out (tcp_invalid_ratelimit).
  #invalidAnsweredAt = Number.NEGATIVE_INFINITY;

  constructor(host: ConnectionHost<A>, params: ConnectionParams<A>) {
    this.#host = host;
    this.#clock = host.clock;
    this.#config = host.config;
    this.#counters = host.counters;
    this.local = params.local;
    this.remote = params.remote;
    this.localPort = params.localPort;
    this.remotePort = params.remotePort;
    this.#iss = params.iss >>> 0;
    this.#sndUna = this.#iss;
    this.#sndNxt = this.#iss;
    this.#smallEnd = this.#iss;
    this.#tsOffset = params.tsOffset;
    this.pseudoSum = params.pseudoSum;
    this.ipWriteOptions = params.ipWriteOptions;
    this.#offload = new SegmentOffload(params.ipWriteOptions, params.offloads);
    this.#pathMss = Math.max(MIN_MSS, params.pathMss);
    this.#defaultMss = params.defaultMss;
    this.#keepalive = params.keepalive;
    this.noDelay = this.#config.noDelay;
    this.#offerWs = this.#config.windowScaling;
    this.#offerTs = this.#config.timestamps;
    this.#offerSack = this.#config.sack;
    this.#ourMss = Math.min(this.#config.mss, this.#pathMss);
    this.#snd = new SendBuffer(this.#config.sendBufferSize);
    const ranges = Math.min(MAX_RECEIVE_RANGES, Math.max(MIN_RECEIVE_RANGES, this.#config.receiveBufferSize >>> 12));
    this.#rcv = new ReceiveBuffer(this.#config.receiveBufferSize, ranges);
    this.#rto = new RtoEstimator(this.#config.initialRtoMs, this.#config.minRtoMs, this.#config.maxRtoMs);
    this.#timers = new ConnectionTimers(this.#clock, this.#counters, (kind) => this.#guardedTimer(kind));
    this.#rcvShift = receiveWindowShift(this.#config.receiveBufferSize);
  }

  // ---------------------------------------------------------------- queries

  /** Whether the connection is still in the table. */
  get isOpen(): boolean {
    return this.state !== "CLOSED";
  }

  /** Bytes the application can read now. */
  get readable(): number {
    return this.#rcv.readable;
  }

  /** Whether reads are over: the peer's FIN was consumed or the read side was shut. */
  get readDone(): boolean {
    return this.#readShut || (this.#finReceived && this.#rcv.readable === 0);
  }

  /** Whether the application may still add data (open for sending and not shut). */
  get writable(): boolean {
    return !this.#writeShut && (this.state === "ESTABLISHED" || this.state === "CLOSE-WAIT");
  }

  // ---------------------------------------------------------------- opening

  /** Active open: sends the SYN. */
  connect(): void {
    this.state = "SYN-SENT";
    this.#sndNxt = seqAdd(this.#iss, 1);
    this.#sendSyn(false);
    this.#startTiming(this.#iss);
    this.#timers.set(TimerKind.Retransmit, this.#rto.rto);
  }

  /** Passive open from a listener: takes the SYN's parameters and answers with SYN-ACK. */
  acceptSyn(seg: TcpHeader): void {
    this.passive = true;
    this.#offerWs = this.#offerWs && seg.windowScale >= 0;
    this.#offerTs = this.#offerTs && seg.hasTimestamp;
    this.#offerSack = this.#offerSack && seg.sackPermitted;
    this.#takeSyn(seg);
    this.#sndWnd = seg.window;
    this.#sndWl1 = seg.seq;
    this.#sndWl2 = this.#iss;
    this.state = "SYN-RECEIVED";
    this.#counters.halfOpen++;
    this.#sndNxt = seqAdd(this.#iss, 1);
    this.#sendSyn(true);
    this.#startTiming(this.#iss);
    this.#timers.set(TimerKind.Retransmit, this.#rto.rto);
  }

  /**
   * Passive open from a valid SYN cookie (the ISS of this connection): SYN-RECEIVED as if the SYN had
   * been answered by {@link Connection.acceptSyn}, with the options the cookie kept; the ACK that
   * carried the cookie is then given to {@link Connection.input} and completes the handshake.
   */
  acceptCookie(ack: TcpHeader, cookie: CookieSyn): void {
    const syn = new TcpHeader();
    syn.seq = seqAdd(ack.seq, -1);
    syn.mss = cookie.mss;
    syn.windowScale = cookie.windowScale;
    syn.sackPermitted = cookie.sackPermitted;
    syn.hasTimestamp = ack.hasTimestamp;
    syn.tsVal = ack.tsVal;
    this.passive = true;
    this.#offerWs = this.#offerWs && syn.windowScale >= 0;
    this.#offerTs = this.#offerTs && syn.hasTimestamp;
    this.#offerSack = this.#offerSack && syn.sackPermitted;
    this.#takeSyn(syn);
    this.#sndWnd = ack.window;
    this.#sndWl1 = syn.seq;
    this.#sndWl2 = this.#iss;
    this.state = "SYN-RECEIVED";
    this.#counters.halfOpen++;
    this.#sndNxt = seqAdd(this.#iss, 1);
    // What the cookie SYN-ACK advertised.
    this.#rcvAdvEdge = seqAdd(this.#rcvNxt, Math.min(this.#rcv.space, 65535));
    this.#lastAckSent = this.#rcvNxt;
  }

  /**
   * Whether a SYN for this tuple may replace this TIME-WAIT connection (RFC 6191): its timestamp or
   * its sequence number is newer than anything of the old connection.
   */
  acceptsNewSyn(seg: TcpHeader): boolean {
    if (this.state !== "TIME-WAIT") return false;
    if (this.#tsOk && seg.hasTimestamp) return seqGt(seg.tsVal, this.#tsRecent);
    return seqGt(seg.seq, this.#rcvNxt);
  }

  // ---------------------------------------------------------------- application calls

  /** Copies as much of `data` as fits into the send buffer; returns the bytes taken. */
  append(data: Uint8Array): number {
    if (!this.writable) return 0;
    const before = this.#snd.allocated;
    const n = this.#snd.append(data);
    this.#counters.sendBuffered += n;
    this.#counters.allocated += this.#snd.allocated - before;
    return n;
  }

  /** Sends what the windows and Nagle allow. */
  flush(): void {
    if (!this.isOpen) return;
    this.#clock.hold();
    try {
      this.#output();
    } finally {
      this.#clock.release();
    }
  }

  /**
   * Takes the readable bytes, at most {@link READ_CHUNK} (a fresh array), then opens the window if
   * that freed enough.
   */
  read(): Uint8Array {
    const data = this.#rcv.read(READ_CHUNK);
    this.#counters.receiveBuffered -= data.length;
    if (!this.isOpen) {
      if (this.#rcv.readable === 0) this.#releaseReceive();
    } else if (data.length > 0) {
      this.#windowUpdateAfterRead();
    }
    return data;
  }

  /** Shuts the read side: buffered and future data are discarded (and still acknowledged). */
  shutdownRead(): void {
    if (this.#readShut) return;
    this.#readShut = true;
    const readable = this.#rcv.readable;
    this.#rcv.discardReadable();
    this.#counters.receiveBuffered -= readable;
    if (readable > 0) this.#windowUpdateAfterRead();
    this.observer?.wake();
  }

  /** Shuts the write side: a FIN follows the buffered data (RFC 9293 §3.10.4). */
  shutdownWrite(): void {
    if (this.#writeShut || !this.isOpen) return;
    if (this.state === "SYN-SENT" || this.state === "SYN-RECEIVED") {
      this.abort();
      return;
    }
    this.#writeShut = true;
    this.#finSeq = seqAdd(this.#bufSeq(), this.#snd.length);
    if (this.state === "ESTABLISHED") this.state = "FIN-WAIT-1";
    else if (this.state === "CLOSE-WAIT") this.state = "LAST-ACK";
    this.#output();
  }

  /**
   * The application released the flow: unread data makes it a reset (RFC 1122 §4.2.2.13); otherwise
   * both sides shut, and FIN-WAIT-2 gets a time limit.
   */
  close(): void {
    if (!this.isOpen) {
      this.#releaseReceive();
      return;
    }
    this.#userClosed = true;
    if (this.#rcv.readable > 0) {
      this.abort();
      return;
    }
    this.shutdownRead();
    this.shutdownWrite();
    if (this.state === "FIN-WAIT-2") this.#timers.set(TimerKind.Linger, this.#config.finWait2TimeoutMs);
  }

  /** Drops the connection at once, telling a synchronised peer with a RST. */
  /** Our initial sequence number. */
  get iss(): number {
    return this.#iss;
  }

  /** Drops a half-open connection without a segment: a SYN cookie it never knew of opened the connection. */
  forget(): void {
    if (this.isOpen) this.#destroy(undefined);
  }

  abort(): void {
    if (!this.isOpen) return;
    if (this.state !== "SYN-SENT" && this.state !== "TIME-WAIT") {
      this.#emit(this.#sndNxt, RST | ACK, 0);
      this.#counters.resetsSent++;
    }
    this.#destroy(undefined);
  }

  // ---------------------------------------------------------------- segment arrival

  /** Processes one received segment (checksum already verified) whose payload is `payload`. */
  input(seg: TcpHeader, payload: Uint8Array): void {
    switch (this.state) {
      case "CLOSED":
        return;
      case "SYN-SENT":
        this.#inputSynSent(seg, payload);
        return;
      default:
        this.#inputSynchronized(seg, payload);
    }
  }

  // RFC 9293 §3.10.7.3.
  #inputSynSent(seg: TcpHeader, payload: Uint8Array): void {
    const hasAck = seg.has(ACK);
    if (hasAck && (seqLe(seg.ack, this.#iss) || seqGt(seg.ack, this.#sndNxt))) {
      if (!seg.has(RST)) this.#sendBareRst(seg.ack);
      return;
    }
    if (seg.has(RST)) {
      // Without an acceptable ACK a RST is blind and ignored (RFC 5961 §3.2).
      if (hasAck) {
        this.#counters.resetsReceived++;
        this.#destroy(REFUSED);
      }
      return;
    }
    if (!seg.has(SYN)) return;
    this.#takeSyn(seg);
    if (hasAck) {
      this.#sndUna = seg.ack;
      this.#sndWnd = seg.window; // never scaled in a SYN (RFC 7323 §2.2)
      this.#sndWl1 = seg.seq;
      this.#sndWl2 = seg.ack;
      this.#maxSndWnd = this.#sndWnd;
      this.#sampleRtt(seg);
      this.#retries = 0;
      this.#timers.clear(TimerKind.Retransmit);
      this.#establish();
      this.#ackNow = true;
      if (payload.length > 0 || seg.has(FIN)) this.#receive(seg, payload, seqAdd(seg.seq, 1));
      this.#output();
      return;
    }
    // Simultaneous open: answer with SYN-ACK from the same ISS.
    this.state = "SYN-RECEIVED";
    this.#sndWnd = seg.window;
    this.#sndWl1 = seg.seq;
    this.#sndWl2 = this.#iss;
    this.#sendSyn(true);
    this.#rttTiming = false;
    this.#timers.set(TimerKind.Retransmit, this.#rto.rto);
  }

  // RFC 9293 §3.10.7.4 with RFC 5961 and RFC 7323, for every state from SYN-RECEIVED on.
  #inputSynchronized(seg: TcpHeader, payload: Uint8Array): void {
    let syn = seg.has(SYN);
    const rst = seg.has(RST);
    let seq = seg.seq;
    if (this.state === "SYN-RECEIVED" && syn && !rst) {
      if (!seg.has(ACK) && seq === this.#irs) {
        // The peer did not get our SYN-ACK and sent its SYN again.
        this.peerRetried = true;
        if (this.#invalidAnswerAllowed()) this.#sendSyn(true);
        return;
      }
      if (seg.has(ACK) && seq === this.#irs && seg.ack === this.#sndNxt) {
        // The SYN-ACK of a simultaneous open: take it as the ACK completing the handshake.
        syn = false;
        seq = seqAdd(seq, 1);
      }
    }
    const len = payload.length;
    const segLen = len + (syn ? 1 : 0) + (seg.has(FIN) ? 1 : 0);

    // PAWS (RFC 7323 §5.3): an older timestamp marks an old duplicate.
    if (this.#tsOk && seg.hasTimestamp && !rst && seqLt(seg.tsVal, this.#tsRecent)) {
      this.#counters.pawsDropped++;
      if (this.#mayAnswerInvalid(seg, len)) this.#sendAck();
      return;
    }
    // 1. Sequence number acceptability.
    const wnd = this.#rcv.space;
    if (!this.#acceptable(seq, segLen, wnd)) {
      if (!rst) {
        if (this.state === "TIME-WAIT" && seg.has(FIN)) this.#timers.set(TimerKind.Linger, this.#config.timeWaitMs);
        if (this.#mayAnswerInvalid(seg, len)) this.#sendAck();
      }
      return;
    }
    this.#lastAckAt = this.#clock.now();
    this.#keepaliveProbes = 0;
    this.#probesUnanswered = 0;
    // 2. RST (RFC 5961 §3.2): only an exact match resets, an in-window one gets a challenge ACK.
    if (rst) {
      if (seq !== this.#rcvNxt) {
        this.#challengeAck();
        return;
      }
      this.#onReset();
      return;
    }
    // 4. SYN in a synchronised state (RFC 5961 §4.2): challenge ACK, whatever its sequence number.
    if (syn) {
      this.#challengeAck();
      return;
    }
    // 5. ACK.
    if (!seg.has(ACK)) return;
    if (this.state === "SYN-RECEIVED") {
      if (!(seqLt(this.#sndUna, seg.ack) && seqLe(seg.ack, this.#sndNxt))) {
        this.#sendBareRst(seg.ack);
        return;
      }
      if (this.passive) this.#counters.halfOpen--;
      this.#sndWnd = seg.window << this.#sndShift;
      this.#sndWl1 = seq;
      this.#sndWl2 = seg.ack;
      this.#maxSndWnd = this.#sndWnd;
      this.#establish();
    }
    // RFC 5961 §5.2: an ACK of data never sent, or older than the largest window, gets an ACK back.
    if (seqGt(seg.ack, this.#sndNxt)) {
      this.#challengeAck();
      return;
    }
    if (seqLt(seg.ack, seqAdd(this.#sndUna, -this.#maxSndWnd))) {
      this.#challengeAck();
      return;
    }
    if (this.#tsOk && seg.hasTimestamp && seqLe(seq, this.#lastAckSent)) this.#tsRecent = seg.tsVal;
    this.#processAck(seg, seq, len);
    if (!this.isOpen) return;
    // 7–8. Text and FIN.
    if (len > 0 || seg.has(FIN)) this.#receive(seg, payload, seq);
    this.#armKeepalive();
    this.#output();
  }

  // The acceptability test of RFC 9293 §3.10.7.4, with the zero-window allowance for ACKs: a segment
  // starting exactly at RCV.NXT is processed even when its text cannot be taken.
  #acceptable(seq: number, segLen: number, wnd: number): boolean {
    const off = seqDiff(seq, this.#rcvNxt);
    if (off === 0) return true;
    if (segLen === 0) return wnd > 0 && off >= 0 && off < wnd;
    if (wnd === 0) return false;
    const endOff = off + segLen - 1;
    return (off >= 0 && off < wnd) || (endOff >= 0 && endOff < wnd);
  }

  #onReset(): void {
    this.#counters.resetsReceived++;
    switch (this.state) {
      case "SYN-RECEIVED":
        // A passive half-open connection goes back to LISTEN: nothing to report.
        this.#destroy(this.passive ? undefined : REFUSED);
        return;
      case "TIME-WAIT":
        // RFC 1337: ignore RSTs in TIME-WAIT, so an old duplicate cannot cut it short.
        return;
      case "CLOSING":
      case "LAST-ACK":
        this.#destroy(undefined);
        return;
      default:
        this.#destroy({ kind: "reset" });
    }
  }

  #processAck(seg: TcpHeader, seq: number, len: number): void {
    const ack = seg.ack;
    const recovery = this.#recovery;
    const prevUna = this.#sndUna;
    const window = seg.window << this.#sndShift;
    let newlySacked = 0;
    if (seqGt(ack, prevUna)) {
      const pipeBefore = recovery.pipe(prevUna, this.#sndNxt);
      const acked = seqDiff(ack, prevUna);
      this.#releaseAcked(ack);
      this.#sndUna = ack;
      // Read once: a real clock's `now()` is not free, and this runs for every ACK.
      const now = this.#clock.now();
      this.#progressAt = now;
      this.#retries = 0;
      this.#softError = undefined;
      this.#sampleRtt(seg);
      this.#rto.clearBackoff();
      if (this.#sackOk) newlySacked = this.#takeSack(seg);
      const cc = this.#cc!;
      // Eifel detection (RFC 3522): while every cumulative ACK covering retransmitted data echoes a
      // timestamp older than the first retransmission, the holes were filled by the original
      // segments (they were reordered, not lost). One such ACK that does not invalidates the evidence;
      // ACKs beyond the retransmitted data say nothing either way.
      let spurious = false;
      if (this.#undoArmed && recovery.phase === "recovery" && seqLt(prevUna, recovery.highRxt)) {
        if (seg.hasTimestamp && seg.tsEcr !== 0 && seqLt(seg.tsEcr, this.#undoTsVal)) {
          // The first hole is filled and it was the only retransmission: undo at once.
          spurious = seqGt(ack, this.#undoSeq) && seqLe(recovery.highRxt, seqAdd(this.#undoSeq, this.#smss));
        } else {
          this.#undoArmed = false;
        }
      }
      if (spurious) {
        this.#undoArmed = false;
        this.#counters.spuriousRecoveries++;
        cc.onUndo(now);
        recovery.abandon(prevUna);
      }
      const outcome = recovery.onCumulativeAck(ack, this.#sndNxt, acked);
      if (outcome === "exit-recovery" && this.#undoArmed) {
        // The whole recovery was reordering: restore the window instead of settling at ssthresh.
        this.#undoArmed = false;
        this.#counters.spuriousRecoveries++;
        cc.onUndo(now);
      } else if (outcome === "exit-recovery") cc.onRecoveryEnd(now);
      else if (outcome !== "partial" || recovery.phase === "loss") {
        const limited = this.#cwndBlocked || pipeBefore >= cc.cwnd;
        // The peer acknowledges a segmented write at once, one ACK for many segments: counted as the
        // ACKs of every other segment, so byte counting's per-ACK cap does not stall slow start.
        for (const part of this.#offload.ackParts(acked, this.#smss)) cc.onAck(part, limited, now, this.#rto.srtt);
      }
      if (seqLt(this.#sndUna, this.#sndNxt)) this.#timers.set(TimerKind.Retransmit, this.#rtoDelay());
      else if (!this.#persisting) this.#timers.clear(TimerKind.Retransmit);
      if (this.#writeShut && seqGt(ack, this.#finSeq)) this.#onFinAcked();
      if (!this.isOpen) return;
      this.observer?.wake();
    } else if (ack === prevUna) {
      if (this.#sackOk) newlySacked = this.#takeSack(seg);
      const outstanding = seqGt(this.#sndNxt, prevUna);
      const duplicate =
        outstanding && len === 0 && !seg.has(FIN) && (this.#sackOk ? newlySacked > 0 : window === this.#sndWnd);
      if (duplicate && recovery.phase !== "loss") recovery.onDupAck(prevUna);
    }
    // Window update (RFC 9293 §3.10.7.4, SND.WL1/WL2 guard against old segments).
    if (seqLt(this.#sndWl1, seq) || (this.#sndWl1 === seq && seqLe(this.#sndWl2, ack))) {
      this.#sndWnd = window;
      this.#sndWl1 = seq;
      this.#sndWl2 = ack;
      if (window > this.#maxSndWnd) this.#maxSndWnd = window;
    }
    if (recovery.shouldEnterRecovery(this.#sndUna) && seqGt(this.#sndNxt, this.#sndUna)) {
      this.#counters.fastRecoveries++;
      this.#cc!.onCongestion(seqDiff(this.#sndNxt, this.#sndUna), this.#clock.now());
      recovery.enterRecovery(this.#sndUna, this.#sndNxt);
      this.#forceRetransmit = true;
      if (this.#tsOk) {
        this.#undoArmed = true;
        this.#undoSeq = this.#sndUna;
        this.#undoTsVal = this.#tsNow();
      }
      this.#rttTiming = false;
    }
  }

  #takeSack(seg: TcpHeader): number {
    let added = 0;
    for (let k = 0; k < seg.sackCount; k++) {
      added += this.#recovery.scoreboard.add(
        seg.sackBlocks[2 * k]!,
        seg.sackBlocks[2 * k + 1]!,
        this.#sndUna,
        this.#sndNxt,
      );
    }
    return added;
  }

  // Frees the acknowledged bytes of the send buffer (the SYN and FIN take sequence space, not bytes).
  #releaseAcked(ack: number): void {
    const bufSeq = this.#bufSeq();
    let end = ack;
    if (this.#writeShut && seqGt(end, this.#finSeq)) end = this.#finSeq;
    const n = seqDiff(end, bufSeq);
    if (n > 0) {
      this.#snd.consume(n);
      this.#counters.sendBuffered -= n;
    }
  }

  #onFinAcked(): void {
    switch (this.state) {
      case "FIN-WAIT-1":
        this.state = "FIN-WAIT-2";
        this.#timers.clear(TimerKind.Retransmit);
        if (this.#userClosed) this.#timers.set(TimerKind.Linger, this.#config.finWait2TimeoutMs);
        return;
      case "CLOSING":
        this.#enterTimeWait();
        return;
      case "LAST-ACK":
        this.#destroy(undefined);
        return;
      default:
        return;
    }
  }

  // Segment text and FIN (RFC 9293 §3.10.7.4 steps 7 and 8). `seq` is where the text starts.
  #receive(seg: TcpHeader, payload: Uint8Array, seq: number): void {
    const canReceive = this.state === "ESTABLISHED" || this.state === "FIN-WAIT-1" || this.state === "FIN-WAIT-2";
    if (!canReceive) {
      // Data or FIN after the peer's FIN: already acknowledged, acknowledge again.
      if (payload.length > 0 || seg.has(FIN)) this.#ackNow = true;
      return;
    }
    let data = payload;
    if (this.#peerFinSeen) {
      // Nothing exists past a FIN already seen; a hostile peer's extra bytes are dropped.
      const room = seqDiff(this.#peerFinSeq, seq);
      if (room <= 0) data = data.subarray(0, 0);
      else if (room < data.length) data = data.subarray(0, room);
    }
    if (data.length > 0) {
      if (this.#userClosed) {
        // New data after the application closed: nobody will read it (RFC 1122 §4.2.2.13).
        this.abort();
        return;
      }
      const hadOutOfOrder = this.#rcv.hasOutOfOrder;
      const before = this.#rcv.readable + this.#rcv.outOfOrderBytes;
      const allocated = this.#rcv.allocated;
      const advanced = this.#rcv.write(seq, data);
      this.#counters.allocated += this.#rcv.allocated - allocated;
      if (this.#readShut) this.#rcv.discardReadable();
      this.#counters.receiveBuffered += this.#rcv.readable + this.#rcv.outOfOrderBytes - before;
      if (advanced > 0) {
        this.#rcvNxt = this.#rcv.nxt;
        if (hadOutOfOrder || this.#config.delayedAckMs === 0) this.#ackNow = true;
        else if (++this.#segsSinceAck >= 2) this.#ackAfterBurst();
        else {
          this.#ackDueAt = this.#clock.now() + this.#config.delayedAckMs;
          this.#timers.setIfUnset(TimerKind.DelayedAck, this.#config.delayedAckMs);
        }
        this.observer?.wake();
      } else {
        // Out of order or a duplicate: an immediate ACK (with SACK blocks) drives the sender's recovery.
        this.#ackNow = true;
      }
    }
    if (seg.has(FIN) && !this.#peerFinSeen) {
      const finSeq = seqAdd(seq, payload.length);
      // A FIN is taken only if all the text before it fitted in the window.
      if (seqLe(finSeq, seqAdd(this.#rcvNxt, this.#rcv.space))) {
        this.#peerFinSeen = true;
        this.#peerFinSeq = finSeq;
      }
    }
    if (this.#peerFinSeen && !this.#finReceived && this.#rcv.nxt === this.#peerFinSeq) this.#consumeFin();
  }

  // The ACK owed for every second segment goes once the segments that arrived together (one batch
  // from the device) are all processed, as Linux acknowledges a GRO batch: a burst costs both ends
  // one ACK instead of one per two segments. Out-of-order and duplicate segments still get an ACK
  // each (the sender counts them), and a burst never goes unacknowledged for more than a quarter of
  // the receive buffer.
  #ackAfterBurst(): void {
    if (seqDiff(this.#rcvNxt, this.#lastAckSent) >= Math.min(MAX_BURST_ACK_BYTES, this.#rcv.capacity / 4)) {
      this.#ackNow = true;
      return;
    }
    if (this.#ackDeferred) return;
    this.#ackDeferred = true;
    this.#host.ackAfterBurst(this);
  }

  /** Sends the ACK deferred to the end of a burst, unless one went out since. */
  sendDeferredAck(): void {
    if (!this.#ackDeferred) return;
    this.#ackDeferred = false;
    if (this.isOpen && this.#segsSinceAck > 0) this.#sendAck();
  }

  #consumeFin(): void {
    this.#finReceived = true;
    this.#rcvNxt = seqAdd(this.#peerFinSeq, 1);
    this.#ackNow = true;
    switch (this.state) {
      case "ESTABLISHED":
        this.state = "CLOSE-WAIT";
        break;
      case "FIN-WAIT-1":
        if (this.#writeShut && seqGt(this.#sndUna, this.#finSeq)) this.#enterTimeWait();
        else this.state = "CLOSING";
        break;
      case "FIN-WAIT-2":
        this.#enterTimeWait();
        break;
      default:
        break;
    }
    this.observer?.wake();
  }

  // ---------------------------------------------------------------- ICMP errors

  /**
   * An ICMP error quoting a segment of this connection that started at `seq` (RFC 1122 §4.2.3.9,
   * RFC 5927, RFC 5461); with `fragmentation-needed`, `nextHopMss` is the largest segment (TCP
   * header included, as `pathMss`) the next hop carries, or 0 if unknown. Returns whether the error
   * was taken: it is ignored unless `seq` lies in [SND.UNA, SND.NXT), where only a party that saw
   * our segments can place it (RFC 5927 §4.1), and when it says nothing new.
   */
  icmpError(kind: IcmpErrorKind, seq: number, nextHopMss: number): boolean {
    if (!this.isOpen || !(seqGe(seq, this.#sndUna) && seqLt(seq, this.#sndNxt))) return false;
    if (kind === "fragmentation-needed") return nextHopMss > 0 && this.#pathMtuShrank(nextHopMss);
    if (HARD_ERRORS.has(kind)) {
      if (this.state === "SYN-SENT") {
        this.#destroy(REFUSED);
        return true;
      }
      if (this.state === "SYN-RECEIVED" && this.passive) {
        // The SYN came from a host that cannot take our answer: drop the half-open entry quietly,
        // as Linux does (it frees the backlog of requests from spoofed addresses sooner).
        this.#destroy(undefined);
        return true;
      }
    }
    this.#softError = SOFT_ERRORS[kind];
    return true;
  }

  // RFC 1191 §6.1: the segment size follows the smaller path MTU, and what is in flight at the old
  // size was dropped by the router: it goes again at once at the new size, without a congestion
  // response (as Linux's tcp_simple_retransmit), since a too-small link says nothing of congestion.
  #pathMtuShrank(nextHopMss: number): boolean {
    const pathMss = Math.max(MIN_MSS, nextHopMss);
    if (pathMss >= this.#pathMss) return false;
    this.#pathMss = pathMss;
    this.#counters.pmtuReductions++;
    // In SYN-SENT the segment size is set when the SYN-ACK arrives, from the new path MSS.
    if (this.state === "SYN-SENT") return true;
    const smss = Math.min(this.#peerMss, pathMss) - (this.#tsOk ? TIMESTAMP_OPTION : 0);
    if (smss >= this.#smss) return true;
    this.#smss = smss;
    this.#recovery.resize(smss);
    // In SYN-RECEIVED no data is in flight yet.
    if (this.#cc === undefined || !seqGt(this.#sndNxt, this.#sndUna)) return true;
    this.#recovery.markLost(this.#sndUna, this.#sndNxt);
    this.#undoArmed = false;
    this.#rttTiming = false;
    this.#output();
    return true;
  }

  // ---------------------------------------------------------------- output

  // Sends retransmissions, new data and the FIN as the congestion window, the peer's window, Nagle
  // and sender-side silly window avoidance allow, then any ACK still owed, then sets the timers.
  #output(): void {
    const state = this.state;
    if (state === "SYN-SENT" || state === "SYN-RECEIVED" || state === "CLOSED" || state === "TIME-WAIT") {
      if (this.#ackNow && state === "TIME-WAIT") this.#sendAck();
      return;
    }
    const recovery = this.#recovery;
    const cc = this.#cc!;
    this.#cwndBlocked = false;
    // Rules 3 and 4 retransmissions do not raise `pipe` here, so allow one per call (one per ACK).
    let rescued = false;
    for (;;) {
      const una = this.#sndUna;
      const nxt = this.#sndNxt;
      const pipe = recovery.pipe(una, nxt);
      const room = cc.cwnd - pipe;
      const maxPayload = this.#maxPayload();
      if (recovery.phase !== "open" && recovery.nextRetransmit(una, nxt, maxPayload)) {
        const span = seqDiff(recovery.rtxEnd, recovery.rtxStart);
        // Entering recovery retransmits the first lost segment whatever the pipe (RFC 6675 §5 step 4.3).
        if (room < Math.min(span, this.#smss) && !this.#forceRetransmit) {
          this.#cwndBlocked = true;
          break;
        }
        this.#forceRetransmit = false;
        this.#sendRange(recovery.rtxStart, recovery.rtxEnd, true);
        recovery.retransmitted(recovery.rtxEnd);
        continue;
      }
      const dataEnd = seqAdd(this.#bufSeq(), this.#snd.length);
      const unsent = seqDiff(dataEnd, nxt);
      if (unsent > 0) {
        const wndLeft = seqDiff(seqAdd(una, this.#sndWnd), nxt);
        const len = this.#offload.burst(Math.min(unsent, wndLeft, room), maxPayload, unsent);
        if (len <= 0) {
          if (room <= 0 && wndLeft > 0) this.#cwndBlocked = true;
          break;
        }
        if (len < maxPayload) {
          if (len < unsent) {
            // Sender SWS avoidance (RFC 9293 §3.8.6.2.1): a partial segment with more data queued
            // goes only if it is at least half the largest window the peer offered.
            if (len === room && len < wndLeft) this.#cwndBlocked = true;
            if (!(len === wndLeft && len >= this.#maxSndWnd / 2)) break;
          } else if (!this.noDelay && !this.#writeShut && seqGt(this.#smallEnd, una)) {
            // Nagle (RFC 896) with Minshall's refinement: hold a small segment while another small
            // one is unacknowledged, so the tail of a large write is not delayed by a round trip.
            break;
          }
          this.#smallEnd = seqAdd(nxt, len);
        }
        const end = seqAdd(nxt, len);
        const withFin = this.#writeShut && end === this.#finSeq;
        this.#sendRange(nxt, withFin ? seqAdd(end, 1) : end, false);
        continue;
      }
      if (this.#writeShut && nxt === this.#finSeq) {
        this.#sendRange(nxt, seqAdd(nxt, 1), false);
        continue;
      }
      if (!rescued && room >= this.#smss && recovery.nextRescue(una, nxt, maxPayload)) {
        rescued = true;
        this.#sendRange(recovery.rtxStart, recovery.rtxEnd, true);
        if (!recovery.rescue) recovery.retransmitted(recovery.rtxEnd);
        continue;
      }
      break;
    }
    this.#armSendTimers();
    if (this.#ackNow) this.#sendAck();
  }

  // Sends [start, end) of the sequence space; the FIN, if inside, is flagged.
  #sendRange(start: number, end: number, retransmit: boolean): void {
    const finInside = this.#writeShut && seqLe(start, this.#finSeq) && seqGt(end, this.#finSeq);
    const dataEnd = finInside ? this.#finSeq : end;
    const len = seqDiff(dataEnd, start);
    let flags = ACK;
    if (len > 0 && seqAdd(start, len) === seqAdd(this.#bufSeq(), this.#snd.length)) flags |= PSH;
    if (finInside) flags |= FIN;
    if (seqGe(this.#sndUna, this.#sndNxt)) this.#progressAt = this.#clock.now();
    if (retransmit) {
      this.#counters.retransmittedSegments++;
      // Karn: a retransmitted range gives no RTT sample.
      if (this.#rttTiming && seqLt(start, this.#rttSeq)) this.#rttTiming = false;
    }
    this.#emit(start, flags, len);
    if (seqGt(end, this.#sndNxt)) {
      if (!this.#tsOk && !this.#rttTiming && !retransmit) this.#startTiming(start);
      this.#sndNxt = end;
    }
  }

  #armSendTimers(): void {
    if (seqGt(this.#sndNxt, this.#sndUna)) {
      if (this.#persisting) {
        this.#persisting = false;
        this.#timers.clear(TimerKind.Retransmit);
      }
      this.#timers.setIfUnset(TimerKind.Retransmit, this.#rtoDelay());
      return;
    }
    const unsent = this.#snd.length - seqDiff(this.#sndNxt, this.#bufSeq());
    const finPending = this.#writeShut && this.#sndNxt === this.#finSeq;
    if (unsent > 0 && !finPending && !this.#persisting) {
      // Nothing in flight and data we may not send: the persist timer will probe the window.
      this.#persisting = true;
      this.#persistBackoff = 0;
      this.#timers.set(TimerKind.Retransmit, this.#rto.rto);
    } else if (unsent === 0 && this.#persisting) {
      this.#persisting = false;
      this.#timers.clear(TimerKind.Retransmit);
    }
  }

  // The payload that fits one segment next to the options it will carry.
  #maxPayload(): number {
    if (this.#sackOk && this.#rcv.hasOutOfOrder) return this.#smss - 4 - 8 * (this.#tsOk ? 3 : 4);
    return this.#smss;
  }

  #sendAck(): void {
    this.#emit(this.#sndNxt, ACK, 0);
  }

  // RFC 5961 §7: challenge ACKs are rate limited per connection, after the interval all answers to
  // invalid segments keep (as Linux's tcp_send_challenge_ack, which exempts no data segment).
  #challengeAck(): void {
    if (!this.#invalidAnswerAllowed()) return;
    const now = this.#clock.now();
    if (now - this.#challengeWindowStart >= 1000) {
      this.#challengeWindowStart = now;
      this.#challengeCount = 0;
    }
    if (this.#challengeCount >= this.#config.challengeAckLimit) {
      this.#counters.challengeAcksSuppressed++;
      return;
    }
    this.#challengeCount++;
    this.#counters.challengeAcks++;
    this.#sendAck();
  }

  // An answer to a segment we cannot accept, under the interval of #invalidAnswerAllowed, unless the
  // segment carries data or a FIN without a SYN: their sender needs the ACK to stop retransmitting
  // (our earlier ACK was lost), and an ACK loop carries neither (Linux's tcp_oow_rate_limited).
  #mayAnswerInvalid(seg: TcpHeader, dataLen: number): boolean {
    return ((dataLen > 0 || seg.has(FIN)) && !seg.has(SYN)) || this.#invalidAnswerAllowed();
  }

  // Linux's tcp_invalid_ratelimit: at most one answer per interval to segments we cannot accept, so
  // two ends that each find the other out of window stop answering each other at the second exchange,
  // and forged segments get few answers.
  #invalidAnswerAllowed(): boolean {
    const now = this.#clock.now();
    if (now - this.#invalidAnsweredAt < this.#config.invalidRateLimitMs) {
      this.#counters.invalidAcksRateLimited++;
      return false;
    }
    this.#invalidAnsweredAt = now;
    return true;
  }

  // A RST answering an unacceptable ACK: <SEQ=SEG.ACK><CTL=RST>.
  #sendBareRst(seq: number): void {
    const h = this.#host.txHeader;
    this.#fillHeader(h, seq, RST, 0);
    h.window = 0;
    this.#counters.resetsSent++;
    this.#transmit(h, 0, 0);
  }

  #sendSyn(withAck: boolean): void {
    const h = this.#host.txHeader;
    this.#fillHeader(h, this.#iss, withAck ? SYN | ACK : SYN, withAck ? this.#rcvNxt : 0);
    h.window = Math.min(this.#rcv.space, 65535);
    h.mss = this.#ourMss;
    if (this.#offerWs) h.windowScale = this.#rcvShift;
    if (this.#offerSack) h.sackPermitted = true;
    if (this.#offerTs) {
      h.hasTimestamp = true;
      h.tsVal = this.#tsNow();
      h.tsEcr = withAck ? this.#tsRecent : 0;
    }
    if (withAck) {
      this.#rcvAdvEdge = seqAdd(this.#rcvNxt, h.window);
      this.#lastAckSent = this.#rcvNxt;
    }
    this.#transmit(h, 0, 0);
  }

  // Builds and sends an ordinary segment: ACK (when flagged), window, timestamps, SACK blocks.
  #emit(seq: number, flags: number, dataLen: number): void {
    const h = this.#host.txHeader;
    const hasAck = (flags & ACK) !== 0;
    this.#fillHeader(h, seq, flags, hasAck ? this.#rcvNxt : 0);
    h.window = this.#windowField();
    if (this.#tsOk) {
      h.hasTimestamp = true;
      h.tsVal = this.#tsNow();
      h.tsEcr = this.#tsRecent;
    }
    if (hasAck && this.#sackOk && this.#rcv.hasOutOfOrder) {
      h.sackCount = this.#rcv.sackBlocks(h.sackBlocks, this.#tsOk ? 3 : 4);
    }
    this.#transmit(h, dataLen > 0 ? seqDiff(seq, this.#bufSeq()) : 0, dataLen);
    if (hasAck) {
      this.#lastAckSent = this.#rcvNxt;
      this.#ackNow = false;
      // The delayed-ACK deadline is left to lapse (#onDelayedAck then finds nothing owed): in a bulk
      // transfer every other segment would otherwise arm a clock timer only to cancel it at the next.
      this.#segsSinceAck = 0;
    }
  }

  #fillHeader(h: TcpHeader, seq: number, flags: number, ack: number): void {
    h.srcPort = this.localPort;
    h.dstPort = this.remotePort;
    h.seq = seq >>> 0;
    h.ack = ack >>> 0;
    h.flags = flags;
    h.urgent = 0;
    h.clearOptions();
  }

  #transmit(h: TcpHeader, dataOffset: number, dataLen: number): void {
    const headerLength = h.encodedLength();
    const header = new Uint8Array(headerLength);
    h.encode(header);
    const parts = [header];
    if (dataLen > 0) this.#snd.views(dataOffset, dataLen, parts);
    const offload = this.#offload;
    const checksum = offload.partialChecksum
      ? partialChecksum(this.pseudoSum, headerLength + dataLen)
      : segmentChecksum(parts, this.pseudoSum, headerLength + dataLen);
    header[16] = checksum >>> 8;
    header[17] = checksum & 0xff;
    this.#counters.segmentsOut++;
    this.#host.transmit(this, parts, offload.options(dataLen, this.#maxPayload()));
  }

  // The window to advertise, with receiver-side SWS avoidance (RFC 9293 §3.8.6.2.2): the right edge
  // moves only by at least min(buffer / 2, MSS), and never back.
  #windowField(): number {
    const space = this.#rcv.space;
    const advertised = Math.max(0, seqDiff(this.#rcvAdvEdge, this.#rcvNxt));
    let wnd = space;
    if (wnd > advertised && wnd - advertised < Math.min(this.#rcv.capacity / 2, this.#ourMss)) wnd = advertised;
    const shift = this.#wsOk ? this.#rcvShift : 0;
    const field = Math.min(wnd >>> shift, 65535);
    const edge = seqAdd(this.#rcvNxt, field << shift);
    if (seqGt(edge, this.#rcvAdvEdge)) this.#rcvAdvEdge = edge;
    return field;
  }

  #windowUpdateAfterRead(): void {
    if (this.state !== "ESTABLISHED" && this.state !== "FIN-WAIT-1" && this.state !== "FIN-WAIT-2") return;
    const advertised = Math.max(0, seqDiff(this.#rcvAdvEdge, this.#rcvNxt));
    // Only what the window field can express counts (without scaling it tops out at 65535).
    const space = Math.min(this.#rcv.space, 65535 * 2 ** (this.#wsOk ? this.#rcvShift : 0));
    // Tell the peer at once when the window at least doubled (as Linux does) by a worthwhile amount;
    // smaller openings wait for the next ACK, so a reader does not cost one ACK per read.
    if (space >= 2 * advertised && space - advertised >= Math.min(this.#rcv.capacity / 2, this.#ourMss))
      this.#sendAck();
  }

  // ---------------------------------------------------------------- timers

  // A bug must not escape into the clock's caller: count it and drop the connection.
  #guardedTimer(kind: TimerKind): void {
    try {
      this.#onTimer(kind);
    } catch {
      this.#counters.internalErrors++;
      try {
        this.abort();
      } catch {
        this.#counters.internalErrors++;
      }
    }
  }

  #onTimer(kind: TimerKind): void {
    if (!this.isOpen) return;
    switch (kind) {
      case TimerKind.Retransmit:
        if (this.#persisting) this.#onPersist();
        else this.#onRetransmitTimeout();
        return;
      case TimerKind.DelayedAck:
        this.#onDelayedAck();
        return;
      case TimerKind.Keepalive:
        this.#onKeepalive();
        return;
      case TimerKind.Linger:
        this.#destroy(undefined);
        return;
    }
  }

  // The deadline may be a lapsed one, left set when an ACK went out earlier: acknowledge only a
  // segment still unacknowledged, and only once its own delay has run.
  #onDelayedAck(): void {
    if (this.#segsSinceAck === 0) return;
    const left = this.#ackDueAt - this.#clock.now();
    if (left > 0) this.#timers.set(TimerKind.DelayedAck, left);
    else this.#sendAck();
  }

  #onRetransmitTimeout(): void {
    const now = this.#clock.now();
    this.#counters.timeouts++;
    if (this.state === "SYN-SENT" || this.state === "SYN-RECEIVED") {
      const limit = this.state === "SYN-SENT" ? this.#config.synRetries : this.#config.synAckRetries;
      if (this.#retries >= limit) {
        this.#counters.timedOut++;
        this.#destroy(this.passive ? undefined : (this.#softError ?? TIMEOUT));
        return;
      }
      this.#retries++;
      this.#rto.expired();
      this.#rttTiming = false;
      this.#counters.retransmittedSegments++;
      this.#sendSyn(this.state === "SYN-RECEIVED");
      this.#timers.set(TimerKind.Retransmit, this.#rto.rto);
      return;
    }
    if (!seqGt(this.#sndNxt, this.#sndUna)) return;
    if (this.#retries >= this.#config.maxRetransmits || now - this.#progressAt >= this.#config.userTimeoutMs) {
      this.#timeout();
      return;
    }
    this.#retries++;
    this.#undoArmed = false;
    const flight = seqDiff(this.#sndNxt, this.#sndUna);
    this.#cc!.onTimeout(flight, now);
    this.#recovery.onTimeout(this.#sndUna, this.#sndNxt, this.#rto.backoff > 0);
    this.#rto.expired();
    this.#rttTiming = false;
    this.#output();
    this.#timers.set(TimerKind.Retransmit, this.#rtoDelay());
  }

  // Zero-window probing (RFC 9293 §3.8.6.1) with exponential backoff. A window too small for the
  // sender's SWS rule gets the data that fits (the override timeout of §3.8.6.2.1); a zero window
  // gets a segment with an old sequence number, which any receiver must answer with its window.
  #onPersist(): void {
    const unsent = this.#snd.length - seqDiff(this.#sndNxt, this.#bufSeq());
    if (unsent <= 0 || seqGt(this.#sndNxt, this.#sndUna)) {
      this.#persisting = false;
      this.#armSendTimers();
      return;
    }
    const now = this.#clock.now();
    if (this.#probesUnanswered >= this.#config.maxRetransmits || now - this.#lastAckAt >= this.#config.userTimeoutMs) {
      this.#timeout();
      return;
    }
    const wndLeft = seqDiff(seqAdd(this.#sndUna, this.#sndWnd), this.#sndNxt);
    if (wndLeft > 0) {
      const len = Math.min(wndLeft, unsent, this.#maxPayload());
      this.#persisting = false;
      this.#sendRange(this.#sndNxt, seqAdd(this.#sndNxt, len), false);
      this.#armSendTimers();
      return;
    }
    this.#emit(seqAdd(this.#sndUna, -1), ACK, 0);
    this.#probesUnanswered++;
    this.#persistBackoff++;
    this.#timers.set(TimerKind.Retransmit, Math.min(this.#rto.rto * 2 ** this.#persistBackoff, this.#config.maxRtoMs));
  }

  #onKeepalive(): void {
    const keepalive = this.#keepalive;
    if (keepalive === undefined || !this.#keepaliveState()) return;
    if (seqGt(this.#sndNxt, this.#sndUna) || this.#persisting) {
      // The retransmission or persist timer already watches the peer.
      this.#timers.set(TimerKind.Keepalive, keepalive.afterMs);
      return;
    }
    if (this.#keepaliveProbes >= keepalive.probes) {
      this.#timeout();
      return;
    }
    this.#keepaliveProbes++;
    this.#emit(seqAdd(this.#sndNxt, -1), ACK, 0);
    this.#timers.set(TimerKind.Keepalive, keepalive.intervalMs);
  }

  #armKeepalive(): void {
    if (this.#keepalive !== undefined && this.#keepaliveState()) {
      this.#timers.set(TimerKind.Keepalive, this.#keepalive.afterMs);
    }
  }

  #keepaliveState(): boolean {
    return this.state === "ESTABLISHED" || this.state === "CLOSE-WAIT" || this.state === "FIN-WAIT-2";
  }

  #timeout(): void {
    this.#counters.timedOut++;
    this.#destroy(this.#softError ?? TIMEOUT);
  }

  #rtoDelay(): number {
    // The user timeout caps how long the next expiry may wait.
    const left = this.#progressAt + this.#config.userTimeoutMs - this.#clock.now();
    return Math.max(0, Math.min(this.#rto.rto, left));
  }

  // ---------------------------------------------------------------- state changes

  // Options from the peer's SYN (RFC 9293 §3.7.1, RFC 7323, RFC 2018).
  #takeSyn(seg: TcpHeader): void {
    this.#irs = seg.seq;
    this.#rcv.reset(seqAdd(seg.seq, 1));
    this.#rcvNxt = this.#rcv.nxt;
    this.#rcvAdvEdge = this.#rcvNxt;
    this.#wsOk = this.#offerWs && seg.windowScale >= 0;
    this.#sndShift = this.#wsOk ? Math.min(seg.windowScale, MAX_WINDOW_SHIFT) : 0;
    this.#tsOk = this.#offerTs && seg.hasTimestamp;
    if (this.#tsOk) this.#tsRecent = seg.tsVal;
    this.#sackOk = this.#offerSack && seg.sackPermitted;
    this.#peerMss = seg.mss >= 0 ? Math.max(MIN_MSS, seg.mss) : this.#defaultMss;
    this.#smss = Math.min(this.#peerMss, this.#pathMss) - (this.#tsOk ? TIMESTAMP_OPTION : 0);
  }

  #establish(): void {
    this.state = "ESTABLISHED";
    this.#softError = undefined;
    this.#cc = this.#config.congestionControl(this.#smss);
    this.#recovery.start(this.#sndUna, this.#sackOk, this.#smss);
    this.#progressAt = this.#clock.now();
    this.#lastAckAt = this.#progressAt;
    this.#armKeepalive();
    if (!this.announced) {
      this.announced = true;
      this.#host.established(this);
    }
  }

  #enterTimeWait(): void {
    this.state = "TIME-WAIT";
    this.#counters.timeWait++;
    this.#timers.clearAll();
    this.#releaseSend();
    this.#timers.set(TimerKind.Linger, this.#config.timeWaitMs);
    if (this.#config.timeWaitMs === 0) this.#destroy(undefined);
  }

  // Leaves the table: every timer cancelled, the send side freed. Unread data stays for the flow,
  // unless nobody can read it any more.
  #destroy(error: TcpError | undefined): void {
    if (!this.isOpen) return;
    if (this.state === "TIME-WAIT") this.#counters.timeWait--;
    if (this.state === "SYN-RECEIVED" && this.passive) this.#counters.halfOpen--;
    this.state = "CLOSED";
    if (error !== undefined) this.error = error;
    this.#timers.clearAll();
    this.#releaseSend();
    if (this.observer === undefined || this.#userClosed || this.#readShut) this.#releaseReceive();
    this.#host.closed(this);
    this.observer?.wake();
  }

  #releaseSend(): void {
    this.#counters.sendBuffered -= this.#snd.length;
    this.#counters.allocated -= this.#snd.allocated;
    this.#snd.release();
  }

  #releaseReceive(): void {
    this.#counters.receiveBuffered -= this.#rcv.readable + this.#rcv.outOfOrderBytes;
    this.#counters.allocated -= this.#rcv.allocated;
    this.#rcv.release();
  }

  // ---------------------------------------------------------------- helpers

  // Sequence number of the first byte in the send buffer (ISS+1 until the SYN is acknowledged).
  #bufSeq(): number {
    return seqGt(this.#sndUna, this.#iss) ? this.#sndUna : seqAdd(this.#iss, 1);
  }

  #tsNow(): number {
    return (Math.floor(this.#clock.now()) + this.#tsOffset) >>> 0;
  }

  #startTiming(seq: number): void {
    this.#rttTiming = true;
    this.#rttSeq = seq;
    this.#rttStart = this.#clock.now();
  }

  // An RTT sample from the echoed timestamp (RFC 7323 §4) or from the one timed segment (Karn).
  #sampleRtt(seg: TcpHeader): void {
    if (this.#tsOk && seg.hasTimestamp && seg.tsEcr !== 0) {
      const rtt = (this.#tsNow() - seg.tsEcr) >>> 0;
      if (rtt < MAX_RTT_SAMPLE_MS) this.#rto.sample(rtt);
      return;
    }
    if (this.#rttTiming && seqGt(seg.ack, this.#rttSeq)) {
      this.#rttTiming = false;
      this.#rto.sample(this.#clock.now() - this.#rttStart);
    }
  }
}
