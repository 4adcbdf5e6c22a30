/**
 * `Macaddr`: an Ethernet MAC address (`Macaddr.t` of ocaml-macaddr), an immutable value.
 *
 * @packageDocumentation
 */
import { hexDigit, invalidText } from "./internal/address-text.js";
import { checkLength, checkRange } from "./internal/byte-bounds.js";
import { compareNumbers } from "./internal/order.js";
import { readUint32, writeUint32 } from "./internal/uint32-bytes.js";

const HIGH = 2 ** 32;

/**
 * A 48-bit MAC address. Values are immutable and compared with {@link Macaddr.equals}; the six bytes
 * are kept in one number, so a MAC costs one small object.
 *
 * @public
 */
export class Macaddr {
  /** The broadcast address `ff:ff:ff:ff:ff:ff`. */
  static readonly broadcast: Macaddr = new Macaddr(2 ** 48 - 1);

  // The six bytes as an unsigned 48-bit integer, first byte most significant (exact in a double).
  private readonly value: number;

  private constructor(value: number) {
    this.value = value;
  }

  /**
   * Parses six pairs of hex digits separated by `:` or by `-` (one separator throughout), in either
   * case: `"aa:bb:cc:dd:ee:ff"`, `"AA-BB-CC-DD-EE-FF"`.
   *
   * @throws TypeError if `text` is not such a MAC address.
   */
  static parse(text: string): Macaddr {
    const invalid = (reason: string): TypeError => invalidText("MAC address", text, reason);
    if (text.length !== 17) throw invalid('expected six pairs of hex digits separated by ":" or "-"');
    const separator = text[2];
    if (separator !== ":" && separator !== "-") throw invalid('expected ":" or "-" after the first pair');
    let value = 0;
    for (let i = 0; i < 6; i++) {
      const at = i * 3;
      if (i > 0 && text[at - 1] !== separator) throw invalid(`expected "${separator}" at index ${at - 1}`);
      const high = hexDigit(text.charCodeAt(at));
      const low = hexDigit(text.charCodeAt(at + 1));
      if (high < 0 || low < 0) {
        throw invalid(`byte ${i + 1} ${JSON.stringify(text.slice(at, at + 2))} is not two hex digits`);
      }
      value = value * 256 + high * 16 + low;
    }
    return new Macaddr(value);
  }

  /**
   * The MAC address whose bytes, in wire order, are `bytes` (copied).
   *
   * @throws RangeError if `bytes` does not hold exactly 6 bytes.
   */
  static fromBytes(bytes: Uint8Array): Macaddr {
    checkLength("a MAC address", bytes, 6);
    return Macaddr.read(bytes, 0);
  }

  /**
   * Reads the MAC address at `offset` in `buffer`, in wire order (for example from an Ethernet header).
   *
   * @throws RangeError if `buffer` has fewer than 6 bytes from `offset` on.
   */
  static read(buffer: Uint8Array, offset: number): Macaddr {
    checkRange("a MAC address", buffer, offset, 6);
    const high = ((buffer[offset] as number) << 8) | (buffer[offset + 1] as number);
    return new Macaddr(high * HIGH + readUint32(buffer, offset + 2));
  }

  /**
   * A locally administered unicast MAC address built from 6 random bytes: the bytes as given, except
   * that the first byte has its "locally administered" bit set and its "multicast" bit cleared (as
   * `Macaddr.make_local`). Devices use it to pick their own address.
   *
   * @throws RangeError if `random` does not hold exactly 6 bytes.
   */
  static makeLocal(random: Uint8Array): Macaddr {
    checkLength("a local MAC address", random, 6);
    const bytes = Uint8Array.from(random);
    bytes[0] = ((bytes[0] as number) | 0x02) & 0xfe;
    return Macaddr.read(bytes, 0);
  }

  /** The six bytes in wire order, in a new array. */
  toBytes(): Uint8Array {
    const bytes = new Uint8Array(6);
    this.write(bytes, 0);
    return bytes;
  }

  /**
   * Writes the six bytes in wire order at `offset` in `buffer`.
   *
   * @throws RangeError if `buffer` has fewer than 6 bytes from `offset` on.
   */
  write(buffer: Uint8Array, offset: number): void {
    checkRange("a MAC address", buffer, offset, 6);
    const high = Math.floor(this.value / HIGH);
    buffer[offset] = high >>> 8;
    buffer[offset + 1] = high & 0xff;
    writeUint32(buffer, offset + 2, this.value % HIGH);
  }

  /** The first byte, which holds the multicast and locally administered bits. */
  private firstByte(): number {
    return Math.floor(this.value / 2 ** 40);
  }

  /** Whether the address names one interface (the multicast bit of the first byte is clear). */
  isUnicast(): boolean {
    return (this.firstByte() & 0x01) === 0;
  }

  /** Whether the address names a group (the multicast bit of the first byte is set); broadcast is one. */
  isMulticast(): boolean {
    return (this.firstByte() & 0x01) === 1;
  }

  /** Whether this is the broadcast address `ff:ff:ff:ff:ff:ff`. */
  isBroadcast(): boolean {
    return this.value === Macaddr.broadcast.value;
  }

  /** Whether the address was assigned locally rather than by a vendor (bit 1 of the first byte). */
  isLocallyAdministered(): boolean {
    return (this.firstByte() & 0x02) !== 0;
  }

  /** Orders addresses by their bytes: negative, zero or positive as this one sorts before, with or after `other`. */
  compare(other: Macaddr): number {
    return compareNumbers(this.value, other.value);
  }

  /** Whether `other` is the same address. */
  equals(other: Macaddr): boolean {
    return this.value === other.value;
  }

  /**
   * The address as six lower-case hex pairs separated by `separator`, `":"` unless given:
   * `"02:00:5e:10:00:01"`.
   */
  toString(separator: ":" | "-" = ":"): string {
    const hex = this.value.toString(16).padStart(12, "0");
    let text = hex.slice(0, 2);
    for (let i = 2; i < 12; i += 2) text += separator + hex.slice(i, i + 2);
    return text;
  }
}
