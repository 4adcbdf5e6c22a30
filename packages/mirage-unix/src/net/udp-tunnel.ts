/**
 * `connectUdpTunnel`: a network device that carries one ethernet frame per UDP datagram, the format of
 * `socat TUN:…,tun-type=tap,iff-no-pi UDP-DATAGRAM:…` and of QEMU's `-netdev dgram`.
 *
 * @packageDocumentation
 */

import { type Socket, createSocket } from "node:dgram";
import { isIP } from "node:net";
import {
  type Macaddr,
  type NetError,
  type Network,
  type Result,
  err,
  netifIdentity,
  ok,
} from "@mirage-ts/mirage-types";
import {
  DEFAULT_QUEUE_LENGTH,
  type DropCounts,
  type FrameBackend,
  FrameDevice,
  checkQueueLength,
  netifLog,
} from "../internal/frame-device.js";
import { type UdpEndpoint, readProcTable, udpSocketDrops } from "../internal/host-counters.js";
import { dispatch } from "../internal/iteration.js";
import { unixRandom } from "../random.js";

/**
 * Options of {@link connectUdpTunnel}.
 *
 * @public
 */
export interface UdpTunnelOptions {
  /** The address to bind; `127.0.0.1` by default. */
  readonly localAddress?: string;
  /** The port to bind; 0 (the default) picks a free one, see {@link UdpTunnel.localPort}. */
  readonly localPort?: number;
  /** The peer's address (socat's or QEMU's end); `127.0.0.1` by default. */
  readonly remoteAddress?: string;
  /** The peer's port. */
  readonly remotePort: number;
  /** The device's MAC address; a random locally administered one by default. */
  readonly mac?: Macaddr;
  /** The MTU the device reports (the frame payload, without the 14-byte header); 1500 by default. */
  readonly mtu?: number;
  /**
   * How many frames of the MTU's size the socket's receive buffer must hold while the unikernel is
   * not reading, from 1 to 524288; the kernel drops the rest (counted in `rxDropped`). 4096 by
   * default, enough for 2000 clients connecting at once. The buffer asked for is `queueLength` times
   * (MTU + 654) bytes (8,822,784 bytes at MTU 1500), within `net.core.rmem_max`; see
   * {@link connectUdpTunnel}.
   */
  readonly queueLength?: number;
  /**
   * The socket's receive buffer in bytes (SO_RCVBUF), from 1 to 2147483647, instead of sizing it by
   * {@link UdpTunnelOptions.queueLength}; within `net.core.rmem_max`.
   */
  readonly receiveBufferSize?: number;
}

/**
 * A network device over a UDP frame tunnel.
 *
 * @public
 */
export interface UdpTunnel extends Network {
  /** The bound local address. */
  readonly localAddress: string;
  /** The bound local port (the one picked when 0 was asked). */
  readonly localPort: number;
  /** The peer's address. */
  readonly remoteAddress: string;
  /** The peer's port. */
  readonly remotePort: number;
}

function checkPort(what: string, port: number, allowZero: boolean): void {
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new RangeError(`${what} must be an integer from ${allowZero ? 0 : 1} to 65535, got ${String(port)}`);
  }
}

class UdpTunnelBackend implements FrameBackend {
  readonly #socket: Socket;
  readonly #table: string;
  readonly #local: UdpEndpoint;
  readonly #remote: UdpEndpoint;
  #closed = false;

  constructor(socket: Socket, family: 4 | 6) {
    this.#socket = socket;
    this.#table = family === 4 ? "/proc/self/net/udp" : "/proc/self/net/udp6";
    this.#local = socket.address();
    this.#remote = socket.remoteAddress();
  }

