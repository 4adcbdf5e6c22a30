/**
 * The congestion-control interface: the connection owns loss detection and recovery (RFC 5681,
 * 6582, 6675) and asks a pluggable controller only for the window. {@link newReno} is the default,
 * {@link cubic} the alternative; any object with this shape can be plugged in through
 * `TcpConfig.congestionControl`.
 *
 * @packageDocumentation
 */

/**
 * A congestion controller: owns `cwnd` and `ssthresh` (bytes) of one connection and reacts to the
 * events the connection reports. It never sends anything itself.
 *
 * Experimental: the interface may change in a minor release while the set of controllers grows.
 *
 * @beta
 */
export interface CongestionController {
  /** A short name for statistics and logs (`"newreno"`, `"cubic"`). */
  readonly name: string;
  /** Congestion window in bytes. */
  readonly cwnd: number;
  /** Slow-start threshold in bytes (`Infinity` until the first loss). */
  readonly ssthresh: number;
  /**
   * New data was cumulatively acknowledged while not in fast recovery.
   *
   * @param ackedBytes - bytes newly acknowledged.
   * @param cwndLimited - whether the sender was filling its window; controllers grow only then (RFC 7661).
   * @param nowMs - the clock time.
   * @param srttMs - the smoothed round-trip time (0 while unknown).
   */
  onAck(ackedBytes: number, cwndLimited: boolean, nowMs: number, srttMs: number): void;
  /** Loss was detected by duplicate ACKs or SACK; fast recovery starts with `flightSize` bytes outstanding. */
  onCongestion(flightSize: number, nowMs: number): void;
  /** Fast recovery ended (everything outstanding at its start is acknowledged). */
  onRecoveryEnd(nowMs: number): void;
  /** The retransmission timer expired with `flightSize` bytes outstanding. */
  onTimeout(flightSize: number, nowMs: number): void;
  /**
   * The last `onCongestion` was spurious: the segment was only reordered (Eifel detection, RFC 3522).
   * Restore the window and threshold from before it (RFC 4015).
   */
  onUndo(nowMs: number): void;
}

/**
 * Creates the controller of one connection, given its sender maximum segment size in bytes.
 *
 * @beta
 */
export type CongestionControllerFactory = (mss: number) => CongestionController;

/**
 * The initial window of RFC 6928: `min(10·MSS, max(2·MSS, 14600))` bytes.
 *
 * @beta
 */
export function initialCongestionWindow(mss: number): number {
  return Math.min(10 * mss, Math.max(2 * mss, 14600));
}
