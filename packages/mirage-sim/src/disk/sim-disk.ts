/**
 * `SimDisk`: a host's simulated disk. It outlives the host's incarnations: a crash loses the
 * machine's memory, not its disk. Each boot gets a fresh `Block` on it ({@link SimDisk.attach}).
 *
 * The fault model (the README states it for users): a write is durable once its promise resolved.
 * A write still in flight when the host crashes — issued, not yet resolved — meets one of three
 * fates, drawn from the disk's seeded generator, write by write in issue order:
 *
 * - lost: none of its sectors reached the media;
 * - completed: all of them did;
 * - torn: each sector independently reached the media or not (a sector is the unit of atomicity:
 *   no sector is ever half written).
 *
 * Reads see the newest data issued (the write cache), including writes still in flight. Every read
 * and write completes after `latencyMs` plus up to `jitterMs` of virtual time, also drawn from the
 * seed, so in-flight windows exist and vary with the seed.
 *
 * @packageDocumentation
 */

import {
  type Block,
  type BlockError,
  type BlockGeometry,
  type BlockInfo,
  type BlockRequest,
  BlockRequestGate,
  type BlockWriteError,
  type Result,
  concatBytes,
  ok,
} from "@mirage-ts/mirage-types";
import type { SeededRandom } from "@mirage-ts/tcpip";
import type { IncarnationClock } from "../incarnation.js";

/**
 * Options of a host's simulated disk.
 *
 * @beta
 */
export interface SimDiskOptions {
  /** Size in sectors (default 8192: 4 MiB of 512-byte sectors). */
  readonly sizeSectors?: number;
  /** Bytes per sector (default 512). */
  readonly sectorSize?: number;
  /** Virtual time every request takes at least, in ms (default 0.2). */
  readonly latencyMs?: number;
  /** Extra virtual time drawn uniformly from `[0, jitterMs)` per request, in ms (default 0.8). */
  readonly jitterMs?: number;
}

/**
 * The counters of a {@link SimDisk}.
 *
 * @beta
 */
export interface SimDiskStats {
  /** Read requests completed. */
  readonly reads: number;
  /** Write requests completed (durable). */
  readonly writes: number;
  /** Crashes the disk went through. */
  readonly crashes: number;
  /** In-flight writes a crash lost entirely. */
  readonly lostWrites: number;
  /** In-flight writes a crash completed entirely. */
  readonly completedAtCrash: number;
  /** In-flight writes a crash tore (some sectors written, some not). */
  readonly tornWrites: number;
}

interface Pending {
  readonly sector: number;
  readonly data: Uint8Array;
}

// One contiguous buffer per disk: keep it within what a Uint8Array holds everywhere.
const MAX_BYTES = 2 ** 31;

/**
 * A simulated disk with a stated crash fault model.
 *
 * @beta
 */
export class SimDisk {
  /** The name messages use (the host's). */
  readonly name: string;
  /** Bytes per sector. */
  readonly sectorSize: number;
  /** Size in sectors. */
  readonly sizeSectors: number;
  /** @internal What requests are checked against. */
  readonly geometry: BlockGeometry;
  readonly #media: Uint8Array;
  readonly #pending: Pending[] = [];
  readonly #random: SeededRandom;
  readonly #latencyMs: number;
  readonly #jitterMs: number;
  readonly #stats = { reads: 0, writes: 0, crashes: 0, lostWrites: 0, completedAtCrash: 0, tornWrites: 0 };

  /** @throws RangeError naming the option when the geometry or latency is invalid. */
  constructor(name: string, options: SimDiskOptions, random: SeededRandom) {
    const sectorSize = options.sectorSize ?? 512;
    const sizeSectors = options.sizeSectors ?? 8192;
    if (!Number.isInteger(sectorSize) || sectorSize < 1) {
      throw new RangeError(`disk of ${name}: sectorSize must be a positive integer, got ${sectorSize}`);
    }
    if (!Number.isInteger(sizeSectors) || sizeSectors < 1 || sizeSectors * sectorSize > MAX_BYTES) {
      throw new RangeError(
        `disk of ${name}: sizeSectors must be a positive integer of at most 2 GiB, got ${sizeSectors}`,
      );
    }
    for (const key of ["latencyMs", "jitterMs"] as const) {
      const value = options[key];
      if (value !== undefined && !(value >= 0 && Number.isFinite(value))) {
        throw new RangeError(`disk of ${name}: ${key} must be a finite number >= 0, got ${value}`);
      }
    }
    this.name = name;
    this.sectorSize = sectorSize;
    this.sizeSectors = sizeSectors;
    this.geometry = { device: `the disk of ${name}`, sectorSize, sizeSectors: BigInt(sizeSectors), readWrite: true };
    this.#media = new Uint8Array(sectorSize * sizeSectors);
    this.#random = random;
    this.#latencyMs = options.latencyMs ?? 0.2;
    this.#jitterMs = options.jitterMs ?? 0.8;
  }

