/**
 * The connection table: 4-tuple → connection. Buckets are keyed by the two ports packed in one
 * number, and addresses are compared inside a bucket, so a lookup builds no string; almost every
 * bucket holds a single connection.
 *
 * @packageDocumentation
 */

import { addressEquals } from "./address.js";

/** What the table needs to know of an entry. */
export interface TableEntry<A> {
  readonly local: A;
  readonly remote: A;
  readonly localPort: number;
  readonly remotePort: number;
}

/** Connections by local and remote address and port. */
export class ConnectionTable<A, C extends TableEntry<A>> {
  readonly #buckets = new Map<number, C | C[]>();
  #size = 0;

  /** Number of connections. */
  get size(): number {
    return this.#size;
  }

  /** The connection of a 4-tuple. */
  get(local: A, localPort: number, remote: A, remotePort: number): C | undefined {
    const bucket = this.#buckets.get(localPort * 65536 + remotePort);
    if (bucket === undefined) return undefined;
    if (!Array.isArray(bucket)) return matches(bucket, local, remote) ? bucket : undefined;
    for (const conn of bucket) if (matches(conn, local, remote)) return conn;
    return undefined;
  }

  /** Adds a connection whose tuple is not in the table. */
  add(conn: C): void {
    const key = conn.localPort * 65536 + conn.remotePort;
    const bucket = this.#buckets.get(key);
    if (bucket === undefined) this.#buckets.set(key, conn);
    else if (Array.isArray(bucket)) bucket.push(conn);
    else this.#buckets.set(key, [bucket, conn]);
    this.#size++;
  }

  /** Removes this connection (not another one with the same tuple); returns whether it was there. */
  delete(conn: C): boolean {
    const key = conn.localPort * 65536 + conn.remotePort;
    const bucket = this.#buckets.get(key);
    if (bucket === conn) {
      this.#buckets.delete(key);
    } else if (Array.isArray(bucket) && bucket.includes(conn)) {
      const rest = bucket.filter((c) => c !== conn);
      this.#buckets.set(key, rest.length === 1 ? rest[0]! : rest);
    } else {
      return false;
    }
    this.#size--;
    return true;
  }

  /** Every connection (a copy, safe to iterate while closing them). */
  values(): C[] {
    const out: C[] = [];
    for (const bucket of this.#buckets.values()) {
      if (Array.isArray(bucket)) out.push(...bucket);
      else out.push(bucket);
    }
    return out;
  }
}

function matches<A>(conn: TableEntry<A>, local: A, remote: A): boolean {
  return addressEquals(conn.remote, remote) && addressEquals(conn.local, local);
}
