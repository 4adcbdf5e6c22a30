/**
 * The options a connection offers and agrees in its handshake (RFC 9293 §3.7.1 MSS, RFC 7323 window
 * scaling and timestamps, RFC 2018 SACK), and the segment size that follows from them and the path.
 *
 * @packageDocumentation
 */

import type { TcpHeader } from "../segment.js";
import type { ResolvedConfig } from "./config.js";

/** Smallest peer MSS we accept: smaller values are raised to it so a peer cannot force tiny segments. */
export const MIN_MSS = 88;
/** Bytes the timestamps option adds to every segment. */
export const TIMESTAMP_OPTION = 12;
/** Largest window shift (RFC 7323 §2.3). */
export const MAX_WINDOW_SHIFT = 14;

/** What one connection offered, what both ends agreed, and the segment sizes. */
export interface NegotiatedOptions {
  /** We offer (or, passive, answer with) window scaling. */
  offerWindowScale: boolean;
  /** We offer (or answer with) timestamps. */
  offerTimestamps: boolean;
  /** We offer (or answer with) SACK-permitted. */
  offerSack: boolean;
  /** Window scaling was agreed. */
  windowScale: boolean;
  /** Timestamps were agreed: every segment carries them. */
  timestamps: boolean;
  /** SACK was agreed. */
  sack: boolean;
  /** The MSS we announce. */
  readonly ourMss: number;
  /** The peer's MSS option (or the default), floored at {@link MIN_MSS}. */
  peerMss: number;
  /** Largest segment the path carries: lowered by fragmentation-needed errors (RFC 1191), never raised. */
  pathMss: number;
  /** SMSS: the payload of a full segment, next to the timestamps when they are on. */
  smss: number;
  /** TS.Recent (RFC 7323 §4.3): the peer's timestamp to echo. */
  tsRecent: number;
  /** Added to the clock for our TSval (per connection, so the clock is not exposed). */
  readonly tsOffset: number;
  /** The peer's MSS when its SYN has no MSS option (536 for IPv4, 1220 for IPv6). */
  readonly defaultMss: number;
}

/** The window shift we offer: the smallest that lets the window field cover `receiveBufferSize`. */
export function receiveWindowShift(receiveBufferSize: number): number {
  let shift = 0;
  while (shift < MAX_WINDOW_SHIFT && receiveBufferSize >>> shift > 65535) shift++;
  return shift;
}

/** The options offered from the settings, before any SYN, over a path carrying `pathMss`. */
export function negotiatedOptions(
  config: ResolvedConfig,
  pathMss: number,
  defaultMss: number,
  tsOffset: number,
): NegotiatedOptions {
  const floored = Math.max(MIN_MSS, pathMss);
  return {
    offerWindowScale: config.windowScaling,
    offerTimestamps: config.timestamps,
    offerSack: config.sack,
    windowScale: false,
    timestamps: false,
    sack: false,
    ourMss: Math.min(config.mss, floored),
    peerMss: 536,
    pathMss: floored,
    smss: 536,
    tsRecent: 0,
    tsOffset,
    defaultMss,
  };
}

/** Passive open: we answer only with the options the peer's SYN offered. */
export function answerOffer(opts: NegotiatedOptions, syn: TcpHeader): void {
  opts.offerWindowScale = opts.offerWindowScale && syn.windowScale !== undefined;
  opts.offerTimestamps = opts.offerTimestamps && syn.timestamp !== undefined;
  opts.offerSack = opts.offerSack && syn.sackPermitted;
}

/**
 * Agrees the options of the peer's SYN with ours (an option is on when both offered it) and returns
 * the peer's window shift (0 without scaling).
 */
export function agreeOptions(opts: NegotiatedOptions, syn: TcpHeader): number {
  const shift = opts.offerWindowScale ? syn.windowScale : undefined;
  opts.windowScale = shift !== undefined;
  const ts = opts.offerTimestamps ? syn.timestamp : undefined;
  opts.timestamps = ts !== undefined;
  if (ts !== undefined) opts.tsRecent = ts.val;
  opts.sack = opts.offerSack && syn.sackPermitted;
  opts.peerMss = syn.mss !== undefined ? Math.max(MIN_MSS, syn.mss) : opts.defaultMss;
  opts.smss = segmentSize(opts, opts.pathMss);
  return shift !== undefined ? Math.min(shift, MAX_WINDOW_SHIFT) : 0;
}

/** SMSS over a path carrying `pathMss`: the smaller MSS less the timestamps option when it is on. */
export function segmentSize(opts: NegotiatedOptions, pathMss: number): number {
  return Math.min(opts.peerMss, pathMss) - (opts.timestamps ? TIMESTAMP_OPTION : 0);
}

/** Our TSval at `now` (RFC 7323 §5.4: a millisecond clock, offset per connection). */
export function timestampAt(opts: NegotiatedOptions, now: number): number {
  return (Math.floor(now) + opts.tsOffset) >>> 0;
}
