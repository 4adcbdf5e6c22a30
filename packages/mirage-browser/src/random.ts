/**
 * `browserRandom`: random bytes from the Web Crypto API's generator.
 *
 * @packageDocumentation
 */

import type { Random } from "@mirage-ts/mirage-types";
import { checkCount, checkGenerateInto } from "@mirage-ts/mirage-types";

// getRandomValues fills at most 65536 bytes a call (a QuotaExceededError beyond).
const maxChunk = 65_536;

function fill(buffer: Uint8Array, offset: number, length: number): void {
  for (let at = offset; at < offset + length; at += maxChunk) {
    // getRandomValues refuses views of a SharedArrayBuffer in its types, not in what it does.
    crypto.getRandomValues(buffer.subarray(at, Math.min(at + maxChunk, offset + length)) as Uint8Array<ArrayBuffer>);
  }
}

/**
 * Random bytes in a page, from `crypto.getRandomValues` (the browser's cryptographically secure
 * generator). Needs no seeding.
 *
 * @beta
 */
export const browserRandom: Random = Object.freeze({
  generate(n: number): Uint8Array {
    checkCount("generate: the byte count", n);
    const buffer = new Uint8Array(n);
    fill(buffer, 0, n);
    return buffer;
  },
  generateInto(buffer: Uint8Array, offset = 0, length: number = buffer.length - offset): void {
    checkGenerateInto(buffer, offset, length);
    fill(buffer, offset, length);
  },
});
