/**
 * HalfSipHash-2-4, the keyed 32-bit hash behind initial sequence numbers, timestamp offsets and SYN
 * cookies: cheap, allocation-free, and unpredictable without the key.
 *
 * @packageDocumentation
 */

function rotl(x: number, b: number): number {
  return ((x << b) | (x >>> (32 - b))) >>> 0;
}

// HalfSipHash-2-4 over the UTF-16 code units of `text` (two per word) followed by `domain`, which
// separates the uses of one key (or, for SYN cookies, binds the peer's sequence number). The state
// lives in a module array so the hash allocates nothing.
const v = new Uint32Array(4);

function round(): void {
  v[0] = v[0]! + v[1]!;
  v[1] = rotl(v[1]!, 5) ^ v[0]!;
  v[0] = rotl(v[0]!, 16);
  v[2] = v[2]! + v[3]!;
  v[3] = rotl(v[3]!, 8) ^ v[2]!;
  v[0] = v[0]! + v[3]!;
  v[3] = rotl(v[3]!, 7) ^ v[0]!;
  v[2] = v[2]! + v[1]!;
  v[1] = rotl(v[1]!, 13) ^ v[2]!;
  v[2] = rotl(v[2]!, 16);
}

function absorb(m: number): void {
  v[3] = v[3]! ^ m;
  round();
  round();
  v[0] = v[0]! ^ m;
}

export function halfSipHash(k0: number, k1: number, text: string, domain: number): number {
  v[0] = k0;
  v[1] = k1;
  v[2] = 0x6c796765 ^ k0;
  v[3] = 0x74656462 ^ k1;
  for (let i = 0; i < text.length; i += 2) {
    absorb(text.charCodeAt(i) | ((i + 1 < text.length ? text.charCodeAt(i + 1) : 0) << 16));
  }
  absorb(domain);
  absorb((text.length * 2 + 4) << 24);
  v[2] = v[2]! ^ 0xff;
  round();
  round();
  round();
  round();
  return (v[1]! ^ v[3]!) >>> 0;
}
