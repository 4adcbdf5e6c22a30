/**
 * Three-way comparisons shared by the value types.
 */

/** `-1`, `0` or `1` as `a` is below, equal to or above `b`. */
export function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compares strings by code point, which is the order of their UTF-8 bytes (OCaml's string order).
 * Plain `<` compares UTF-16 code units, which puts U+E000..U+FFFF after the astral planes.
 */
export function compareStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return compareNumbers(codePointRank(x), codePointRank(y));
  }
  return compareNumbers(a.length, b.length);
}

/** Moves surrogates above U+E000..U+FFFF so that code units sort as the code points they start. */
function codePointRank(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit;
}
