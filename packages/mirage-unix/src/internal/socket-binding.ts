/**
 * Where the host socket stack binds, from its configured addresses, as tcpip's socket stack decides:
 * everything (`Any`), a given IPv4 and IPv6 address, or one family only.
 *
 * @packageDocumentation
 */

import { Ipaddr, Ipv4Addr, type Ipv4Prefix, Ipv6Addr, Ipv6Prefix, type Prefix } from "@mirage-ts/mirage-types";

/** The binding mode of the stack's sockets. */
export type SocketBinding =
  | { readonly kind: "any" }
  | { readonly kind: "both"; readonly v4: string; readonly v6: string }
  | { readonly kind: "v4-only"; readonly v4: string }
  | { readonly kind: "v6-only"; readonly v6: string };

/** The configured addresses of the stack (see `SocketStackOptions`). */
export interface SocketAddresses {
  readonly ipv4: Ipv4Prefix;
  readonly ipv6: Ipv6Prefix | undefined;
  readonly ipv4Only: boolean;
  readonly ipv6Only: boolean;
}

/** Decides the binding as tcpip's `Tcpv4v6_socket.connect`. */
export function socketBinding(addresses: SocketAddresses): SocketBinding {
  const v4 = addresses.ipv4.address;
  const v6 = addresses.ipv6?.address ?? Ipv6Addr.unspecified;
  if (addresses.ipv4Only) return { kind: "v4-only", v4: v4.toString() };
  if (addresses.ipv6Only) return { kind: "v6-only", v6: v6.toString() };
  if (v4.isUnspecified() && v6.isUnspecified()) return { kind: "any" };
  return { kind: "both", v4: v4.toString(), v6: v6.toString() };
}

/** The prefixes the stack's IP layer reports. */
export function configuredPrefixes(addresses: SocketAddresses): Prefix[] {
  const v6 = addresses.ipv6 ?? Ipv6Prefix.parse("::/0");
  if (addresses.ipv4Only) return [addresses.ipv4];
  if (addresses.ipv6Only) return [v6];
  return [addresses.ipv4, v6];
}

/** The address the stack uses as source towards `dst`'s family. */
export function sourceFor(addresses: SocketAddresses, version: 4 | 6): Ipaddr {
  return version === 4 ? addresses.ipv4.address : (addresses.ipv6?.address ?? Ipv6Addr.unspecified);
}

/** An address as the stack reports it: IPv4-mapped IPv6 addresses (dual-stack sockets) become IPv4. */
export function fromSocketAddress(address: string): Ipaddr {
  const parsed = Ipaddr.parse(address);
  return parsed.version === 6 ? (parsed.toIpv4() ?? parsed) : parsed;
}

/** The text of `binding`'s unspecified or given address for `version`, or `undefined` if not bound. */
export function bindAddress(binding: SocketBinding, version: 4 | 6): string | undefined {
  switch (binding.kind) {
    case "any":
      return version === 4 ? Ipv4Addr.any.toString() : Ipv6Addr.unspecified.toString();
    case "both":
      return version === 4 ? binding.v4 : binding.v6;
    case "v4-only":
      return version === 4 ? binding.v4 : undefined;
    case "v6-only":
      return version === 6 ? binding.v6 : undefined;
  }
}

/** Checks a port number as tcpip's socket stack: `invalid port number (n)`; 0 only if `allowZero`. */
export function checkPort(port: number, allowZero = true): void {
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535)
    throw new RangeError(`invalid port number (${String(port)})`);
}
