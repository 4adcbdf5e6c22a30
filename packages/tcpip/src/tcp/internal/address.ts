/**
 * How TCP names and compares addresses of the generic type `A`: by `toString()` (an IPv6 address
 * by its words) for table keys, and by `equals` when the address type has one (mirage-types' `Ipv4Addr`
 * and `Ipv6Addr` do), so the per-segment fast path compares without building strings.
 *
 * @packageDocumentation
 */

interface WithEquals {
  equals(other: unknown): boolean;
}

function hasEquals(value: unknown): value is WithEquals {
  return typeof value === "object" && value !== null && typeof (value as Partial<WithEquals>).equals === "function";
}

/** The text naming `addr` in table keys. */
export function addressKey(addr: unknown): string {
  // An IPv6 address's text form (RFC 5952, with `::` compression) costs more than its words: the
  // demultiplexing key of every segment is built from the words instead.
  if (isIpv6(addr)) {
    const [w0, w1, w2, w3] = (addr as { toWords(): readonly [number, number, number, number] }).toWords();
    return `${w0}:${w1}:${w2}:${w3}`;
  }
  return String(addr);
}

export function addressEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return hasEquals(a) ? a.equals(b) : String(a) === String(b);
}

/** The table key of a connection: local address and port, remote address and port. */
export function tupleKey(local: unknown, localPort: number, remote: unknown, remotePort: number): string {
  return `${addressKey(local)}|${localPort}|${addressKey(remote)}|${remotePort}`;
}

/** Whether `addr` is an IPv6 address (for the default MSS of RFC 9293 §3.7.1). */
export function isIpv6(addr: unknown): boolean {
  return typeof addr === "object" && addr !== null && (addr as { version?: unknown }).version === 6;
}
