/**
 * One TCP connection: the RFC 9293 state machine and its transmission control block, fed three
 * kinds of events (a segment arrived, the application called, a timer fired) and emitting segments
 * through its host (the TCP layer). Everything here is synchronous; the promise-based flow adapter
 * sits on top and is woken through {@link ConnectionObserver}.
 *
 * The state is held in records, one concept each: the send and receive sequence spaces
 * ({@link SendSequence}, {@link ReceiveSequence}), the negotiated options, the ACK policy, the timer
 * state and the spurious-recovery undo. This class owns them and the application's calls; the
 * modules of the state machine (segment arrival, ACK processing, data receipt, output, timers, ICMP
 * errors, segment building) are functions over it, seen as a {@link Tcb}.
 *
 * @packageDocumentation
 */

import type { IpWriteOptions, NetOffloads, TcpError } from "@mirage-ts/mirage-types";
import type { IcmpErrorKind } from "../../icmp/icmp-error.js";
import type { CongestionController } from "../congestion.js";
import { TcpFlags, TcpHeader } from "../segment.js";
import { type AckPolicy, ackPolicy } from "./ack-policy.js";
import type { KeepaliveMs, ResolvedConfig } from "./config.js";
import { icmpError } from "./connection-icmp.js";
import type { Counters } from "./counters.js";
import type { HeldClock } from "./held-clock.js";
import type { ConnectionOwner } from "./listener.js";
import { LossRecovery } from "./loss-recovery.js";
import { type NegotiatedOptions, answerOffer, negotiatedOptions, receiveWindowShift } from "./negotiated-options.js";
import { output } from "./output.js";
import { ReceiveBuffer } from "./receive-buffer.js";
import { type ReceiveSequence, receiveSequence } from "./receive-sequence.js";
import { RtoEstimator } from "./rto.js";
import { inputSynSent, inputSynchronized, takeSyn } from "./segment-arrival.js";
import { sendAck, sendSegment, sendSyn } from "./segment-builder.js";
import { SegmentOffload } from "./segment-offload.js";
import { SendBuffer } from "./send-buffer.js";
import { type SendSequence, bufferStart, sendSequence, setSendWindow } from "./send-sequence.js";
import { seqAdd, seqGt } from "./seq.js";
import { type SpuriousUndo, spuriousUndo } from "./spurious-undo.js";
import type { CookieSyn } from "./syn-cookies.js";
import type { ConnectionObserver, SegmentSink, TcpState } from "./tcb.js";
import { armKeepalive, onTimer } from "./timer-events.js";
import { type TimerState, startTiming, timerState } from "./timer-state.js";
import { ConnectionTimers, TimerKind } from "./timers.js";
import { advertisedWindow, windowUpdateDue } from "./window-field.js";

/**
 * The most one read hands over. A fresh array above the allocator's mmap threshold (128 KiB) is
 * mapped and page-faulted in each time, several times the cost per byte of 64 KiB ones, which come
 * from reused heap memory. Node's sockets too hand over at most 64 KiB per read (libuv's read buffer).
 */
export const READ_CHUNK = 65_536;

const { RST, ACK } = TcpFlags;

/**
 * Bounds of the out-of-order ranges we hold (one per 4 KiB of receive buffer, 32 to 1024) and of the
 * SACK ranges we track from the peer: enough for scattered losses across a large window, small enough
 * that a peer spraying tiny segments cannot make per-segment work grow.
 */
const MIN_RECEIVE_RANGES = 32;
const MAX_RECEIVE_RANGES = 1024;
const MAX_SACK_RANGES = 1024;

/** The layer a connection lives in: clock, settings, counters, and where segments and events go. */
export interface ConnectionHost<A> extends SegmentSink<A> {
  /** Held by the layer while it handles a segment; connections hold it while they send. */
  readonly clock: HeldClock;
  readonly config: ResolvedConfig;
  readonly counters: Counters;
  /** The connection reached ESTABLISHED (or a state past it) for the first time. */
  established(conn: Connection<A>): void;
  /** The connection left the table: every timer and buffer it held is released. */
  closed(conn: Connection<A>): void;
  /** Calls `conn.sendDeferredAck()` once the segments being processed now are all processed. */
  ackAfterBurst(conn: Connection<A>): void;
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
  /** Who waits for this connection until the application has it (the layer's). */
  owner: ConnectionOwner<A> | undefined;
  /** Half-open only: the peer sent its SYN again, so it is a live stack waiting for our SYN-ACK. */
  peerRetried = false;
  /** The application released the flow. */
  userClosed = false;

