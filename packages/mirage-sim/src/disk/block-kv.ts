/**
 * `connectBlockKv`: a read-write key-value store kept as a log on a block device, so that it
 * survives a crash of its host: every mutation is appended as one checksummed record, and resolves
 * only once the disk says the write is durable; at boot the log is replayed up to the first record
 * that is torn, stale or missing. Under {@link SimDisk}'s fault model this gives the guarantee the
 * simulator tests: every `set` (`remove`, `rename`…) that resolved before a crash is there after
 * it, and one still in flight is either wholly there or wholly absent.
 *
 * Mutations run one at a time, in call order, and are applied to the in-memory contents after
 * their record is durable: a reader never sees a value that a crash could take back. The log is
 * never compacted: when it reaches the end of the disk, writes fail with `no_space`.
 *
 * @packageDocumentation
 */

import {
  type Block,
  type BlockInfo,
  type Key,
  type KvError,
  type KvKind,
  type KvRw,
  type KvWriteError,
  type PClock,
  type Result,
  checkCount,
  err,
  kvSetPartial,
  ok,
  ppBlockError,
  ppBlockWriteError,
} from "@mirage-ts/mirage-types";
import { sha256 } from "@noble/hashes/sha2.js";
import { HEADER, decodeRecord, encodeRecord, recordLength } from "./kv-record.js";
import { type KvOp, KvState } from "./kv-state.js";

/**
 * Options of {@link connectBlockKv}.
 *
 * @beta
 */
export interface BlockKvOptions {
  /** The wall clock stamping each change (`lastModified`). */
  readonly pclock: PClock;
}

/**
 * The counters of a {@link BlockKv}.
 *
 * @beta
 */
export interface BlockKvStats {
  /** Records found in the log at boot. */
  readonly replayed: number;
  /** Records in the log now. */
  readonly records: number;
  /** Sectors the log takes. */
  readonly sectorsUsed: number;
  /** Sectors of the device. */
  readonly sizeSectors: number;
}

/**
 * A key-value store logged on a block device.
 *
 * @beta
 */
export interface BlockKv extends KvRw {
  /** The store's counters. */
  stats(): BlockKvStats;
}

