/**
 * A growable byte writer with RFC 1035 §4.1.4 name compression.
 *
 * @packageDocumentation
 */

import { parseName } from "./name.js";

/** Compression pointers carry 14 bits of offset. */
const maxPointerTarget = 0x3fff;

/** Writes a DNS message; names are compressed against those already written when asked to. */
export class Writer {
  private bytes = new Uint8Array(512);
  private view = new DataView(this.bytes.buffer);
  length = 0;
  private readonly names = new Map<string, number>();

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  u16(value: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, value >>> 0);
    this.length += 4;
  }

  /** Writes a 16-bit value at an earlier offset (RDLENGTH, counts). */
  patchU16(offset: number, value: number): void {
    this.view.setUint16(offset, value);
  }

  raw(data: Uint8Array): void {
    this.ensure(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /**
   * Writes `name`, compressed against earlier names when `compress` is set; every suffix written
   * uncompressed is remembered for later names.
   *
   * @throws RangeError on a name that does not parse (callers validate names from the outside first).
   */
  name(name: string, compress: boolean): void {
    const parsed = parseName(name);
    if (!parsed.ok) throw new RangeError(parsed.error);
    const labels = parsed.value;
    const keys = suffixKeys(labels);
    for (let i = 0; i < labels.length; i++) {
      const key = keys[i] as string;
      const target = compress ? this.names.get(key) : undefined;
      if (target !== undefined) {
        this.u16(0xc000 | target);
        return;
      }
      if (this.length <= maxPointerTarget && !this.names.has(key)) this.names.set(key, this.length);
      const label = labels[i] as Uint8Array;
      this.u8(label.length);
      this.raw(label);
    }
    this.u8(0);
  }

  /** The bytes written so far (a copy, so the writer can be dropped). */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Case-insensitive keys of every suffix of `labels`, longest first. */
function suffixKeys(labels: readonly Uint8Array[]): string[] {
  const keys = new Array<string>(labels.length);
  let key = "";
  for (let i = labels.length - 1; i >= 0; i--) {
    let label = "";
    for (const byte of labels[i] as Uint8Array) {
      label += String.fromCharCode(byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);
    }
    key = `${label.length.toString(36)}:${label}${key}`;
    keys[i] = key;
  }
  return keys;
}
