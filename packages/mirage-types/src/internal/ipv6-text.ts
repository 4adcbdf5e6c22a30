/**
 * The text forms of IPv6 addresses: every form of RFC 4291 §2.2 is read, and RFC 5952 is written.
 * Addresses come in and out as four uint32 words, most significant first; the text is made of eight
 * 16-bit groups.
 */
import { hexDigit } from "./address-text.js";
import { formatIpv4, parseIpv4 } from "./ipv4-text.js";

/** Parses IPv6 text into its four words, or returns why `text` is not an IPv6 address. */
export function parseIpv6(text: string): [number, number, number, number] | string {
  const groups = parseIpv6Groups(text);
  if (typeof groups === "string") return groups;
  const word = (i: number): number => (((groups[i] as number) << 16) | (groups[i + 1] as number)) >>> 0;
  return [word(0), word(2), word(4), word(6)];
}

/** Parses IPv6 text into its eight 16-bit groups, or returns why it cannot. */
function parseIpv6Groups(text: string): number[] | string {
  if (text.length === 0) return "is empty";
  const halves = text.split("::");
  if (halves.length > 2) return '"::" may appear only once';
  const compressed = halves.length === 2;
  const head = parseGroups(halves[0] as string, !compressed);
  if (typeof head === "string") return head;
  if (!compressed) {
    return head.length === 8 ? head : `expected 8 groups, got ${head.length} (and no "::")`;
  }
  const tail = parseGroups(halves[1] as string, true);
  if (typeof tail === "string") return tail;
  // "::" stands for at least one zero group (RFC 4291 §2.2).
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return `too many groups around "::" (${head.length + tail.length}, at most 7)`;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/**
 * Parses colon-separated groups; when `last` (the part ends the address) the final piece may be an
 * embedded IPv4 dotted quad, worth two groups.
 */
function parseGroups(part: string, last: boolean): number[] | string {
  if (part.length === 0) return [];
  const pieces = part.split(":");
  const groups: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as string;
    if (last && i === pieces.length - 1 && piece.includes(".")) {
      const ipv4 = parseIpv4(piece);
      if (typeof ipv4 === "string") return `embedded IPv4 address ${JSON.stringify(piece)}: ${ipv4}`;
      groups.push(ipv4 >>> 16, ipv4 & 0xffff);
    } else {
      const group = parseHexGroup(piece);
      if (group < 0) {
        return piece.length === 0
          ? 'empty group (a lone ":" at either end, or ":::")'
          : `group ${JSON.stringify(piece)} is not 1 to 4 hex digits`;
      }
      groups.push(group);
    }
  }
  return groups;
}

/** The value of 1 to 4 hex digits, or -1. */
function parseHexGroup(piece: string): number {
  if (piece.length === 0 || piece.length > 4) return -1;
  let value = 0;
  for (let i = 0; i < piece.length; i++) {
    const digit = hexDigit(piece.charCodeAt(i));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/**
 * Formats four words per RFC 5952: lower-case hex without leading zeros, the longest run of two or more
 * zero groups (the first one on ties) written `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d` (§5).
 */
export function formatIpv6(words: readonly number[]): string {
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return `::ffff:${formatIpv4(words[3] as number)}`;
  const groups: number[] = [];
  for (const word of words) groups.push(word >>> 16, word & 0xffff);
  let runStart = -1;
  let runLength = 1; // a lone zero group is never compressed (RFC 5952 §4.2.2)
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > runLength) {
      runStart = i;
      runLength = end - i;
    }
    i = end;
  }
  const hex = (group: number): string => group.toString(16);
  if (runStart < 0) return groups.map(hex).join(":");
  const before = groups.slice(0, runStart).map(hex).join(":");
  const after = groups
    .slice(runStart + runLength)
    .map(hex)
    .join(":");
  return `${before}::${after}`;
}
