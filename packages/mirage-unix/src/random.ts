/**
 * `unixRandom`: random bytes from the operating system's cryptographic generator.
 *
 * @packageDocumentation
 */

import { randomFillSync } from "node:crypto";
import type { Random } from "@mirage-ts/mirage-types";
import { checkCount, checkGenerateInto } from "@mirage-ts/mirage-types";

/**
 * Random bytes on the unix platform, from Node's `crypto.randomFillSync` (the operating system's
 * cryptographically secure generator, `getrandom(2)` on Linux). Needs no seeding.
 *
 * @public
 */
export const unixRandom: Random = Object.freeze({
  generate(n: number): Uint8Array {
    checkCount("generate: the byte count", n);
    return randomFillSync(new Uint8Array(n));
  },
  generateInto(buffer: Uint8Array, offset = 0, length: number = buffer.length - offset): void {
    checkGenerateInto(buffer, offset, length);
    randomFillSync(buffer, offset, length);
  },
});
