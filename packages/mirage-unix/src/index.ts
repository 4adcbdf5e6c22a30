// The public declarations mention Node's types (streams, sockets): consumers load them through this
// directive and the `@types/node` dependency, whatever their own `types` setting.
/// <reference types="node" preserve="true" />

/**
 * The `@mirage-ts/mirage-unix` package: the Node.js platform of mirage-ts. It provides the main loop
 * (`Main.run`), sleep, clocks, random bytes and a console, file-backed and in-memory block devices,
 * directory-backed key-value stores, network devices (a UDP frame tunnel and a Linux tap through a
 * native addon), and the host socket stack.
 *
 * @packageDocumentation
 */

export { exitCodes, unixExitStatuses } from "./exit-codes.js";
export { Main, type MainHooks, type MainOptions } from "./main-loop.js";
export { unixSleep } from "./sleep.js";
export { unixMClock } from "./mclock.js";
export { unixClock, type UnixClock, type UnixTimer } from "./timers.js";
export { unixPClock } from "./pclock.js";
export { unixRandom } from "./random.js";
export { connectConsole, type ConsoleOptions } from "./console.js";
export { connectFileBlock, type FileBlock, type FileBlockOptions } from "./block/file-block.js";
export { connectRamdisk, destroyRamdisk, type RamdiskOptions } from "./block/ramdisk.js";
export { connectDirectoryKvRo } from "./kv/directory-kv-ro.js";
export { connectDirectoryKvRw } from "./kv/directory-kv-rw.js";
export { connectMemoryKvRw } from "./kv/memory-kv-rw.js";
export { connectUdpTunnel, type UdpTunnel, type UdpTunnelOptions } from "./net/udp-tunnel.js";
export { connectTap, type Tap, type TapOptions, tapUnavailableReason } from "./net/tap.js";
export { connectNetif, type NetifOptions, type NetifSpec, parseNetifSpec } from "./net/netif.js";
export { connectSocketStack, type SocketStackOptions } from "./socket-stack/socket-stack.js";
export { ListenError } from "./socket-stack/listen-error.js";
export { hostNameservers, parseResolvConf } from "./resolv-conf.js";
export { FlowDuplex, type FlowDuplexOptions, flowDuplex, flowErrorToNode } from "./stream/flow-duplex.js";
export { type DuplexFlowError, duplexFlow } from "./stream/duplex-flow.js";
