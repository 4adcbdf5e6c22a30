/**
 * The `@mirage-ts/mirage-types` package: Mirage's device signatures as TypeScript interfaces, their
 * error unions with upstream's printers, `Result`, and the address and key value types.
 *
 * @packageDocumentation
 */

export { type Err, type Ok, type Result, andThen, err, getOrThrow, mapError, mapResult, ok } from "./result.js";
export { type Device, type DeviceError, type MsgError, ppDeviceError } from "./device.js";
export type { DaysPs, MClock, PClock, Sleep } from "./time.js";
export type { Random } from "./random.js";
export {
  type Flow,
  type FlowWriteError,
  type OrEof,
  type ReadResult,
  type ShutdownMode,
  data,
  eof,
  ppFlowWriteError,
  ppOrEof,
} from "./flow.js";
export type { Console } from "./console.js";
export {
  type FillFunction,
  type FrameHandler,
  FrameFlags,
  type FrameOffload,
  type NetOffloads,
  type NetError,
  type NetStats,
  type Network,
  ppNetError,
} from "./network.js";
export {
  type EtherProto,
  type Ethernet,
  type EthernetError,
  type EthernetHandlers,
  type EthernetWriteOptions,
  ppEthernetError,
} from "./ethernet.js";
export { type Arp, type ArpError, ppArpError } from "./arp.js";
export { concatBytes } from "./bytes.js";
export { completeChecksum, internetChecksum, onesComplementSum, updateChecksum } from "./internet-checksum.js";
export {
  type Ip,
  type IpCallback,
  type IpError,
  type IpHandlers,
  type IpProto,
  type IpV4V6,
  type IpWriteOptions,
  type Ipv4,
  type Ipv6,
  ppIpError,
  ppIpProto,
} from "./ip.js";
export type { Icmp, IcmpError, IcmpWriteOptions, Icmpv4 } from "./icmp.js";
export type {
  Udp,
  UdpCallback,
  UdpError,
  UdpIcmpError,
  UdpIcmpErrorCallback,
  UdpIcmpErrorKind,
  UdpWriteOptions,
} from "./udp.js";
export {
  type Endpoint,
  type Keepalive,
  type Tcp,
  type TcpConnectOptions,
  type TcpError,
  type TcpFlow,
  type TcpListenOptions,
  type TcpWriteError,
  ppTcpError,
  ppTcpWriteError,
} from "./tcp.js";
export type { Stack } from "./stack.js";
export {
  type Block,
  type BlockError,
  type BlockInfo,
  type BlockWriteError,
  ppBlockError,
  ppBlockInfo,
  ppBlockWriteError,
} from "./block.js";
export {
  type BlockGeometry,
  type BlockRequest,
  BlockRequestGate,
  describeBlockBuffers,
} from "./block-request.js";
export {
  type KvError,
  type KvKind,
  type KvRo,
  type KvRw,
  type KvWriteError,
  ppKvError,
  ppKvWriteError,
} from "./kv.js";
export { kvSetPartial } from "./kv-partial.js";
export { checkCount, checkGenerateInto } from "./device-checks.js";
export { type Channel, type ChannelError, ppChannelError } from "./channel.js";
export { Macaddr } from "./macaddr.js";
export { type NetifIdentityOptions, netifIdentity } from "./netif-identity.js";
export { Ipv4Addr } from "./ipv4.js";
export { Ipv4Prefix } from "./ipv4-prefix.js";
export { Ipv6Addr, type Ipv6Words } from "./ipv6.js";
export { Ipv6Prefix } from "./ipv6-prefix.js";
export { Ipaddr, Prefix, checkIpaddr } from "./ipaddr.js";
export { Key } from "./kv-key.js";
