/**
 * Reads the lease a DHCP ACK grants from its options, with the defaults of RFC 2131 for what is
 * missing.
 */

import { Ipv4Addr, Ipv4Prefix } from "@mirage-ts/mirage-types";
import type { DhcpLease } from "./dhcp-lease.js";
import { type DhcpMessage, DhcpOption } from "./dhcp-message.js";

const INFINITE = 0xffffffff;
const DEFAULT_LEASE_S = 3600;

/** Reads the lease an ACK grants, or explains why the ACK cannot be used. */
export function leaseFromAck(ack: DhcpMessage, server: Ipv4Addr, now: number): DhcpLease | string {
  const address = ack.yiaddr;
  if (address.isUnspecified() || address.isBroadcast() || address.isMulticast() || address.isLoopback()) {
    return `the ACK offers the unusable address ${address.toString()}`;
  }
  const mask = ack.options.get(DhcpOption.subnetMask);
  let cidr: Ipv4Prefix;
  if (mask === undefined) cidr = Ipv4Prefix.make(address, naturalPrefixLength(address));
  else if (mask.length !== 4) return `subnet mask option of ${mask.length} bytes`;
  else {
    try {
      cidr = Ipv4Prefix.fromNetmask(address, Ipv4Addr.fromBytes(mask));
    } catch (error) {
      return (error as Error).message;
    }
  }
  const lease = seconds(ack.options.get(DhcpOption.leaseTime)) ?? DEFAULT_LEASE_S;
  const leaseTimeS = lease === INFINITE ? Infinity : lease;
  let renewalTimeS = seconds(ack.options.get(DhcpOption.renewalTime)) ?? leaseTimeS * 0.5;
  let rebindingTimeS = seconds(ack.options.get(DhcpOption.rebindingTime)) ?? leaseTimeS * 0.875;
  // RFC 2131 §4.4.5: T1 < T2 < lease; fall back to the defaults when a server's values break it.
  if (!(rebindingTimeS < leaseTimeS || leaseTimeS === Infinity)) rebindingTimeS = leaseTimeS * 0.875;
  if (!(renewalTimeS < rebindingTimeS)) renewalTimeS = rebindingTimeS * (0.5 / 0.875);
  const routers = addresses(ack.options.get(DhcpOption.router));
  const mtuOption = ack.options.get(DhcpOption.interfaceMtu);
  const mtu = mtuOption?.length === 2 ? (mtuOption[0]! << 8) | mtuOption[1]! : undefined;
  const domain = ack.options.get(DhcpOption.domainName);
  return {
    cidr,
    ...(routers[0] === undefined ? {} : { gateway: routers[0] }),
    dnsServers: addresses(ack.options.get(DhcpOption.dnsServers)),
    ...(domain === undefined ? {} : { domainName: Array.from(domain, (code) => String.fromCharCode(code)).join("") }),
    ...(mtu === undefined || mtu < 68 ? {} : { mtu }),
    server,
    leaseTimeS,
    renewalTimeS,
    rebindingTimeS,
    grantedAtMs: now,
    options: ack.options,
  };
}

function seconds(option: Uint8Array | undefined): number | undefined {
  if (option?.length !== 4) return undefined;
  return ((option[0]! << 24) | (option[1]! << 16) | (option[2]! << 8) | option[3]!) >>> 0;
}

function addresses(option: Uint8Array | undefined): Ipv4Addr[] {
  const out: Ipv4Addr[] = [];
  if (option === undefined) return out;
  for (let i = 0; i + 4 <= option.length; i += 4) out.push(Ipv4Addr.read(option, i));
  return out;
}

/** The classful prefix length, for servers that send no subnet mask (RFC 2131 leaves it to the client). */
function naturalPrefixLength(address: Ipv4Addr): number {
  const first = address.toNumber() >>> 24;
  return first < 128 ? 8 : first < 192 ? 16 : 24;
}
