/**
 * How TCP names and compares addresses of the generic type `A`: by `toString()` for table keys, and
 * by `equals` when the address type has one (mirage-types' `Ipv4Addr` and `Ipv6Addr` do), so the
 * per-segment fast path compares without building strings.
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
  return String(addr);
}

/** Whether two addresses are the same. */
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
