/**
 * The transmission control block of one connection (RFC 9293 §3.3.1) as the modules of its state
 * machine see it: the state, the records of its sequence spaces, options, ACK policy and timing, the
 * buffers and estimators it drives, and the transitions those modules may ask for. It is a view of
 * {@link Connection}, which declares and documents every member; the modules (segment arrival, ACK
 * processing, data receipt, output, timers, ICMP errors) are functions over it.
 *
 * @packageDocumentation
 */

import type { IpWriteOptions, TcpError } from "@mirage-ts/mirage-types";
import type { TcpHeader } from "../segment.js";
import type { Connection } from "./connection.js";

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

// What the modules may change.
type Writable = "state" | "peerRetried" | "cc" | "cwndBlocked" | "forceRetransmit" | "softError";

// What they only read: identity and flags, the services, the state records, and the transitions they
// may ask for (`establish`, `enterTimeWait`, `destroy`, `abort`, `deferAck`).
type ReadOnly =
  | "remote"
  | "localPort"
  | "remotePort"
  | "pseudoSum"
  | "passive"
  | "observer"
  | "noDelay"
  | "userClosed"
  | "isOpen"
  | "sink"
  | "clock"
  | "config"
  | "counters"
  | "timers"
  | "keepalive"
  | "sendBuffer"
  | "receiveBuffer"
  | "rto"
  | "recovery"
  | "offload"
  | "snd"
  | "rcv"
  | "opts"
  | "ack"
  | "timing"
  | "undo"
  | "establish"
  | "enterTimeWait"
  | "destroy"
  | "abort"
  | "deferAck";

/**
 * One connection's state and services, for the modules of its state machine: the members of
 * {@link Connection} they use (documented there), read-only but for the few they change.
 */
export type Tcb<A> = Pick<Connection<A>, Writable> & Readonly<Pick<Connection<A>, ReadOnly>>;
