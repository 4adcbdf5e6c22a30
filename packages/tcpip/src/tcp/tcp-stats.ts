/**
 * Counters of a {@link TcpLayer}: the state it holds (connections, timers, buffered bytes), which a
 * leak check expects back at zero once every connection is closed, and event counters.
 *
 * @packageDocumentation
 */

/**
 * A snapshot of a TCP layer's state and counters.
 *
 * @public
 */
export interface TcpStats {
  /** Connections in the table, every state. */
  readonly connections: number;
  /** Of which half-open (passive SYN-RECEIVED). */
  readonly halfOpen: number;
  /** Of which in TIME-WAIT. */
  readonly timeWait: number;
  /** Listening ports. */
  readonly listeners: number;
  /** Clock timers held (at most one per connection). */
  readonly timers: number;
  /** Bytes in send buffers (unacknowledged or unsent). */
  readonly sendBufferedBytes: number;
  /** Bytes in receive buffers (unread or out of order), including closed flows not yet read. */
  readonly receiveBufferedBytes: number;
  /** Buffer storage allocated, in bytes. */
  readonly allocatedBufferBytes: number;
  /** Segments received. */
  readonly segmentsIn: number;
  /** Segments sent. */
  readonly segmentsOut: number;
  /** Segments sent again (retransmissions, including SYN and FIN). */
  readonly retransmittedSegments: number;
  /** Retransmission timer expiries. */
  readonly timeouts: number;
  /** Loss recoveries entered by duplicate ACKs or SACK. */
  readonly fastRecoveries: number;
  /** Fast recoveries undone because the "lost" segment was only reordered (Eifel, RFC 3522). */
  readonly spuriousRecoveries: number;
  /** Received segments dropped for a bad checksum. */
  readonly badChecksum: number;
  /** Received buffers that are not TCP segments. */
  readonly malformed: number;
  /** Segments dropped by PAWS (RFC 7323). */
  readonly pawsDropped: number;
  /** Resets sent. */
  readonly resetsSent: number;
  /** Connections reset by the peer. */
  readonly resetsReceived: number;
  /** Challenge ACKs sent (RFC 5961). */
  readonly challengeAcks: number;
  /** Challenge ACKs not sent because the connection had sent `challengeAckLimit` in the last second. */
  readonly challengeAcksSuppressed: number;
  /**
   * ACKs (challenge ACKs and SYN-ACKs included) not sent in answer to a segment the connection cannot
   * accept, because it had answered one less than `invalidRateLimitMs` before (Linux's `TCPACKSkipped*`).
   */
  readonly invalidAcksRateLimited: number;
  /** Resets for segments that match no connection not sent because of `resetsPerSecond` and `resetBurst`. */
  readonly resetsRateLimited: number;
  /** SYNs dropped because a backlog, the half-open limit or the connection limit was reached. */
  readonly listenOverflows: number;
  /**
   * Half-open connections unanswered for an initial RTO, dropped to make room for a new SYN when a backlog or the
   * half-open limit was full (only with SYN cookies off: with them on, the new SYN gets a cookie instead).
   */
  readonly halfOpenEvicted: number;
  /** SYN-ACKs sent with a SYN cookie, holding no state, because a backlog or the half-open limit was full. */
  readonly synCookiesSent: number;
  /** ACKs that returned a valid SYN cookie and opened a connection. */
  readonly synCookiesValid: number;
  /** ACKs to a listener, while cookies were being sent, whose cookie was forged or expired (answered with RST). */
  readonly synCookiesInvalid: number;
  /** `createConnection` calls refused because no ephemeral port or table slot was free. */
  readonly portExhaustion: number;
  /** Connections opened by `createConnection`. */
  readonly activeOpens: number;
  /** Connections accepted by listeners. */
  readonly passiveOpens: number;
  /** Connections dropped after retransmission, user or keepalive timeouts. */
  readonly timedOut: number;
  /** ICMP errors quoting one of our segments, handed to the layer by `icmpError`. */
  readonly icmpErrors: number;
  /**
   * Of which ignored: they match no connection, or quote a sequence number outside [SND.UNA,
   * SND.NXT) (the RFC 5927 defence against blind attacks), or say nothing the connection can use.
   */
  readonly icmpIgnored: number;
  /** Times a fragmentation-needed error lowered a connection's segment size (RFC 1191). */
  readonly pmtuReductions: number;
  /** IP writes that failed (the segment counts as lost). */
  readonly ipWriteErrors: number;
  /** Unexpected internal errors caught at the input boundary (should stay 0). */
  readonly internalErrors: number;
}