  readonly sink: SegmentSink<A>;
  readonly clock: HeldClock;
  readonly config: ResolvedConfig;
  readonly counters: Counters;
  readonly timers: ConnectionTimers;
  readonly keepalive: KeepaliveMs | undefined;
  readonly sendBuffer: SendBuffer;
  readonly receiveBuffer: ReceiveBuffer;
  readonly rto: RtoEstimator;
  readonly recovery = new LossRecovery(MAX_SACK_RANGES);
  readonly offload: SegmentOffload<A>;
  /** The congestion controller, made when the connection is established. */
  cc: CongestionController | undefined;
  /** The last output stopped at the congestion window (for the controller's cwnd validation). */
  cwndBlocked = false;
  /** The next output retransmits the first lost segment whatever the pipe (entering recovery). */
  forceRetransmit = false;
  /** The last soft ICMP error since progress was made: what a timeout reports (RFC 1122 §4.2.3.9). */
  softError: TcpError | undefined;

  readonly snd: SendSequence;
  readonly rcv: ReceiveSequence;
  readonly opts: NegotiatedOptions;
  readonly ack: AckPolicy = ackPolicy();
  readonly timing: TimerState = timerState();
  readonly undo: SpuriousUndo = spuriousUndo();

  readonly #host: ConnectionHost<A>;

  constructor(host: ConnectionHost<A>, params: ConnectionParams<A>) {
    const config = host.config;
    this.#host = host;
    this.sink = host;
    this.clock = host.clock;
    this.config = config;
    this.counters = host.counters;
    this.local = params.local;
    this.remote = params.remote;
    this.localPort = params.localPort;
    this.remotePort = params.remotePort;
    this.pseudoSum = params.pseudoSum;
    this.ipWriteOptions = params.ipWriteOptions;
    this.offload = new SegmentOffload(params.ipWriteOptions, params.offloads);
    this.keepalive = params.keepalive;
    this.noDelay = config.noDelay;
    this.snd = sendSequence(params.iss >>> 0);
    this.rcv = receiveSequence(receiveWindowShift(config.receiveBufferSize));
    this.opts = negotiatedOptions(config, params.pathMss, params.defaultMss, params.tsOffset);
    this.sendBuffer = new SendBuffer(config.sendBufferSize);
    const ranges = Math.min(MAX_RECEIVE_RANGES, Math.max(MIN_RECEIVE_RANGES, config.receiveBufferSize >>> 12));
    this.receiveBuffer = new ReceiveBuffer(config.receiveBufferSize, ranges);
    this.rto = new RtoEstimator(config.initialRtoMs, config.minRtoMs, config.maxRtoMs);
    this.timers = new ConnectionTimers(this.clock, this.counters, (kind) => this.#guardedTimer(kind));
  }

  // ---------------------------------------------------------------- queries

  /** Whether the connection is still in the table. */
  get isOpen(): boolean {
    return this.state !== "CLOSED";
  }

  /** Our initial sequence number. */
  get iss(): number {
    return this.snd.iss;
  }

  /** Bytes the application can read now. */
  get readable(): number {
    return this.receiveBuffer.readable;
  }

  /** Whether reads are over: the peer's FIN was consumed or the read side was shut. */
  get readDone(): boolean {
    return this.rcv.readShut || (this.rcv.finReceived && this.receiveBuffer.readable === 0);
  }

  /** Whether the application may still add data (open for sending and not shut). */
  get writable(): boolean {
    return !this.snd.writeShut && (this.state === "ESTABLISHED" || this.state === "CLOSE-WAIT");
  }

  // ---------------------------------------------------------------- opening

  /** Active open: sends the SYN. */
  connect(): void {
    this.state = "SYN-SENT";
    this.snd.nxt = seqAdd(this.snd.iss, 1);
    sendSyn(this, false);
    startTiming(this.timing, this.snd.iss, this.clock.now());
    this.timers.set(TimerKind.Retransmit, this.rto.rto);
  }

  /** Passive open from a listener: takes the SYN's parameters and answers with SYN-ACK. */
  acceptSyn(seg: TcpHeader): void {
    this.#synReceived(seg, seg.window);
    sendSyn(this, true);
    startTiming(this.timing, this.snd.iss, this.clock.now());
    this.timers.set(TimerKind.Retransmit, this.rto.rto);
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
    if (ack.timestamp !== undefined) syn.setTimestamp(ack.timestamp.val, 0);
    this.#synReceived(syn, ack.window);
    // What the cookie SYN-ACK advertised.
    this.rcv.advEdge = seqAdd(this.rcv.nxt, Math.min(this.receiveBuffer.space, 65535));
    this.ack.lastAckSent = this.rcv.nxt;
  }

  // SYN-RECEIVED from the peer's SYN (`syn`), with the window its ACK will be measured against.
  #synReceived(syn: TcpHeader, window: number): void {
    this.passive = true;
    answerOffer(this.opts, syn);
    takeSyn(this, syn);
    setSendWindow(this.snd, window, syn.seq, this.snd.iss);
    this.state = "SYN-RECEIVED";
    this.counters.halfOpen++;
    this.snd.nxt = seqAdd(this.snd.iss, 1);
  }

