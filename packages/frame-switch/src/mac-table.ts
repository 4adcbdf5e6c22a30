/**
 * The learning table of the switch: which port a source address was last seen on, bounded in size
 * (the oldest entry goes first) and in age (an entry not refreshed for `maxAgeMs` is forgotten, so a
 * station that moved is flooded to and learned again).
 *
 * @packageDocumentation
 */

interface Entry<P> {
  readonly port: P;
  readonly seen: number;
}

/** A bounded, ageing map from MAC address to port. */
export class MacTable<P> {
  // A Map keeps insertion order: re-inserting on each refresh makes the first entry the oldest.
  readonly #entries = new Map<number, Entry<P>>();
  readonly #capacity: number;
  readonly #maxAgeMs: number;
  #evicted = 0;

  constructor(capacity: number, maxAgeMs: number) {
    this.#capacity = capacity;
    this.#maxAgeMs = maxAgeMs;
  }

  /** Records that `mac` was seen on `port` at `now`. */
  learn(mac: number, port: P, now: number): void {
    this.#entries.delete(mac);
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) {
        this.#entries.delete(oldest.value);
        this.#evicted++;
      }
    }
    this.#entries.set(mac, { port, seen: now });
  }

  /** The port of `mac`, unless unknown or aged out. */
  lookup(mac: number, now: number): P | undefined {
    const entry = this.#entries.get(mac);
    if (entry === undefined) return undefined;
    if (now - entry.seen > this.#maxAgeMs) {
      this.#entries.delete(mac);
      return undefined;
    }
    return entry.port;
  }

  /** Forgets every address learned on `port` (it left). */
  forgetPort(port: P): void {
    for (const [mac, entry] of this.#entries) if (entry.port === port) this.#entries.delete(mac);
  }

  /** The number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /** Entries pushed out because the table was full. */
  get evicted(): number {
    return this.#evicted;
  }
}
