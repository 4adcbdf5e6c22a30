/**
 * The records of {@link connectBlockKv}'s log. A record starts on a sector boundary and fills whole
 * sectors:
 *
 * ```text
 * magic "MSKV" (u32) | seq (u32) | payload length (u32) | CRC-32 of seq, length and payload (u32) | payload
 * payload: kind (u8: 1 set, 2 remove, 3 rename) | modified (f64 ms) | key(s) | set: value length (u32), value
 * key: segment count (u16), then per segment its UTF-8 length (u16) and bytes
 * ```
 *
 * All integers are big-endian. Decoding never throws: a record that is short, torn (its CRC fails)
 * or stale (its sequence number is not the next one) is `undefined`, the end of the log.
 *
 * @packageDocumentation
 */

import { Key, concatBytes } from "@mirage-ts/mirage-types";
import { utf8Bytes, utf8Text } from "../text.js";
import { crc32 } from "./crc32.js";
import type { KvOp } from "./kv-state.js";

const MAGIC = 0x4d534b56;
/** Bytes of a record's header. */
export const HEADER = 16;
const KINDS = { set: 1, remove: 2, rename: 3 } as const;

/** The record of operation `op`, number `seq`, padded to whole sectors. */
export function encodeRecord(seq: number, op: KvOp, sectorSize: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const head = new DataView(new ArrayBuffer(9));
  head.setUint8(0, KINDS[op.kind]);
  head.setFloat64(1, op.modified);
  parts.push(new Uint8Array(head.buffer));
  if (op.kind === "rename") parts.push(encodeKey(op.source), encodeKey(op.dest));
  else parts.push(encodeKey(op.key));
  if (op.kind === "set") parts.push(u32(op.value.length), op.value);
  const payload = concatBytes(parts);
  const { length } = payload;
  const record = new Uint8Array(Math.ceil((HEADER + length) / sectorSize) * sectorSize);
  record.set(payload, HEADER);
  const view = new DataView(record.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, seq);
  view.setUint32(8, length);
  view.setUint32(12, checksum(record, length));
  return record;
}

/**
 * The payload length of the record whose header starts `bytes`, if it is one numbered `seq`; the
 * record then takes `HEADER + length` bytes rounded up to sectors.
 */
export function recordLength(bytes: Uint8Array, seq: number): number | undefined {
  if (bytes.length < HEADER) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER);
  if (view.getUint32(0) !== MAGIC || view.getUint32(4) !== seq) return undefined;
  return view.getUint32(8);
}

/** The operation of the whole record `bytes` (header, payload of `length` bytes), if its CRC holds. */
export function decodeRecord(bytes: Uint8Array, length: number): KvOp | undefined {
  if (bytes.length < HEADER + length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (view.getUint32(12) !== checksum(bytes, length)) return undefined;
  const reader = new Reader(bytes.subarray(HEADER, HEADER + length));
  const kind = reader.u8();
  const modified = reader.f64();
  switch (kind) {
    case KINDS.set: {
      const key = reader.key();
      const value = reader.bytes(reader.u32());
      return key && value && { kind: "set", key, value: value.slice(), modified };
    }
    case KINDS.remove: {
      const key = reader.key();
      return key && { kind: "remove", key, modified };
    }
    case KINDS.rename: {
      const source = reader.key();
      const dest = reader.key();
      return source && dest && { kind: "rename", source, dest, modified };
    }
    default:
      return undefined;
  }
}

function checksum(record: Uint8Array, length: number): number {
  const covered = new Uint8Array(8 + length);
  covered.set(record.subarray(4, 12));
  covered.set(record.subarray(HEADER, HEADER + length), 8);
  return crc32(covered);
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

function encodeKey(key: Key): Uint8Array {
  const segments = key.segments.map(utf8Bytes);
  const out = new Uint8Array(2 + segments.reduce((n, s) => n + 2 + s.length, 0));
  const view = new DataView(out.buffer);
  view.setUint16(0, segments.length);
  let at = 2;
  for (const segment of segments) {
    view.setUint16(at, segment.length);
    out.set(segment, at + 2);
    at += 2 + segment.length;
  }
  return out;
}

// A bounds-checked cursor: NaN/undefined once the payload runs out, so a bad record decodes to nothing.
class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  #take(n: number): number | undefined {
    if (this.#at + n > this.#bytes.length) return undefined;
    const at = this.#at;
    this.#at += n;
    return at;
  }

  // The number `get` reads from the next `size` bytes, or NaN past the end.
  #number(size: number, get: (view: DataView, at: number) => number): number {
    const at = this.#take(size);
    return at === undefined ? Number.NaN : get(this.#view, at);
  }

  u8(): number {
    return this.#number(1, (view, at) => view.getUint8(at));
  }

  u16(): number {
    return this.#number(2, (view, at) => view.getUint16(at));
  }

  u32(): number {
    return this.#number(4, (view, at) => view.getUint32(at));
  }

  f64(): number {
    return this.#number(8, (view, at) => view.getFloat64(at));
  }

  bytes(n: number): Uint8Array | undefined {
    if (Number.isNaN(n)) return undefined;
    const at = this.#take(n);
    return at === undefined ? undefined : this.#bytes.subarray(at, at + n);
  }

  key(): Key | undefined {
    const count = this.u16();
    if (Number.isNaN(count)) return undefined;
    let key = Key.empty;
    for (let i = 0; i < count; i++) {
      const segment = this.bytes(this.u16());
      if (segment === undefined || segment.includes(0x2f)) return undefined;
      key = key.add(utf8Text(segment));
    }
    return key;
  }
}
