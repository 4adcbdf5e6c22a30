/**
 * The `@mirage-ts/tcpip` package: a TCP/IP stack in platform-neutral TypeScript.
 *
 * @packageDocumentation
 */

export type { Clock, TimerHandle } from "./time/clock.js";
export { VirtualClock } from "./time/virtual-clock.js";
export { SeededRandom } from "./random/seeded-random.js";

export { internetChecksum, onesComplementSum, updateChecksum } from "@mirage-ts/mirage-types";
export type { DecodeError } from "./codec/decode-error.js";

export {
  ETHERNET_HEADER_SIZE,
  type EthernetDecodeError,
  type EthernetFrame,
  type EthernetHeader,
  Ethertype,
  decodeEthernetFrame,
  encodeEthernetHeader,
} from "./ethernet/ethernet-frame.js";
export { EthernetLayer, type EthernetStats } from "./ethernet/ethernet-layer.js";

export {
  ARP_PACKET_SIZE,
  type ArpDecodeError,
  type ArpPacket,
  decodeArpPacket,
  encodeArpPacket,
} from "./arp/arp-packet.js";
export { type ArpEntry, ArpLayer, type ArpLimits, type ArpOptions, type ArpStats } from "./arp/arp-layer.js";
export type { ArpProbeOptions, ArpProbeResult, ArpProber } from "./arp/arp-probe.js";

export {
  IPV4_HEADER_SIZE,
  IpProtocol,
  type Ipv4DecodeError,
  type Ipv4Header,
  type Ipv4Packet,
  decodeIpv4Packet,
  encodeIpv4Header,
  encodePseudoHeader,
  pseudoHeaderSum,
} from "./ipv4/ipv4-packet.js";
export { type FragmentRange, fragmentRanges } from "./ipv4/fragmentation.js";
export { Reassembler, type ReassemblyLimits, type ReassemblyStats } from "./ipv4/reassembly.js";
export { type Ipv4Config, type NextHop, nextHop } from "./ipv4/routing.js";
export {
  type Ipv4Callback,
  type Ipv4Handlers,
  Ipv4Layer,
  type Ipv4LayerOptions,
  type Ipv4Stats,
} from "./ipv4/ipv4-layer.js";

export {
  IPV6_HEADER_SIZE,
  IPV6_MIN_MTU,
  type Ipv6DecodeError,
  type Ipv6Header,
  type Ipv6Packet,
  NextHeader,
  decodeIpv6Packet,
  encodeIpv6Header,
  encodeIpv6PseudoHeader,
} from "./ipv6/ipv6-packet.js";
export {
  type ChainError,
  type Ipv6Chain,
  type Ipv6FragmentHeader,
  walkExtensionHeaders,
} from "./ipv6/extension-headers.js";
export {
  type NdOptions,
  type NdOptionsDecodeError,
  type PrefixInformation,
  decodeNdOptions,
  encodeMacOption,
  MldRecordType,
  encodeMldv2Records,
  encodeTargetBody,
  eui64Address,
  multicastMac,
  solicitedNode,
} from "./ipv6/ndp-message.js";
export {
  NeighbourCache,
  type NeighbourCacheLimits,
  type NeighbourEntry,
  type NeighbourState,
  type NeighbourStats,
  type NeighbourWaiter,
  type Resolution,
  type Solicitation,
} from "./ipv6/neighbour-cache.js";
export type { Ipv6AddressEntry, Ipv6AddressState, NdpLimits, NdpStats } from "./ipv6/ndp-state.js";
export type { NdpMessageStats } from "./ipv6/ndp-handler.js";
export type { Ipv6Counters } from "./ipv6/ipv6-stats.js";
export { type Ipv6Callback, type Ipv6Handlers, Ipv6Layer } from "./ipv6/ipv6-layer.js";
export type { Ipv6Config, Ipv6LayerOptions, Ipv6Stats } from "./ipv6/ipv6-options.js";
export {
  ICMPV6_HEADER_SIZE,
  type Icmpv6DecodeError,
  type Icmpv6Message,
  Icmpv6Type,
  decodeIcmpv6Message,
  encodeIcmpv6Header,
} from "./icmp/icmpv6-message.js";
export {
  type Icmpv6ErrorHandler,
  Icmpv6Layer,
  type Icmpv6LayerOptions,
  type Icmpv6Send,
  type Icmpv6Stats,
} from "./icmp/icmpv6-layer.js";