  transmit(frame: Uint8Array): Promise<Result<void, NetError>> {
    return new Promise((resolve) => {
      this.#socket.send(frame, (error) => {
        // A refused datagram (nobody bound at the peer yet) is a frame lost on the wire, as on a cable.
        if (error === null || error === undefined || (error as NodeJS.ErrnoException).code === "ECONNREFUSED")
          resolve(ok());
        else resolve(err({ kind: "msg", message: `udp tunnel: sending a frame failed: ${error.message}` }));
      });
    });
  }

  start(receive: (frame: Uint8Array) => void): void {
    this.#socket.on("message", (frame) => dispatch(receive, frame));
    this.#socket.ref();
  }

  close(): Promise<void> {
    this.#closed = true;
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  drops(): DropCounts | undefined {
    if (this.#closed) return undefined;
    // The socket's line in the kernel's table: Node gives no other way to its drop count.
    const table = readProcTable(this.#table);
    const rxDropped = table === undefined ? undefined : udpSocketDrops(table, this.#local, this.#remote);
    return rxDropped === undefined ? undefined : { rxDropped };
  }
}

class UdpTunnelDevice extends FrameDevice implements UdpTunnel {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;

  constructor(socket: Socket, family: 4 | 6, mac: Macaddr, mtu: number) {
    const local = socket.address();
    const remote = socket.remoteAddress();
    super(`udp:${local.address}:${local.port}`, mac, mtu, new UdpTunnelBackend(socket, family));
    this.localAddress = local.address;
    this.localPort = local.port;
    this.remoteAddress = remote.address;
    this.remotePort = remote.port;
  }
}

// Receive buffer bytes to ask for each frame of the queue. Linux reserves twice what is asked and charges
// each datagram its allocation, a power of two for frames up to about 8 KB (2304 bytes for a 1514-byte
// frame over loopback; the worst, just past a rounding step, is twice the frame plus about 1020 bytes):
// twice (frame + 640) covers it for any MTU.
const bufferPerFrame = (mtu: number): number => mtu + 14 + 640;

const MAX_BUFFER = 2 ** 31 - 1; // SO_RCVBUF is a C int

/** The receive buffer to ask for, and whether the caller chose it (then a smaller one is an error). */
function receiveBuffer(options: UdpTunnelOptions, mtu: number): { bytes: number; chosen: boolean } {
  const { queueLength, receiveBufferSize } = options;
  if (receiveBufferSize !== undefined) {
    if (queueLength !== undefined) {
      throw new RangeError("udp tunnel: give queueLength (frames) or receiveBufferSize (bytes), not both");
    }
    if (!Number.isSafeInteger(receiveBufferSize) || receiveBufferSize < 1 || receiveBufferSize > MAX_BUFFER) {
      throw new RangeError(
        `receiveBufferSize must be an integer from 1 to ${MAX_BUFFER} (bytes), got ${String(receiveBufferSize)}`,
      );
    }
    return { bytes: receiveBufferSize, chosen: true };
  }
  const frames = queueLength === undefined ? DEFAULT_QUEUE_LENGTH : checkQueueLength(queueLength);
  const bytes = frames * bufferPerFrame(mtu);
  if (bytes > MAX_BUFFER) {
    throw new RangeError(
      `queueLength ${frames} at MTU ${mtu} needs a receive buffer of ${bytes} bytes, more than a socket can ` +
        `have (${MAX_BUFFER}): ask for fewer frames`,
    );
  }
  return { bytes, chosen: queueLength !== undefined };
}

/**
 * Sets the socket's buffers. Linux caps the receive buffer at `net.core.rmem_max` without a word:
 * that is an error when the caller chose the size, a warning for the default.
 */
function sizeBuffers(socket: Socket, buffer: { bytes: number; chosen: boolean }, mtu: number): void {
  socket.setRecvBufferSize(buffer.bytes);
  socket.setSendBufferSize(buffer.bytes);
  if (process.platform !== "linux") return;
  const granted = socket.getRecvBufferSize(); // Linux reserves, and reports, twice what is asked
  if (granted >= 2 * buffer.bytes) return;
  const limit = granted / 2;
  const raise = `raise the limit with \`sudo sysctl -w net.core.rmem_max=${buffer.bytes}\``;
  if (buffer.chosen) {
    throw new Error(
      `udp tunnel: a receive buffer of ${buffer.bytes} bytes was asked, but the kernel caps it at ` +
        `net.core.rmem_max (${limit} bytes): ${raise}, or ask for less`,
    );
  }
  const frames = Math.floor(granted / (2 * bufferPerFrame(mtu)));
  netifLog().warn(
    `udp tunnel: the receive buffer is capped at net.core.rmem_max (${limit} bytes), below the ${buffer.bytes} ` +
      `bytes of the default ${DEFAULT_QUEUE_LENGTH} frames: a burst of more than ${frames} frames of MTU size may ` +
      `be dropped (counted in rxDropped); ${raise}`,
  );
}

function settle(socket: Socket, start: (done: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    socket.once("error", onError);
    start(() => {
      socket.off("error", onError);
      resolve();
    });
  });
}

/**
 * Connects a network device that sends each frame as one UDP datagram to the peer and delivers each
 * datagram from the peer as one frame. The socket is connected to the peer, so the kernel drops
 * datagrams from anyone else; a frame sent while nobody listens at the peer is lost, as on a wire.
 *
 * Interoperates with socat, whose TUN address must use `iff-no-pi` and whose UDP side must be
 * `UDP-DATAGRAM:<our address>:<our port>,bind=<its address>:<its port>`, and with QEMU's
 * `-netdev dgram,id=n0,local.type=inet,local.host=…,local.port=…,remote.type=inet,remote.host=…,remote.port=…`.
 *
 * The device keeps the process alive only while it listens.
 *
 * The socket's receive buffer is the device's queue: datagrams that arrive while it is full are
 * dropped by the kernel, counted in the stats as `rxDropped` (read from /proc/net/udp when asked; the
 * host's drops of frames sent are not visible, so there is no `txDropped`). Linux caps the buffer at
 * the `net.core.rmem_max` sysctl (212992 bytes unless raised): when it is below the size asked (by
 * `queueLength` or `receiveBufferSize`) connecting fails saying so; with the defaults it warns.
 *
 * @throws Error `udp tunnel: cannot bind …` or `… cannot reach …` with the system's reason, or the
 * receive buffer asked is over `net.core.rmem_max`
 * @throws RangeError for a bad port, MTU, queue length, buffer size or address family mix
 * @public
 */
export async function connectUdpTunnel(options: UdpTunnelOptions): Promise<UdpTunnel> {
  const localAddress = options.localAddress ?? "127.0.0.1";
  const remoteAddress = options.remoteAddress ?? "127.0.0.1";
  const localPort = options.localPort ?? 0;
  checkPort("localPort", localPort, true);
  checkPort("remotePort", options.remotePort, false);
  const { mtu, mac } = netifIdentity(options, unixRandom);
  const buffer = receiveBuffer(options, mtu);
  const family = isIP(localAddress);
  if ((family !== 4 && family !== 6) || isIP(remoteAddress) !== family) {
    throw new RangeError(`udp tunnel: ${localAddress} and ${remoteAddress} must be IP addresses of the same family`);
  }
  const socket = createSocket({ type: family === 4 ? "udp4" : "udp6" });
  try {
    await settle(socket, (done) => socket.bind(localPort, localAddress, done)).catch((error: Error) => {
      throw new Error(`udp tunnel: cannot bind ${localAddress}:${localPort}: ${error.message}`, { cause: error });
    });
    await settle(socket, (done) => socket.connect(options.remotePort, remoteAddress, done)).catch((error: Error) => {
      throw new Error(`udp tunnel: cannot reach ${remoteAddress}:${options.remotePort}: ${error.message}`, {
        cause: error,
      });
    });
    sizeBuffers(socket, buffer, mtu);
  } catch (error) {
    socket.close();
    throw error;
  }
  // Errors of a connected socket are ICMP reports (port unreachable while the peer is not up yet):
  // frames lost on the wire, not failures of the device.
  socket.on("error", (error) => netifLog().debug(`udp tunnel: ${error.message}`));
  socket.unref();
  const device = new UdpTunnelDevice(socket, family, mac, mtu);
  netifLog().info(
    `plugging into ${device.id} (peer ${remoteAddress}:${options.remotePort}) with mac ${device.mac().toString()}`,
  );
  return device;
}
