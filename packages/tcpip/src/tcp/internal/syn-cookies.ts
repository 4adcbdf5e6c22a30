/**
 * SYN cookies (RFC 4987 §3.6, as Linux does them): when a listener's queue is full, its SYN-ACK
 * carries the connection's state in its sequence number (and, when the peer sent timestamps, in the
 * low bits of its TSval) and nothing is kept; the ACK completing the handshake brings it back.
 *
 * The sequence number is a keyed hash of the 4-tuple and the peer's ISN in its 29 high bits and an
 * index into a table of MSS values in its 3 low bits. The key rotates every {@link SECRET_LIFETIME_MS};
 * a cookie is accepted under the current or the previous key, so it lives one to two lifetimes.
 * Window scale and SACK-permitted can only ride in the timestamp: without timestamps the SYN-ACK
 * offers neither, so both sides agree to go without.
 *
 * @packageDocumentation
 */

import type { Random } from "@mirage-ts/mirage-types";
import { halfSipHash } from "./half-siphash.js";

/** How long one secret signs new cookies; cookies signed with the one before it are still accepted. */
export const SECRET_LIFETIME_MS = 64_000;

/** The MSS values a cookie can carry (Linux's IPv4 and IPv6 tables together), smallest first. */
const MSS_TABLE = [536, 1220, 1300, 1360, 1440, 1460, 4312, 8960] as const;

// TSval bits that carry the options: the window shift (15 when none) and SACK-permitted.
const WSCALE_MASK = 0x0f;
const NO_WSCALE = 0x0f;
const SACK_BIT = 0x10;
const OPTION_BITS = 0x1f;

/** What a valid cookie gives back of the peer's SYN. */
export interface CookieSyn {
  /** The peer's MSS, rounded down to a value of the table. */
  readonly mss: number;
  /** The peer's window shift, or `undefined` when it offered none (or sent no timestamps). */
  readonly windowScale: number | undefined;
  /** Whether the peer offered SACK (false when it sent no timestamps). */
  readonly sackPermitted: boolean;
}

interface Secret {
  readonly k0: number;
  readonly k1: number;
}

/** Makes and checks the cookies of one TCP layer. */
export class SynCookies {
  readonly #random: Random;
  // No secret is drawn before the first cookie: a layer that never needs one uses no randomness for it.
  #generation = Number.NaN;
  #current: Secret = { k0: 0, k1: 0 };
  #previous: Secret = this.#current;
  // When the last cookie went out: ACKs to a listener are only checked while cookies are recent.
  #lastSentAt = Number.NEGATIVE_INFINITY;

  constructor(random: Random) {
    this.#random = random;
  }

  /** The ISS of a cookie SYN-ACK answering the SYN with `peerSeq` and `peerMss` (if any) on `tuple`. */
  make(tuple: string, peerSeq: number, peerMss: number | undefined, nowMs: number): number {
    this.#rotate(nowMs);
    this.#lastSentAt = nowMs;
    const mss = peerMss ?? MSS_TABLE[0]!;
    let index = MSS_TABLE.length - 1;
    while (index > 0 && MSS_TABLE[index]! > mss) index--;
    return ((this.#hash(this.#current, tuple, peerSeq) & ~7) | index) >>> 0;
  }

  /** Whether a cookie went out within the last two secret lifetimes (longer, none can be valid). */
  recentlySent(nowMs: number): boolean {
    return nowMs - this.#lastSentAt < 2 * SECRET_LIFETIME_MS;
  }

  /** The MSS of the SYN that `cookie` answered, or `undefined` when it is not one of ours or has expired. */
  check(tuple: string, peerSeq: number, cookie: number, nowMs: number): number | undefined {
    this.#rotate(nowMs);
    for (const secret of [this.#current, this.#previous]) {
      if (((this.#hash(secret, tuple, peerSeq) ^ cookie) & ~7) === 0) return MSS_TABLE[cookie & 7];
    }
    return undefined;
  }

  /**
   * The TSval of a cookie SYN-ACK: our clock with its low bits replaced by the options, stepped back
   * one block when that would put it past the clock (as Linux does). A TSval later than the ones the
   * connection sends next would make the peer drop those as old duplicates (PAWS, RFC 7323 §5).
   */
  timestamp(tsNow: number, windowScale: number | undefined, sackPermitted: boolean): number {
    const options = (windowScale ?? NO_WSCALE) | (sackPermitted ? SACK_BIT : 0);
    const ts = ((tsNow & ~OPTION_BITS) | options) >>> 0;
    return (tsNow & OPTION_BITS) >= options ? ts : (ts - (OPTION_BITS + 1)) >>> 0;
  }

  /**
   * The options the peer echoes in `tsEcr` (our cookie TSval), or `undefined` when that value cannot
   * be one we sent lately: later than `tsNow`, or older than a cookie lives.
   */
  options(tsEcr: number, tsNow: number): { windowScale: number | undefined; sackPermitted: boolean } | undefined {
    // The options can put the TSval up to one block of OPTION_BITS before the clock it was sent at.
    const age = (tsNow - tsEcr) >>> 0;
    if (age > 2 * SECRET_LIFETIME_MS + OPTION_BITS + 1) return undefined;
    const shift = tsEcr & WSCALE_MASK;
    if (shift !== NO_WSCALE && shift > 14) return undefined;
    return { windowScale: shift === NO_WSCALE ? undefined : shift, sackPermitted: (tsEcr & SACK_BIT) !== 0 };
  }

  #rotate(nowMs: number): void {
    const generation = Math.floor(nowMs / SECRET_LIFETIME_MS);
    if (generation === this.#generation) return;
    // One step on: the current secret becomes the previous one; further, both are replaced.
    this.#previous = generation === this.#generation + 1 ? this.#current : this.#newSecret();
    this.#current = this.#newSecret();
    this.#generation = generation;
  }

  #newSecret(): Secret {
    const b = this.#random.generate(8);
    return {
      k0: (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0,
      k1: (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0,
    };
  }

  #hash(secret: Secret, tuple: string, peerSeq: number): number {
    return halfSipHash(secret.k0, secret.k1, tuple, peerSeq >>> 0);
  }
}