  /** The counters so far. */
  stats(): SimDiskStats {
    return { ...this.#stats };
  }

  /** Writes issued and not yet durable. */
  get inFlight(): number {
    return this.#pending.length;
  }

  /** A copy of what the media holds durably (in-flight writes excluded). */
  image(): Uint8Array {
    return this.#media.slice();
  }

  /**
   * The disk as one incarnation's `Block`: its requests complete on `clock`, so after the
   * incarnation is killed they never complete (and new ones never start).
   */
  attach(clock: IncarnationClock): Block {
    return new AttachedDisk(this, clock);
  }

  /**
   * The host crashed: every in-flight write is lost, completed or torn per the fault model; what
   * reached the media is all the next boot finds.
   */
  crash(): void {
    this.#stats.crashes++;
    for (const write of this.#pending.splice(0)) {
      const sectors = write.data.length / this.sectorSize;
      const fate = this.#random.nextInt(3);
      let written = 0;
      for (let i = 0; i < sectors; i++) {
        const lands = fate === 1 || (fate === 2 && this.#random.nextInt(2) === 1);
        if (!lands) continue;
        const from = i * this.sectorSize;
        this.#media.set(write.data.subarray(from, from + this.sectorSize), (write.sector + i) * this.sectorSize);
        written++;
      }
      if (written === 0) this.#stats.lostWrites++;
      else if (written === sectors) this.#stats.completedAtCrash++;
      else this.#stats.tornWrites++;
    }
  }

  /** @internal The virtual time one request takes. */
  latency(): number {
    return this.#latencyMs + (this.#jitterMs > 0 ? this.#random.nextFloat() * this.#jitterMs : 0);
  }

  /** @internal Starts a write: in the cache now; durable when the function returned is called. */
  issue(sector: number, buffers: readonly Uint8Array[]): () => void {
    // A copy: the caller may reuse its buffers once the write is issued.
    const write = { sector, data: concatBytes(buffers).slice() };
    this.#pending.push(write);
    return () => this.#complete(write);
  }

  // A write reached the media (unless a crash settled its fate first).
  #complete(write: Pending): void {
    const index = this.#pending.indexOf(write);
    if (index < 0) return;
    this.#pending.splice(index, 1);
    this.#media.set(write.data, write.sector * this.sectorSize);
    this.#stats.writes++;
  }

  /** @internal Fills `buffers` with the newest data: the media, then the writes in flight in issue order. */
  fill(sector: number, buffers: readonly Uint8Array[]): void {
    let at = sector * this.sectorSize;
    for (const buffer of buffers) {
      buffer.set(this.#media.subarray(at, at + buffer.length));
      for (const write of this.#pending) overlay(buffer, at, write.data, write.sector * this.sectorSize);
      at += buffer.length;
    }
    this.#stats.reads++;
  }
}

// Copies the part of `data` (at byte `dataAt` of the disk) that falls in `buffer` (at byte `bufferAt`).
function overlay(buffer: Uint8Array, bufferAt: number, data: Uint8Array, dataAt: number): void {
  const from = Math.max(bufferAt, dataAt);
  const to = Math.min(bufferAt + buffer.length, dataAt + data.length);
  if (from < to) buffer.set(data.subarray(from - dataAt, to - dataAt), from - bufferAt);
}

const NEVER = new Promise<never>(() => {});

// One boot's view of the disk: requests complete on the incarnation's clock.
class AttachedDisk implements Block {
  readonly #disk: SimDisk;
  readonly #clock: IncarnationClock;
  readonly #gate: BlockRequestGate;

  constructor(disk: SimDisk, clock: IncarnationClock) {
    this.#disk = disk;
    this.#clock = clock;
    this.#gate = new BlockRequestGate(disk.geometry);
  }

  async getInfo(): Promise<BlockInfo> {
    return this.#gate.info();
  }

  read(sector: bigint, buffers: readonly Uint8Array[]): Promise<Result<void, BlockError>> {
    const checked = this.#gate.check("read", sector, buffers);
    return this.#request(checked, () => () => this.#disk.fill(Number(sector), buffers));
  }

  write(sector: bigint, buffers: readonly Uint8Array[]): Promise<Result<void, BlockWriteError>> {
    const checked = this.#gate.check("write", sector, buffers);
    return this.#request(checked, () => this.#disk.issue(Number(sector), buffers));
  }

  async disconnect(): Promise<void> {
    this.#gate.disconnect();
  }

  // Begins a checked request (a write enters the cache), and completes it after the disk's latency on
  // the incarnation's clock. A dead incarnation's requests never complete.
  #request<E>(checked: Result<BlockRequest, E>, begin: () => () => void): Promise<Result<void, E>> {
    if (!this.#clock.alive) return NEVER;
    if (!checked.ok) return Promise.resolve(checked);
    const complete = begin();
    return new Promise((resolve) => {
      this.#clock.setTimer(this.#disk.latency(), () => {
        complete();
        resolve(ok());
      });
    });
  }
}
