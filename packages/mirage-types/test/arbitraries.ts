import fc from "fast-check";
import { Ipv4Addr } from "../src/ipv4.js";
import { Ipv6Addr } from "../src/ipv6.js";

/** A 16-bit group, zero half of the time so that addresses have zero runs of every length. */
const group = fc.oneof(
  { arbitrary: fc.constant(0), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 0xffff }), weight: 3 },
  { arbitrary: fc.constantFrom(1, 0xffff), weight: 1 },
);

/** The eight groups of an IPv6 address, sometimes IPv4-mapped. */
export const ipv6Groups: fc.Arbitrary<number[]> = fc.oneof(
  { arbitrary: fc.array(group, { minLength: 8, maxLength: 8 }), weight: 9 },
  { arbitrary: fc.tuple(group, group).map(([g6, g7]) => [0, 0, 0, 0, 0, 0xffff, g6, g7]), weight: 1 },
);

/** An IPv6 address built from {@link ipv6Groups}. */
export const ipv6: fc.Arbitrary<Ipv6Addr> = ipv6Groups.map((groups) => {
  const word = (i: number): number => (groups[i] as number) * 0x10000 + (groups[i + 1] as number);
  return Ipv6Addr.fromWords([word(0), word(2), word(4), word(6)]);
});

/** Any IPv4 address. */
export const ipv4: fc.Arbitrary<Ipv4Addr> = fc.integer({ min: 0, max: 0xffffffff }).map((n) => Ipv4Addr.fromNumber(n));

/** The eight 16-bit groups of an address. */
export function groupsOf(address: Ipv6Addr): number[] {
  return address.toWords().flatMap((word) => [word >>> 16, word & 0xffff]);
}

/** The address as a 128-bit integer, the reference for prefix arithmetic. */
export function bigOf(address: Ipv6Addr): bigint {
  return address.toWords().reduce((acc, word) => (acc << 32n) | BigInt(word), 0n);
}
