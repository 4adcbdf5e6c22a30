/**
 * The mutable counters a TCP layer and its connections update in place; `TcpLayer.stats()` copies
 * them into a {@link TcpStats} snapshot. Gauges (timers, buffered bytes, half-open, TIME-WAIT) are
 * adjusted on every change rather than recomputed, so a connection that leaves the table while still
 * holding something shows up as a non-zero gauge.
 *
 * @packageDocumentation
 */

import type { TcpStats } from "../tcp-stats.js";
import type { TimerCounter } from "./timers.js";

/** Counters and gauges shared by a layer and its connections. */
export class Counters implements TimerCounter {
  liveTimers = 0;
  halfOpen = 0;
  timeWait = 0;
  sendBuffered = 0;
  receiveBuffered = 0;
  allocated = 0;
  segmentsIn = 0;
  segmentsOut = 0;
  retransmittedSegments = 0;
  timeouts = 0;
  fastRecoveries = 0;
  spuriousRecoveries = 0;
  badChecksum = 0;
  malformed = 0;
  pawsDropped = 0;
  resetsSent = 0;
  resetsReceived = 0;
  challengeAcks = 0;
  challengeAcksSuppressed = 0;
  invalidAcksRateLimited = 0;
  resetsRateLimited = 0;
  listenOverflows = 0;
  halfOpenEvicted = 0;
  synCookiesSent = 0;
  synCookiesValid = 0;
  synCookiesInvalid = 0;
  portExhaustion = 0;
  activeOpens = 0;
  passiveOpens = 0;
  timedOut = 0;
  icmpErrors = 0;
  icmpIgnored = 0;
  pmtuReductions = 0;
  ipWriteErrors = 0;
  internalErrors = 0;

  /** A snapshot with the table sizes the layer knows. */
  snapshot(connections: number, listeners: number): TcpStats {
    return {
      connections,
      halfOpen: this.halfOpen,
      timeWait: this.timeWait,
      listeners,
      timers: this.liveTimers,
      sendBufferedBytes: this.sendBuffered,
      receiveBufferedBytes: this.receiveBuffered,
      allocatedBufferBytes: this.allocated,
      segmentsIn: this.segmentsIn,
      segmentsOut: this.segmentsOut,
      retransmittedSegments: this.retransmittedSegments,
      timeouts: this.timeouts,
      fastRecoveries: this.fastRecoveries,
      spuriousRecoveries: this.spuriousRecoveries,
      badChecksum: this.badChecksum,
      malformed: this.malformed,
      pawsDropped: this.pawsDropped,
      resetsSent: this.resetsSent,
      resetsReceived: this.resetsReceived,
      challengeAcks: this.challengeAcks,
      challengeAcksSuppressed: this.challengeAcksSuppressed,
      invalidAcksRateLimited: this.invalidAcksRateLimited,
      resetsRateLimited: this.resetsRateLimited,
      listenOverflows: this.listenOverflows,
      halfOpenEvicted: this.halfOpenEvicted,
      synCookiesSent: this.synCookiesSent,
      synCookiesValid: this.synCookiesValid,
      synCookiesInvalid: this.synCookiesInvalid,
      portExhaustion: this.portExhaustion,
      activeOpens: this.activeOpens,
      passiveOpens: this.passiveOpens,
      timedOut: this.timedOut,
      icmpErrors: this.icmpErrors,
      icmpIgnored: this.icmpIgnored,
      pmtuReductions: this.pmtuReductions,
      ipWriteErrors: this.ipWriteErrors,
      internalErrors: this.internalErrors,
    };
  }
}
