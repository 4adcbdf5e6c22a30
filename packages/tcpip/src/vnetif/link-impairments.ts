/**
 * The impairments of a virtual link and the counters of what it did to frames.
 *
 * @packageDocumentation
 */

/**
 * Impairments of a virtual link, applied to every frame crossing it (each direction independently).
 * All default to a perfect link. Experimental: impairments are added as simulations need them.
 *
 * @beta
 */
export interface LinkImpairments {
  /** Probability that a frame is lost. */
  readonly loss?: number;
  /** Probability that a frame is delivered twice. */
  readonly duplicate?: number;
  /** Probability that a frame is held back and delivered after the next one (or after `reorderHoldMs`). */
  readonly reorder?: number;
  /** The longest a reordered frame waits for a next frame, in ms (default 10). */
  readonly reorderHoldMs?: number;
  /**
   * With `reorder`, delay a picked frame by this many ms beyond the others instead of holding it for
   * the next frame: every frame sent meanwhile overtakes it, as one that took a longer path would be
   * (reordering deep enough for a TCP sender to see duplicate ACKs).
   */
  readonly reorderMs?: number;
  /** Propagation delay, in ms. */
  readonly delayMs?: number;
  /** A random extra delay from 0 to this, in ms, drawn per frame (frames can overtake each other). */
  readonly jitterMs?: number;
  /** Bandwidth in bits per second: frames are serialized one after the other (unlimited when absent or 0). */
  readonly bandwidth?: number;
  /** Probability that one random bit of a frame is flipped. */
  readonly corrupt?: number;
  /** The largest frame payload (without the 14-byte ethernet header) the link carries; larger frames are dropped. */
  readonly mtu?: number;
  /** Frames in flight on the link at once; more are dropped, as by a full queue (default 1024). */
  readonly queueLimit?: number;
  /**
   * The longest a frame may wait for the link to be free (with a `bandwidth`), in ms; a frame that
   * would wait longer is dropped, as by a router's buffer sized in time (default: no limit).
   */
  readonly queueMs?: number;
  /**
   * Drops every frame for which it returns true (a host that vanished, a firewall rule), before any
   * other impairment: for tests that cut some flows and not others.
   */
  readonly blackhole?: (frame: Uint8Array) => boolean;
}

/**
 * Counters of one direction of a virtual link.
 *
 * @beta
 */
export interface LinkStats {
  /** Frames offered to the link. */
  offered: number;
  /** Frames delivered at the far end (duplicates included). */
  delivered: number;
  /** Frames dropped by `loss`. */
  lost: number;
  /** Frames delivered twice. */
  duplicated: number;
  /** Frames held back behind a later one. */
  reordered: number;
  /** Frames with a bit flipped. */
  corrupted: number;
  /** Frames dropped for exceeding the link MTU. */
  tooBig: number;
  /** Frames dropped because `queueLimit` frames were in flight, or by `queueMs`. */
  queueDrops: number;
  /** Frames dropped by `blackhole`. */
  blackholed: number;
  /** Frames in flight now. */
  inFlight: number;
}
