/**
 * The package's log sources (mirage-runtime's `logSource`), one per layer, named as `-l` addresses
 * them: `-l arp:debug`, `-l ipv4:warning`. Messages are closures, formatted only when enabled.
 */

import { logSource } from "@mirage-ts/mirage-runtime";

export const ethernetLog = logSource("ethernet", "Mirage Ethernet");
export const arpLog = logSource("arp", "Mirage ARP");
export const ipv4Log = logSource("ipv4", "Mirage IPv4");
export const ipv6Log = logSource("ipv6", "Mirage IPv6");
export const icmpLog = logSource("icmpv4", "Mirage ICMPv4");
export const udpLog = logSource("udp", "Mirage UDP");
export const tcpLog = logSource("tcp", "Mirage TCP");
export const dhcpLog = logSource("dhcp-client", "Mirage DHCP client");
export const stackLog = logSource("tcpip-stack", "Mirage TCP/IP stack");