  /**
   * Whether a SYN for this tuple may replace this TIME-WAIT connection (RFC 6191): its timestamp or
   * its sequence number is newer than anything of the old connection.
   */
  acceptsNewSyn(seg: TcpHeader): boolean {
    if (this.state !== "TIME-WAIT") return false;
    if (this.opts.timestamps && seg.timestamp !== undefined) return seqGt(seg.timestamp.val, this.opts.tsRecent);
    return seqGt(seg.seq, this.rcv.nxt);
  }

  // ---------------------------------------------------------------- application calls

  /** Copies as much of `data` as fits into the send buffer; returns the bytes taken. */
  append(data: Uint8Array): number {
    if (!this.writable) return 0;
    const before = this.sendBuffer.allocated;
    const n = this.sendBuffer.append(data);
    this.counters.sendBuffered += n;
    this.counters.allocated += this.sendBuffer.allocated - before;
    return n;
  }

  /** Sends what the windows and Nagle allow. */
  flush(): void {
    if (!this.isOpen) return;
    this.clock.hold();
    try {
      output(this);
    } finally {
      this.clock.release();
    }
  }

  /**
   * Takes the readable bytes, at most {@link READ_CHUNK} (a fresh array), then opens the window if
   * that freed enough.
   */
  read(): Uint8Array {
    const data = this.receiveBuffer.read(READ_CHUNK);
    this.counters.receiveBuffered -= data.length;
    if (!this.isOpen) {
      if (this.receiveBuffer.readable === 0) this.#releaseReceive();
    } else if (data.length > 0) {
      this.#windowUpdateAfterRead();
    }
    return data;
  }

  /** Shuts the read side: buffered and future data are discarded (and still acknowledged). */
  shutdownRead(): void {
    if (this.rcv.readShut) return;
    this.rcv.readShut = true;
    const readable = this.receiveBuffer.readable;
    this.receiveBuffer.discardReadable();
    this.counters.receiveBuffered -= readable;
    if (readable > 0) this.#windowUpdateAfterRead();
    this.observer?.wake();
  }

  /** Shuts the write side: a FIN follows the buffered data (RFC 9293 §3.10.4). */
  shutdownWrite(): void {
    if (this.snd.writeShut || !this.isOpen) return;
    if (this.state === "SYN-SENT" || this.state === "SYN-RECEIVED") {
      this.abort();
      return;
    }
    this.snd.writeShut = true;
    this.snd.finSeq = seqAdd(bufferStart(this.snd), this.sendBuffer.length);
    if (this.state === "ESTABLISHED") this.state = "FIN-WAIT-1";
    else if (this.state === "CLOSE-WAIT") this.state = "LAST-ACK";
    output(this);
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
    this.userClosed = true;
    if (this.receiveBuffer.readable > 0) {
      this.abort();
      return;
    }
    this.shutdownRead();
    this.shutdownWrite();
    if (this.state === "FIN-WAIT-2") this.timers.set(TimerKind.Linger, this.config.finWait2TimeoutMs);
  }

  /** Drops a half-open connection without a segment: a SYN cookie it never knew of opened the connection. */
  forget(): void {
    if (this.isOpen) this.destroy(undefined);
  }

  /** The application dropped the flow: a RST now, and both buffers released (nothing will read them). */
  userAbort(): void {
    this.userClosed = true;
    if (this.isOpen) this.abort();
    else this.#releaseReceive();
  }

  /** Drops the connection at once, telling a synchronised peer with a RST. */
  abort(): void {
    if (!this.isOpen) return;
    if (this.state !== "SYN-SENT" && this.state !== "TIME-WAIT") {
      sendSegment(this, this.snd.nxt, RST | ACK, 0);
      this.counters.resetsSent++;
    }
    this.destroy(undefined);
  }

  // ---------------------------------------------------------------- events