class LoggedKv implements BlockKv {
  readonly #block: Block;
  readonly #info: BlockInfo;
  readonly #pclock: PClock;
  readonly #state: KvState;
  readonly #replayed: number;
  #seq: number;
  #next: number;
  #connected = true;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(block: Block, info: BlockInfo, pclock: PClock, log: Replayed) {
    this.#block = block;
    this.#info = info;
    this.#pclock = pclock;
    this.#state = log.state;
    this.#replayed = log.records;
    this.#seq = log.records;
    this.#next = log.sectors;
  }

  stats(): BlockKvStats {
    return {
      replayed: this.#replayed,
      records: this.#seq,
      sectorsUsed: this.#next,
      sizeSectors: Number(this.#info.sizeSectors),
    };
  }

  async disconnect(): Promise<void> {
    this.#connected = false;
  }

  async exists(key: Key): Promise<Result<KvKind | undefined, KvError>> {
    return ok(this.#state.kind(key));
  }

  async get(key: Key): Promise<Result<Uint8Array, KvError>> {
    const value = this.#state.value(key);
    return value.ok ? ok(value.value.slice()) : value;
  }

  async getPartial(key: Key, offset: number, length: number): Promise<Result<Uint8Array, KvError>> {
    checkCount("getPartial: offset", offset);
    checkCount("getPartial: length", length);
    const value = this.#state.value(key);
    return value.ok ? ok(value.value.slice(offset, offset + length)) : value;
  }

  async list(key: Key): Promise<Result<Array<readonly [Key, KvKind]>, KvError>> {
    return this.#state.list(key);
  }

  async lastModified(key: Key): Promise<Result<Date, KvError>> {
    const modified = this.#state.modified(key);
    return modified.ok ? ok(new Date(modified.value)) : modified;
  }

  async digest(key: Key): Promise<Result<Uint8Array, KvError>> {
    const value = this.#state.value(key);
    return value.ok ? ok(sha256(value.value)) : value;
  }

  async size(key: Key): Promise<Result<number, KvError>> {
    const value = this.#state.value(key);
    return value.ok ? ok(value.value.length) : value;
  }

  set(key: Key, value: Uint8Array): Promise<Result<void, KvWriteError>> {
    const copy = value.slice();
    return this.#mutate(() => ({ kind: "set", key, value: copy, modified: this.#now() }));
  }

  setPartial(key: Key, offset: number, value: Uint8Array): Promise<Result<void, KvWriteError>> {
    checkCount("setPartial: offset", offset);
    const piece = value.slice();
    return this.#mutate(() => {
      const kind = this.#state.kind(key);
      if (kind === "dictionary") return err({ kind: "value_expected", key });
      const old = kind === "value" ? (this.#state.value(key) as { value: Uint8Array }).value : new Uint8Array(0);
      const data = kvSetPartial(old, offset, piece);
      return { kind: "set", key, value: data, modified: this.#now() };
    });
  }

  remove(key: Key): Promise<Result<void, KvWriteError>> {
    return this.#mutate(() => ({ kind: "remove", key, modified: this.#now() }));
  }

  rename(source: Key, dest: Key): Promise<Result<void, KvWriteError>> {
    return this.#mutate(() => ({ kind: "rename", source, dest, modified: this.#now() }));
  }

  allocate(key: Key, size: number, lastModified?: Date): Promise<Result<void, KvWriteError>> {
    checkCount("allocate: size", size);
    return this.#mutate(() => {
      if (this.#state.kind(key) !== undefined) return err({ kind: "already_present", key });
      return { kind: "set", key, value: new Uint8Array(size), modified: lastModified?.getTime() ?? this.#now() };
    });
  }

  #now(): number {
    return this.#pclock.now().getTime();
  }

  // Runs mutations one at a time: the operation is made and checked against the contents at its turn,
  // logged, and applied once its record is durable.
  #mutate(make: () => KvOp | Result<never, KvWriteError>): Promise<Result<void, KvWriteError>> {
    const run = async (): Promise<Result<void, KvWriteError>> => {
      if (!this.#connected) return err({ kind: "msg", message: "the store is disconnected" });
      const op = make();
      if ("ok" in op) return op;
      const checked = this.#state.check(op);
      if (!checked.ok) return checked;
      const record = encodeRecord(this.#seq, op, this.#info.sectorSize);
      const sectors = record.length / this.#info.sectorSize;
      if (BigInt(this.#next + sectors) > this.#info.sizeSectors) return err({ kind: "no_space" });
      const written = await this.#block.write(BigInt(this.#next), [record]);
      if (!written.ok) return err({ kind: "msg", message: `log write failed: ${ppBlockWriteError(written.error)}` });
      this.#state.apply(op);
      this.#seq++;
      this.#next += sectors;
      return ok();
    };
    const result = this.#queue.then(run);
    this.#queue = result;
    return result;
  }
}

/** What replaying a log found. */
interface Replayed {
  readonly state: KvState;
  readonly records: number;
  readonly sectors: number;
}

/**
 * Opens the store logged on `block` (a zeroed device is an empty store), replaying its log.
 *
 * @throws Error when the device cannot be read, is read-only, or has sectors too small for a header.
 * @beta
 */
export async function connectBlockKv(block: Block, options: BlockKvOptions): Promise<BlockKv> {
  const info = await block.getInfo();
  if (!info.readWrite) throw new Error("connectBlockKv: the block device is read-only; the store needs to write");
  if (info.sectorSize < HEADER) {
    throw new Error(`connectBlockKv: sectors of ${info.sectorSize} bytes are too small (at least ${HEADER})`);
  }
  return new LoggedKv(block, info, options.pclock, await replay(block, info));
}

// Reads records from sector 0 until one is missing, torn or stale.
async function replay(block: Block, info: BlockInfo): Promise<Replayed> {
  const state = new KvState();
  const size = Number(info.sizeSectors);
  const log = new LogReader(block, info);
  let records = 0;
  let sector = 0;
  while (sector < size) {
    const length = recordLength(await log.bytes(sector, 1), records);
    if (length === undefined) break;
    const sectors = Math.ceil((HEADER + length) / info.sectorSize);
    if (sector + sectors > size) break;
    const op = decodeRecord(await log.bytes(sector, sectors), length);
    if (op === undefined || !state.check(op).ok) break;
    state.apply(op);
    records++;
    sector += sectors;
  }
  return { state, records, sectors: sector };
}

// Reads the log a window of sectors at a time (records are small; one request per record would
// make a boot's replay as slow as its records are many).
class LogReader {
  static readonly WINDOW = 256;
  readonly #block: Block;
  readonly #info: BlockInfo;
  #from = 0;
  #window = new Uint8Array(0);

  constructor(block: Block, info: BlockInfo) {
    this.#block = block;
    this.#info = info;
  }

  async bytes(sector: number, count: number): Promise<Uint8Array> {
    const size = this.#info.sectorSize;
    const inWindow = sector >= this.#from && (sector + count - this.#from) * size <= this.#window.length;
    if (!inWindow) {
      const sectors = Math.min(Math.max(count, LogReader.WINDOW), Number(this.#info.sizeSectors) - sector);
      const buffer = new Uint8Array(sectors * size);
      const done = await this.#block.read(BigInt(sector), [buffer]);
      if (!done.ok) throw new Error(`connectBlockKv: reading the log at sector ${sector}: ${ppBlockError(done.error)}`);
      this.#from = sector;
      this.#window = buffer;
    }
    const at = (sector - this.#from) * size;
    return this.#window.subarray(at, at + count * size);
  }
}
