/**
 * The sender's SACK scoreboard (RFC 6675 §3): which bytes above the cumulative ACK the peer reported
 * holding. Ranges are validated against the outstanding data and merged, and their number is capped,
 * so a hostile receiver cannot make the list grow; forgetting a block is always safe (the data is
 * just retransmitted).
 *
 * @packageDocumentation
 */

import { seqDiff, seqGt, seqLe, seqLt } from "./seq.js";

/** SACKed ranges above SND.UNA, sorted and disjoint. */
export class SackScoreboard {
  readonly maxRanges: number;
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  #sacked = 0;

  constructor(maxRanges: number) {
    this.maxRanges = maxRanges;
  }

  /** Total bytes SACKed. */
  get sackedBytes(): number {
    return this.#sacked;
  }

  /** Whether no range is held. */
  get isEmpty(): boolean {
    return this.#starts.length === 0;
  }

  /** Number of ranges held. */
  get rangeCount(): number {
    return this.#starts.length;
  }

  /**
   * Adds one SACK block `[left, right)`; blocks not inside `(una, nxt]` are ignored (old, D-SACK or
   * forged). Returns the bytes newly SACKed.
   */
  add(left: number, right: number, una: number, nxt: number): number {
    if (!seqLt(left, right) || seqLe(left, una) || seqGt(right, nxt)) return 0;
    const starts = this.#starts;
    const ends = this.#ends;
    let i = 0;
    while (i < starts.length && seqLt(ends[i]!, left)) i++;
    let j = i;
    while (j < starts.length && seqLe(starts[j]!, right)) j++;
    if (i === j && starts.length >= this.maxRanges) return 0;
    let s = left;
    let e = right;
    let covered = 0;
    for (let k = i; k < j; k++) {
      covered += seqDiff(ends[k]!, starts[k]!);
      if (seqLt(starts[k]!, s)) s = starts[k]!;
      if (seqGt(ends[k]!, e)) e = ends[k]!;
    }
    starts.splice(i, j - i, s);
    ends.splice(i, j - i, e);
    const added = seqDiff(e, s) - covered;
    this.#sacked += added;
    return added;
  }

  /** The cumulative ACK moved to `una`: forgets what it covers. */
  advance(una: number): void {
    const starts = this.#starts;
    const ends = this.#ends;
    let drop = 0;
    while (drop < starts.length && seqLe(ends[drop]!, una)) {
      this.#sacked -= seqDiff(ends[drop]!, starts[drop]!);
      drop++;
    }
    if (drop > 0) {
      starts.splice(0, drop);
      ends.splice(0, drop);
    }
    if (starts.length > 0 && seqLt(starts[0]!, una)) {
      this.#sacked -= seqDiff(una, starts[0]!);
      starts[0] = una;
    }
  }

  /** Forgets everything (the receiver may have reneged). */
  clear(): void {
    this.#starts.length = 0;
    this.#ends.length = 0;
    this.#sacked = 0;
  }

  /** The end of the highest SACKed range, or `fallback` when there is none. */
  highestSacked(fallback: number): number {
    return this.#ends.length > 0 ? this.#ends[this.#ends.length - 1]! : fallback;
  }

  /** The start of the highest SACKed range, or `fallback` when there is none. */
  lastSackedStart(fallback: number): number {
    return this.#starts.length > 0 ? this.#starts[this.#starts.length - 1]! : fallback;
  }

  /**
   * The loss boundary of RFC 6675 `IsLost`: every unSACKed byte before the returned sequence number
   * has at least `dupThresh` SACKed ranges or more than `(dupThresh - 1) * mss` SACKed bytes above it.
   * Returns `una` when no byte qualifies.
   */
  lossBoundary(una: number, dupThresh: number, mss: number): number {
    const starts = this.#starts;
    let bytes = 0;
    let count = 0;
    for (let k = starts.length - 1; k >= 0; k--) {
      bytes += seqDiff(this.#ends[k]!, starts[k]!);
      count++;
      if (count >= dupThresh || bytes > (dupThresh - 1) * mss) return starts[k]!;
    }
    return una;
  }

  /** The first unSACKed sequence number at or after `seq`. */
  nextUnsacked(seq: number): number {
    const starts = this.#starts;
    for (let k = 0; k < starts.length; k++) {
      if (seqLe(starts[k]!, seq) && seqLt(seq, this.#ends[k]!)) return this.#ends[k]!;
      if (seqGt(starts[k]!, seq)) break;
    }
    return seq;
  }

  /** The start of the first SACKed range above `seq`, or `fallback` when there is none. */
  nextSackedStart(seq: number, fallback: number): number {
    for (const start of this.#starts) if (seqGt(start, seq)) return start;
    return fallback;
  }

  /** The number of unSACKed bytes in `[from, to)`. */
  unsackedBetween(from: number, to: number): number {
    const total = seqDiff(to, from);
    if (total <= 0) return 0;
    let sacked = 0;
    const starts = this.#starts;
    for (let k = 0; k < starts.length; k++) {
      if (!seqLt(starts[k]!, to)) break;
      const s = seqLt(starts[k]!, from) ? from : starts[k]!;
      const e = seqGt(this.#ends[k]!, to) ? to : this.#ends[k]!;
      const overlap = seqDiff(e, s);
      if (overlap > 0) sacked += overlap;
    }
    return total - sacked;
  }
}
