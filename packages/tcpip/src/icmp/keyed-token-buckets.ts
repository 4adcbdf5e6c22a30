/**
 * A token bucket per key (per destination address, as Linux's inet_peer rate limit), for at most
 * `maxKeys` keys: a flood of distinct keys holds bounded state. The least recently used key is
 * forgotten first and starts again with a full bucket, which only ever allows more, so a host-wide
 * bucket must still bound the total.
 */

import { TokenBucket } from "../internal/token-bucket.js";
import type { Clock } from "../time/clock.js";

/** Allows `burst` events at once and `perSecond` events a second on average, for each key. */
export class KeyedTokenBuckets<K> {
  readonly #clock: Clock;
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #maxKeys: number;
  // In order of last use, oldest first.
  readonly #buckets = new Map<K, TokenBucket>();

  constructor(clock: Clock, perSecond: number, burst: number, maxKeys: number) {
    this.#clock = clock;
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#maxKeys = maxKeys;
  }

  /** Takes a token from `key`'s bucket if one is available. */
  take(key: K): boolean {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as K);
      bucket = new TokenBucket(this.#clock, this.#perSecond, this.#burst);
    } else {
      this.#buckets.delete(key);
    }
    this.#buckets.set(key, bucket);
    return bucket.take();
  }
}
