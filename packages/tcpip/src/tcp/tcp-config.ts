/**
 * Configuration of a {@link TcpLayer}: buffer sizes (which also size the advertised window), the
 * options offered, timers, limits that bound the state a peer can make us hold, and the congestion
 * controller. Every field is optional; the defaults follow the RFCs (and Linux where the RFCs leave
 * a choice).
 *
 * @packageDocumentation
 */

import type { Keepalive, TcpListenOptions } from "@mirage-ts/mirage-types";
import type { CongestionControllerFactory } from "./congestion.js";

/**
 * Settings of a TCP layer.
 *
 * @public
 */
export interface TcpConfig {
  /**
   * Upper bound on the MSS we advertise; the IP layer's MTU for the peer minus the 20-byte TCP header is used
   * when smaller.
   */
  readonly mss?: number;
  /** Send buffer per connection in bytes (default 262144); a write resolves once its bytes fit here. */
  readonly sendBufferSize?: number;
  /** Receive buffer per connection in bytes (default 262144); the advertised window is its free space. */
  readonly receiveBufferSize?: number;
  /** Offer window scaling, sized by the receive buffer (RFC 7323; default `true`). */
  readonly windowScaling?: boolean;
  /** Offer timestamps for RTT measurement and PAWS (RFC 7323; default `true`). */
  readonly timestamps?: boolean;
  /** Offer selective acknowledgments and use them for loss recovery (RFC 2018, RFC 6675; default `true`). */
  readonly sack?: boolean;
  /**
   * The congestion controller: `"newreno"` (default), `"cubic"` or a factory.
   *
   * @beta
   */
  readonly congestionControl?: "newreno" | "cubic" | CongestionControllerFactory;
  /** Retransmission timeout before any RTT sample, in ms (RFC 6298; default 1000). */
  readonly initialRtoMs?: number;
  /** Lower bound of the retransmission timeout in ms (RFC 6298 says 1000, the default; Linux uses 200). */
  readonly minRtoMs?: number;
  /** Upper bound of the retransmission timeout in ms (default 60000). */
  readonly maxRtoMs?: number;
  /** Delayed-ACK timeout in ms, 0 to 40 (default 40; 0 acknowledges every segment at once). */
  readonly delayedAckMs?: number;
  /** Nagle's algorithm off for new flows (default `false`: Nagle on); each flow can change it. */
  readonly noDelay?: boolean;
  /** Retransmission timeouts in a row before the connection is dropped (default 15). */
  readonly maxRetransmits?: number;
  /** SYN retransmissions before `createConnection` fails with a timeout (default 6, about 127 s). */
  readonly synRetries?: number;
  /** SYN-ACK retransmissions before a half-open connection is dropped (default 5). */
  readonly synAckRetries?: number;
  /** Drop a connection whose sent data stays unacknowledged this long, in ms (RFC 5482; default 300000). */
  readonly userTimeoutMs?: number;
  /** TIME-WAIT duration (2·MSL) in ms (default 60000). */
  readonly timeWaitMs?: number;
  /**
   * How long a connection closed by the application may wait in FIN-WAIT-2 for the peer's FIN, in ms
   * (default 60000).
   */
  readonly finWait2TimeoutMs?: number;
  /** Keepalive for every connection that does not set its own (default: none). */
  readonly keepalive?: Keepalive;
  /** Default listen backlog: half-open plus not yet handed over connections per listener (default 128). */
  readonly backlog?: number;
  /** Half-open (SYN-RECEIVED) connections over all listeners (default 1024). */
  readonly maxHalfOpen?: number;
  /**
   * Answer SYNs with SYN cookies (RFC 4987 §3.6) when a backlog or the half-open limit is full, instead of
   * dropping them (default `true`, as Linux's `tcp_syncookies = 1`): a flood of spoofed SYNs then cannot lock
   * real clients out. Window scale and SACK survive a cookie only when the peer sends timestamps.
   */
  readonly synCookies?: boolean;
  /** Connections in the table, every state included (default 65536). */
  readonly maxConnections?: number;
  /** Ephemeral port range for `createConnection`, inclusive (default `[49152, 65535]`, RFC 6335). */
  readonly ephemeralPorts?: readonly [number, number];
  /** Challenge ACKs (RFC 5961) a connection may send per second (default 10). */
  readonly challengeAckLimit?: number;
  /**
   * Least time, in ms, between two ACKs a connection sends in answer to segments it cannot accept:
   * out of window, failing PAWS, earning a challenge ACK, or a repeated SYN in SYN-RECEIVED (Linux's
   * `tcp_invalid_ratelimit`; default 500, 0 for no limit). Two ends that disagree about the sequence
   * numbers would otherwise answer each other forever. As in Linux, segments carrying data or a FIN
   * are always answered, except with a challenge ACK.
   */
  readonly invalidRateLimitMs?: number;
  /**
   * Resets sent per second on average, over the layer, in answer to segments for no connection (closed
   * ports, stray ACKs to a listener; default 1000), so that a flood of spoofed segments does not make
   * the layer a reflector.
   */
  readonly resetsPerSecond?: number;
  /** Such resets sent in a burst (default 50). */
  readonly resetBurst?: number;
  /** Verify checksums of received segments (default `true`; turn off only behind checksum offload). */
  readonly verifyChecksum?: boolean;
}

/**
 * Options of {@link TcpLayer.listen}: the mirage-types options plus a backlog.
 *
 * @public
 */
export interface TcpListenerOptions extends TcpListenOptions {
  /** Half-open plus not yet handed over connections this listener holds; further SYNs are dropped. */
  readonly backlog?: number;
}