  /**
   * Processes one received segment (checksum already verified) whose payload is `payload`; `owned`:
   * the device gave the payload's memory away (`FrameFlags.owned`), so it may be kept uncopied.
   */
  input(seg: TcpHeader, payload: Uint8Array, owned = false): void {
    switch (this.state) {
      case "CLOSED":
        return;
      case "SYN-SENT":
        inputSynSent(this, seg, payload);
        return;
      default:
        inputSynchronized(this, seg, payload, owned);
    }
  }

  /** Sends the ACK deferred to the end of a burst, unless one went out since. */
  sendDeferredAck(): void {
    if (!this.ack.deferred) return;
    this.ack.deferred = false;
    if (this.isOpen && this.ack.unacked > 0) sendAck(this);
  }

  /**
   * An ICMP error quoting a segment of this connection that started at `seq` (RFC 1122 §4.2.3.9,
   * RFC 5927, RFC 5461); with `fragmentation_needed`, `nextHopMss` is the largest segment (TCP
   * header included, as `pathMss`) the next hop carries, or 0 if unknown. Returns whether the error
   * was taken: it is ignored unless `seq` lies in [SND.UNA, SND.NXT), where only a party that saw
   * our segments can place it (RFC 5927 §4.1), and when it says nothing new.
   */
  icmpError(kind: IcmpErrorKind, seq: number, nextHopMss: number): boolean {
    return icmpError(this, kind, seq, nextHopMss);
  }

  // A bug must not escape into the clock's caller: count it and drop the connection.
  #guardedTimer(kind: TimerKind): void {
    try {
      onTimer(this, kind);
    } catch {
      this.counters.internalErrors++;
      try {
        this.abort();
      } catch {
        this.counters.internalErrors++;
      }
    }
  }

  #windowUpdateAfterRead(): void {
    if (this.state !== "ESTABLISHED" && this.state !== "FIN-WAIT-1" && this.state !== "FIN-WAIT-2") return;
    const buffer = this.receiveBuffer;
    const shift = this.opts.windowScale ? this.rcv.shift : 0;
    const advertised = advertisedWindow(this.rcv.nxt, this.rcv.advEdge);
    if (windowUpdateDue(buffer.space, buffer.capacity, this.opts.ourMss, advertised, shift)) sendAck(this);
  }

  // ---------------------------------------------------------------- state changes (for the Tcb modules)

  /** Enters ESTABLISHED: the congestion controller starts, and the host is told the first time. */
  establish(): void {
    this.state = "ESTABLISHED";
    this.softError = undefined;
    this.cc = this.config.congestionControl(this.opts.smss);
    this.recovery.start(this.snd.una, this.opts.sack, this.opts.smss);
    this.timing.progressAt = this.clock.now();
    this.timing.lastAckAt = this.timing.progressAt;
    armKeepalive(this);
    if (!this.announced) {
      this.announced = true;
      this.#host.established(this);
    }
  }

  /** Enters TIME-WAIT for 2 MSL (the configured `timeWaitMs`): the send side is freed. */
  enterTimeWait(): void {
    this.state = "TIME-WAIT";
    this.counters.timeWait++;
    this.timers.clearAll();
    this.#releaseSend();
    this.timers.set(TimerKind.Linger, this.config.timeWaitMs);
    if (this.config.timeWaitMs === 0) this.destroy(undefined);
  }

  /**
   * Leaves the table: every timer cancelled, the send side freed. Unread data stays for the flow,
   * unless nobody can read it any more.
   */
  destroy(error: TcpError | undefined): void {
    if (!this.isOpen) return;
    if (this.state === "TIME-WAIT") this.counters.timeWait--;
    if (this.state === "SYN-RECEIVED" && this.passive) this.counters.halfOpen--;
    this.state = "CLOSED";
    if (error !== undefined) this.error = error;
    this.timers.clearAll();
    this.#releaseSend();
    if (this.observer === undefined || this.userClosed || this.rcv.readShut) this.#releaseReceive();
    this.#host.closed(this);
    this.observer?.wake();
  }

  /** Asks the host to call {@link Connection.sendDeferredAck} at the end of the current burst. */
  deferAck(): void {
    this.#host.ackAfterBurst(this);
  }

  #releaseSend(): void {
    this.counters.sendBuffered -= this.sendBuffer.length;
    this.counters.allocated -= this.sendBuffer.allocated;
    this.sendBuffer.release();
  }

  #releaseReceive(): void {
    const buffer = this.receiveBuffer;
    this.counters.receiveBuffered -= buffer.readable + buffer.outOfOrderBytes;
    this.counters.allocated -= buffer.allocated;
    buffer.release();
  }
}
