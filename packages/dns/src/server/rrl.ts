/**
 * Response rate limiting for UDP (no RFC; NSD's and BIND's design): a token bucket per client netblock
 * (/24 for IPv4, /56 for IPv6) and answer, so a forged-source flood cannot use the server as an
 * amplifier. Over the limit, every `slip`-th response goes out empty with TC set (a real client
 * retries over TCP) and the rest are dropped. The table is bounded; the least recently seen goes.
 *
 * @packageDocumentation
 */

import type { Ipaddr } from "@mirage-ts/mirage-types";

/** @beta Limits of {@link RateLimiter}. */
export interface RateLimitOptions {
  /** Responses per second per netblock and answer; 200 as NSD. */
  readonly responsesPerSecond?: number;
  /** Every n-th limited response is sent truncated; 2 as NSD (0 drops them all). */
  readonly slip?: number;
  /** Buckets kept; 10000 by default. */
  readonly tableSize?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  limited: number;
}

/** @beta What to do with one response. */
export type RateDecision = "send" | "slip" | "drop";

/**
 * The limiter; time comes from the injected `now` (milliseconds).
 *
 * @beta
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly slip: number;
  private readonly size: number;

  constructor(
    options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.rate = options.responsesPerSecond ?? 200;
    this.slip = options.slip ?? 2;
    this.size = options.tableSize ?? 10_000;
    if (!(this.rate > 0)) throw new RangeError(`rate limit of ${this.rate} responses per second is not positive`);
  }

  /** Buckets held now. */
  get entries(): number {
    return this.buckets.size;
  }

  /** Decides for a response to `client` about `what` (the query name and the response code). */
  decide(client: Ipaddr, what: string): RateDecision {
    const key = `${netblock(client)}|${what}`;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.rate, updatedAt: now, limited: 0 };
    } else {
      this.buckets.delete(key);
      bucket.tokens = Math.min(this.rate, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.rate);
      bucket.updatedAt = now;
    }
    this.buckets.set(key, bucket);
    while (this.buckets.size > this.size) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return "send";
    }
    bucket.limited++;
    return this.slip > 0 && bucket.limited % this.slip === 0 ? "slip" : "drop";
  }
}

function netblock(address: Ipaddr): string {
  const bytes = address.toBytes();
  return address.version === 4 ? `4:${bytes.subarray(0, 3).join(".")}` : `6:${bytes.subarray(0, 7).join(".")}`;
}
