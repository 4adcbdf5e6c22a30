/**
 * The text form of IPv4 addresses (dotted quads), shared by the address, prefix and IPv6 parsers.
 */
import { parseDecimal } from "./address-text.js";

const ordinals = ["first", "second", "third", "fourth"] as const;

/** Parses a dotted quad into its uint32 value, or returns why `text` is not one. */
export function parseIpv4(text: string): number | string {
  const octets = text.split(".");
  if (octets.length !== 4) return "expected four decimal octets separated by dots";
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const octet = parseDecimal(octets[i] as string, 255);
    if (typeof octet === "string") return `${ordinals[i] as string} octet ${octet}`;
    value = value * 256 + octet;
  }
  return value;
}

/** Formats a uint32 as a dotted quad. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}