export {
  ICMPV4_HEADER_SIZE,
  type Icmpv4DecodeError,
  type Icmpv4Message,
  Icmpv4Type,
  UnreachableCode,
  decodeIcmpv4Message,
  encodeEchoRequest,
  encodeIcmpv4Message,
} from "./icmp/icmpv4-message.js";
export type { IcmpErrorKind, IcmpErrorReport } from "./icmp/icmp-error.js";
export {
  type Icmpv4ErrorHandler,
  Icmpv4Layer,
  type Icmpv4LayerOptions,
  type Icmpv4Stats,
} from "./icmp/icmpv4-layer.js";
export type { PingError, PingOptions, PingReply } from "./icmp/ping-table.js";

export {
  UDP_HEADER_SIZE,
  type UdpDatagram,
  type UdpDecodeError,
  decodeUdpDatagram,
  encodeUdpHeader,
} from "./udp/udp-datagram.js";
export { UdpLayer, type UdpLayerOptions, type UdpStats } from "./udp/udp-layer.js";

export {
  type DhcpDecodeError,
  type DhcpMessage,
  DhcpMessageType,
  DhcpOption,
  decodeDhcpMessage,
  encodeDhcpMessage,
} from "./dhcp/dhcp-message.js";
export { type DhcpLease, leaseConfig } from "./dhcp/dhcp-lease.js";
export {
  DhcpClient,
  type DhcpClientOptions,
  type DhcpConfigurable,
  type DhcpConflictDetection,
  type DhcpState,
  type DhcpStats,
} from "./dhcp/dhcp-client.js";
export { type DhcpIpv4ClientOptions, DhcpIpv4Layer, type DhcpIpv4LayerOptions } from "./dhcp/dhcp-ipv4-layer.js";

export { icmpPortUnreachable } from "./stack/port-unreachable.js";
export { Ipv4Stack, type Ipv4StackLayers, type Ipv4StackOptions, type Ipv4StackStats } from "./stack/ipv4-stack.js";

export type { LinkImpairments, LinkStats } from "./vnetif/link-impairments.js";
export {
  type VirtualNetif,
  type VirtualPortOptions,
  VirtualSwitch,
  type VirtualSwitchOptions,
} from "./vnetif/virtual-switch.js";

export { PcapWriter, type PcapWriterOptions } from "./pcap/pcap-writer.js";
export { PcapNetwork } from "./pcap/pcap-network.js";
export {
  type CongestionController,
  type CongestionControllerFactory,
  initialCongestionWindow,
} from "./tcp/congestion.js";
export { newReno } from "./tcp/new-reno.js";
export { cubic } from "./tcp/cubic.js";
export {
  MAX_SACK_BLOCKS,
  type TcpDecodeError,
  TcpFlags,
  TcpHeader,
  type TcpTimestamp,
  decodeTcpHeader,
} from "./tcp/segment.js";
export type { TcpConfig, TcpListenerOptions } from "./tcp/tcp-config.js";
export type { TcpStats } from "./tcp/tcp-stats.js";
export { TcpLayer, type TcpLayerOptions } from "./tcp/tcp-layer.js";
export {
  DirectStack,
  type DirectStackDhcpOptions,
  type DirectStackLayers,
  type DirectStackOptions,
  type DirectStackStats,
  type DirectStackIpv6Layers,
  type DirectStackTcp,
  type DirectStackTransportOptions,
} from "./stack/direct-stack.js";
export { DualIp, type DualIpOptions } from "./stack/dual-adapters.js";
