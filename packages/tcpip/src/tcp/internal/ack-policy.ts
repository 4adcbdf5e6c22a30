/**
 * When a connection acknowledges: delayed ACKs (RFC 9293 §3.8.6.3, every second segment or after
 * the delay), ACKs deferred to the end of a burst, and the rate limits on answers to segments we
 * cannot accept (RFC 5961 §7 challenge ACKs, Linux's tcp_invalid_ratelimit).
 *
 * @packageDocumentation
 */

import type { Counters } from "./counters.js";

/** One connection's acknowledgment state. */
export interface AckPolicy {
  /** An ACK is owed at once: it goes at the end of the current output. */
  now: boolean;
  /** In-order segments received since our last ACK. */
  unacked: number;
  /** The layer was asked to send an ACK at the end of the current burst. */
  deferred: boolean;
  /** When the delayed ACK for the first unacknowledged segment is due (meaningful while `unacked` > 0). */
  dueAt: number;
  /** RCV.NXT as of our last ACK (RFC 7323's Last.ACK.sent). */
  lastAckSent: number;
  /** Start of the current one-second window of challenge ACKs. */
  challengeWindowStart: number;
  /** Challenge ACKs sent in that window. */
  challengeCount: number;
  /** When the last answer to a segment we could not accept went out. */
  invalidAnsweredAt: number;
}

/** Nothing owed, nothing sent. */
export function ackPolicy(): AckPolicy {
  return {
    now: false,
    unacked: 0,
    deferred: false,
    dueAt: 0,
    lastAckSent: 0,
    challengeWindowStart: 0,
    challengeCount: 0,
    invalidAnsweredAt: Number.NEGATIVE_INFINITY,
  };
}

/** An ACK of `rcvNxt` went out: nothing is owed any more. */
export function ackSent(policy: AckPolicy, rcvNxt: number): void {
  policy.lastAckSent = rcvNxt;
  policy.now = false;
  // The delayed-ACK deadline is left to lapse (the timer then finds nothing owed): in a bulk transfer
  // every other segment would otherwise arm a clock timer only to cancel it at the next.
  policy.unacked = 0;
}

/**
 * Linux's tcp_invalid_ratelimit: at most one answer per `intervalMs` to segments we cannot accept, so
 * two ends that each find the other out of window stop answering each other at the second exchange,
 * and forged segments get few answers. Takes the slot when it returns `true`.
 */
export function invalidAnswerAllowed(policy: AckPolicy, now: number, intervalMs: number, counters: Counters): boolean {
  if (now - policy.invalidAnsweredAt < intervalMs) {
    counters.invalidAcksRateLimited++;
    return false;
  }
  policy.invalidAnsweredAt = now;
  return true;
}

/**
 * RFC 5961 §7: at most `limit` challenge ACKs per second, after the interval all answers to invalid
 * segments keep (as Linux's tcp_send_challenge_ack, which exempts no data segment). Counts the
 * challenge ACK when it returns `true`.
 */
export function challengeAllowed(
  policy: AckPolicy,
  now: number,
  intervalMs: number,
  limit: number,
  counters: Counters,
): boolean {
  if (!invalidAnswerAllowed(policy, now, intervalMs, counters)) return false;
  if (now - policy.challengeWindowStart >= 1000) {
    policy.challengeWindowStart = now;
    policy.challengeCount = 0;
  }
  if (policy.challengeCount >= limit) {
    counters.challengeAcksSuppressed++;
    return false;
  }
  policy.challengeCount++;
  counters.challengeAcks++;
  return true;
}
