/**
 * What a connection's timers decide from: the segment timed for an RTT sample (Karn's algorithm, when
 * timestamps are off), retries and progress (the retransmission limits and the user timeout), the
 * persist timer's backoff (zero-window probes) and the keepalive probes. The deadlines themselves are
 * in {@link ConnectionTimers}.
 *
 * @packageDocumentation
 */

/** One connection's timing state. */
export interface TimerState {
  /** A segment is being timed for an RTT sample. */
  rttTiming: boolean;
  /** The timed segment's sequence number: an ACK beyond it gives the sample. */
  rttSeq: number;
  /** When the timed segment was sent. */
  rttStart: number;
  /** Consecutive retransmissions (of the SYN, SYN-ACK or data) without progress. */
  retries: number;
  /** When data was last acknowledged (or first sent after an idle time): the user timeout runs from it. */
  progressAt: number;
  /** The retransmission timer serves as the persist timer: data waits for the peer's window. */
  persisting: boolean;
  /** Zero-window probes sent with the current window, for the probe interval's backoff. */
  persistBackoff: number;
  /** Zero-window probes the peer did not answer. */
  probesUnanswered: number;
  /** When an acceptable segment last arrived. */
  lastAckAt: number;
  /** Keepalive probes sent without an answer. */
  keepaliveProbes: number;
}

/** Nothing timed, nothing retried. */
export function timerState(): TimerState {
  return {
    rttTiming: false,
    rttSeq: 0,
    rttStart: 0,
    retries: 0,
    progressAt: 0,
    persisting: false,
    persistBackoff: 0,
    probesUnanswered: 0,
    lastAckAt: 0,
    keepaliveProbes: 0,
  };
}

/** Times the segment at `seq`, sent at `now`, for an RTT sample. */
export function startTiming(timing: TimerState, seq: number, now: number): void {
  timing.rttTiming = true;
  timing.rttSeq = seq;
  timing.rttStart = now;
}
