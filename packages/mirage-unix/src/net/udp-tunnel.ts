/**
 * `connectUdpTunnel`: a network device that carries one ethernet frame per UDP datagram, the format of
 * `socat TUN:…,tun-type=tap,iff-no-pi UDP-DATAGRAM:…` and of QEMU's `-netdev dgram`.
 *
 * @packageDocumentation
 */

import { type Socket, createSocket } from "node:dgram";
import { isIP } from "node:net";
import { Macaddr, type NetError, type Network, type Result, err, ok } from "@mirage-ts/mirage-types";
import { type FrameBackend, FrameDevice, checkMtu, netifLog } from "../internal/frame-device.js";
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
  /** The socket's receive buffer in bytes (capped by `net.core.rmem_max`); 4 MiB by default. */
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

  constructor(socket: Socket) {
    this.#socket = socket;
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
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}

class UdpTunnelDevice extends FrameDevice implements UdpTunnel {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;

  constructor(socket: Socket, mac: Macaddr, mtu: number) {
    const local = socket.address();
    const remote = socket.remoteAddress();
    super(`udp:${local.address}:${local.port}`, mac, mtu, new UdpTunnelBackend(socket));
    this.localAddress = local.address;
    this.localPort = local.port;
    this.remoteAddress = remote.address;
    this.remotePort = remote.port;
  }
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
 * @throws Error `udp tunnel: cannot bind …` or `… cannot reach …` with the system's reason
 * @throws RangeError for a bad port, MTU or address family mix
 * @public
 */
export async function connectUdpTunnel(options: UdpTunnelOptions): Promise<UdpTunnel> {
  const localAddress = options.localAddress ?? "127.0.0.1";
  const remoteAddress = options.remoteAddress ?? "127.0.0.1";
  const localPort = options.localPort ?? 0;
  checkPort("localPort", localPort, true);
  checkPort("remotePort", options.remotePort, false);
  const mtu = checkMtu(options.mtu ?? 1500);
  const family = isIP(localAddress);
  if (family === 0 || isIP(remoteAddress) !== family) {
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
  } catch (error) {
    socket.close();
    throw error;
  }
  const bufferSize = options.receiveBufferSize ?? 4 << 20;
  socket.setRecvBufferSize(bufferSize);
  socket.setSendBufferSize(bufferSize);
  // Errors of a connected socket are ICMP reports (port unreachable while the peer is not up yet):
  // frames lost on the wire, not failures of the device.
  socket.on("error", (error) => netifLog().debug(`udp tunnel: ${error.message}`));
  socket.unref();
  const device = new UdpTunnelDevice(socket, options.mac ?? Macaddr.makeLocal(unixRandom.generate(6)), mtu);
  netifLog().info(
    `plugging into ${device.id} (peer ${remoteAddress}:${options.remotePort}) with mac ${device.mac().toString()}`,
  );
  return device;
}
