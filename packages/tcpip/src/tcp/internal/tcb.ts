/**
 * The transmission control block of one connection (RFC 9293 §3.3.1) as the modules of its state
 * machine see it: the state, the records of its sequence spaces, options, ACK policy and timing, the
 * buffers and estimators it drives, and the transitions those modules may ask for. {@link Connection}
 * is the one implementation; the modules (segment arrival, ACK processing, data receipt, output,
 * timers, ICMP errors) are functions over it.
 *
 * @packageDocumentation
 */

import type { IpWriteOptions, TcpError } from "@mirage-ts/mirage-types";
import type { CongestionController } from "../congestion.js";
import type { TcpHeader } from "../segment.js";
import type { AckPolicy } from "./ack-policy.js";
import type { KeepaliveMs, ResolvedConfig } from "./config.js";
import type { Counters } from "./counters.js";
import type { HeldClock } from "./held-clock.js";
import type { LossRecovery } from "./loss-recovery.js";
import type { NegotiatedOptions } from "./negotiated-options.js";
import type { ReceiveBuffer } from "./receive-buffer.js";
import type { ReceiveSequence } from "./receive-sequence.js";
import type { RtoEstimator } from "./rto.js";
import type { SegmentOffload } from "./segment-offload.js";
import type { SendBuffer } from "./send-buffer.js";
import type { SendSequence } from "./send-sequence.js";
import type { SpuriousUndo } from "./spurious-undo.js";
import type { TimerState } from "./timer-state.js";
import type { ConnectionTimers } from "./timers.js";

/** A connection that timed out with no ICMP error to blame. */
export const TIMEOUT: TcpError = Object.freeze({ kind: "timeout" });
/** A connection attempt the peer (or an ICMP hard error) refused. */
export const REFUSED: TcpError = Object.freeze({ kind: "refused" });

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

/** Where a connection's segments go. */
export interface SegmentSink<A> {
  /** A header reused for every segment this layer builds (building is synchronous). */
  readonly txHeader: TcpHeader;
  /** Sends header and payload views to `remote`. */
  transmit(remote: A, parts: Uint8Array[], options: IpWriteOptions<A>): void;
}

/** Gets told when readable data, end-of-file, buffer space or an error may be available. */
export interface ConnectionObserver {
  wake(): void;
}

/** One connection's state and services, for the modules of its state machine. */
export interface Tcb<A> {
  readonly remote: A;
  readonly localPort: number;
  readonly remotePort: number;
  /** Sum of the IP pseudo-header with a zero length (checksums of both directions). */
  readonly pseudoSum: number;
  state: TcpState;
  /** Opened by a listener. */
  readonly passive: boolean;
  /** Half-open only: the peer sent its SYN again, so it is a live stack waiting for our SYN-ACK. */
  peerRetried: boolean;
  /** The flow adapter, once there is one. */
  readonly observer: ConnectionObserver | undefined;
  /** Nagle off. */
  readonly noDelay: boolean;
  /** The application released the flow. */
  readonly userClosed: boolean;
  /** Whether the connection is still in the table. */
  readonly isOpen: boolean;

  readonly sink: SegmentSink<A>;
  readonly clock: HeldClock;
  readonly config: ResolvedConfig;
  readonly counters: Counters;
  readonly timers: ConnectionTimers;
  readonly keepalive: KeepaliveMs | undefined;
  readonly sendBuffer: SendBuffer;
  readonly receiveBuffer: ReceiveBuffer;
  readonly rto: RtoEstimator;
  readonly recovery: LossRecovery;
  readonly offload: SegmentOffload<A>;
  /** The congestion controller, made when the connection is established. */
  cc: CongestionController | undefined;
  /** The last output stopped at the congestion window (for the controller's cwnd validation). */
  cwndBlocked: boolean;
  /** The next output retransmits the first lost segment whatever the pipe (entering recovery). */
  forceRetransmit: boolean;
  /** The last soft ICMP error since progress was made: what a timeout reports (RFC 1122 §4.2.3.9). */
  softError: TcpError | undefined;

  readonly snd: SendSequence;
  readonly rcv: ReceiveSequence;
  readonly opts: NegotiatedOptions;
  readonly ack: AckPolicy;
  readonly timing: TimerState;
  readonly undo: SpuriousUndo;

  /** Enters ESTABLISHED (the congestion controller starts, the host is told once). */
  establish(): void;
  /** Enters TIME-WAIT. */
  enterTimeWait(): void;
  /** Leaves the table, failing with `error` if given. */
  destroy(error: TcpError | undefined): void;
  /** Drops the connection, telling a synchronised peer with a RST. */
  abort(): void;
  /** Asks the layer to call `sendDeferredAck` once the segments being processed now are all processed. */
  deferAck(): void;
}
