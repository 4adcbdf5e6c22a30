/**
 * A connection's receive sequence space (RFC 9293 §3.3.1): IRS and RCV.NXT, our window shift (RFC
 * 7323's Rcv.Wind.Shift), the right edge last advertised (RCV.NXT + RCV.WND as sent; RCV.WND itself
 * is the receive buffer's free space), and the peer's FIN. The bytes are in the receive buffer.
 *
 * @packageDocumentation
 */

/** The receive sequence variables of one connection. */
export interface ReceiveSequence {
  /** IRS: the peer's initial sequence number. */
  irs: number;
  /** RCV.NXT: the next sequence number expected (past the peer's FIN once it was consumed). */
  nxt: number;
  /** Our window shift, offered in our SYN; it applies once window scaling was agreed. */
  readonly shift: number;
  /** The furthest right edge we advertised: it never moves back. */
  advEdge: number;
  /** A FIN arrived (maybe ahead of missing text), at `finSeq`. */
  finSeen: boolean;
  /** Sequence number of the peer's FIN (meaningful once `finSeen`). */
  finSeq: number;
  /** The peer's FIN was reached by RCV.NXT and acknowledged. */
  finReceived: boolean;
  /** The application shut the read side: data is acknowledged and dropped. */
  readShut: boolean;
}

/** The receive sequence space before the peer's SYN, offering window shift `shift`. */
export function receiveSequence(shift: number): ReceiveSequence {
  return { irs: 0, nxt: 0, shift, advEdge: 0, finSeen: false, finSeq: 0, finReceived: false, readShut: false };
}
