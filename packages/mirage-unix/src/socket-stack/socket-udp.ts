/**
 * The UDP layer of the host socket stack, on `node:dgram` (tcpip's `Udpv4v6_socket`).
 *
 * @packageDocumentation
 */

import { type RemoteInfo, type Socket, createSocket } from "node:dgram";
import { logSource } from "@mirage-ts/mirage-runtime";
import {
  type Ipaddr,
  type Result,
  type Udp,
  type UdpCallback,
  type UdpError,
  type UdpWriteOptions,
  checkIpaddr,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { dispatch } from "../internal/iteration.js";
import { type SocketBinding, bindAddress, checkPort, fromSocketAddress } from "../internal/socket-binding.js";
import { errorCode } from "../internal/system-error.js";
import { ListenError } from "./listen-error.js";

const log = () => logSource("udpv4v6-socket", "UDP of the host socket stack");

interface BoundSocket {
  readonly socket: Socket;
  readonly version: 4 | 6;
  /** The address datagrams arriving on it are reported as sent to (the socket gives no per-datagram one). */
  readonly local: { readonly 4: Ipaddr; readonly 6: Ipaddr };
}

interface Listening {
  callback: UdpCallback<Ipaddr>;
  readonly sockets: BoundSocket[];
  /** Settles once every socket is bound, or failed to bind, or was closed first. */
  readonly bound: Promise<void>;
}

type Delivery = readonly [port: number, bound: BoundSocket, payload: Uint8Array, from: RemoteInfo];

function udpErrorOf(error: Error): UdpError {
  return errorCode(error) === "EMSGSIZE" ? { kind: "would_fragment" } : { kind: "no_route", reason: error.message };
}

function bind(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, address, () => {
      socket.off("error", reject);
      resolve();
    });
  });
}

/** UDP over the host's sockets. */
export class SocketUdp implements Udp<Ipaddr> {
  readonly #binding: SocketBinding;
  readonly #ipv6: boolean;
  readonly #onListenError: (error: Error) => void;
  readonly #listening = new Map<number, Listening>();
  readonly #senders = new Map<4 | 6, Promise<Socket>>();

  /** `ipv6` tells whether the host has IPv6 (a dual-stack socket needs it). */
  constructor(binding: SocketBinding, ipv6: boolean, onListenError: (error: Error) => void) {
    this.#binding = binding;
    this.#ipv6 = ipv6;
    this.#onListenError = onListenError;
  }

  listen(port: number, callback: UdpCallback<Ipaddr>): void {
    checkPort(port);
    const existing = this.#listening.get(port);
    if (existing !== undefined) {
      existing.callback = callback;
      return;
    }
    // A port fails once, even with two sockets (IPv4 and IPv6).
    let failed = false;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      this.#onListenError(new ListenError("udp", port, error));
    };
    const sockets = this.#listenTargets().map(({ version, address, ipv6Only }) => {
      const socket = createSocket({ type: version === 4 ? "udp4" : "udp6", ipv6Only });
      const local = fromSocketAddress(address);
      const bound: BoundSocket = {
        socket,
        version,
        local: { 4: local.version === 4 ? local : fromSocketAddress("0.0.0.0"), 6: local },
      };
      socket.on("message", (payload, from) => dispatch(this.#deliver, [port, bound, payload, from] as const));
      socket.on("error", fail);
      socket.bind(port, address);
      return bound;
    });
    const bound = Promise.all(
      sockets.map(
        ({ socket }) =>
          new Promise<void>((resolve) => {
            for (const event of ["listening", "error", "close"]) socket.once(event, () => resolve());
          }),
      ),
    ).then(() => undefined);
    this.#listening.set(port, { callback, sockets, bound });
  }

  /**
   * Resolves once the sockets listening on `port` are bound (or failed to bind: see `onListenError`);
   * at once if nothing listens there. {@link SocketUdp.listen} binds asynchronously, after Node's
   * address lookup, and a datagram that arrives before is not delivered.
   */
  listening(port: number): Promise<void> {
    return this.#listening.get(port)?.bound ?? Promise.resolve();
  }

  unlisten(port: number): void {
    for (const { socket } of this.#listening.get(port)?.sockets ?? []) socket.close();
    this.#listening.delete(port);
  }

  async input(): Promise<void> {
    // The host kernel receives the datagrams: nothing reaches this layer.
  }

  /**
   * Sends `payload`. As tcpip's socket stack, `src` and `ttl` are the kernel's choice; `srcPort` sends
   * from the socket listening on that port, or from a socket bound to it for this datagram.
   */
  async write(
    dst: Ipaddr,
    dstPort: number,
    payload: Uint8Array,
    options: UdpWriteOptions<Ipaddr> = {},
  ): Promise<Result<void, UdpError>> {
    checkIpaddr(dst, "write: dst");
    checkPort(dstPort);
    const address = bindAddress(this.#binding, dst.version);
    if (address === undefined) {
      return err({
        kind: "no_route",
        reason: "attempting to send to a destination with a different IP protocol version",
      });
    }
    let socket: Socket;
    let oneShot = false;
    try {
      const srcPort = options.srcPort;
      const entry = srcPort === undefined ? undefined : this.#listening.get(srcPort);
      // A socket listening on the port may still be binding (listen binds asynchronously): send once bound.
      if (entry !== undefined) await entry.bound;
      const listening = entry?.sockets.find((s) => this.#canSend(s, dst.version));
      if (listening !== undefined) {
        socket = listening.socket;
      } else if (srcPort !== undefined) {
        checkPort(srcPort);
        socket = createSocket({ type: dst.version === 4 ? "udp4" : "udp6", reuseAddr: true });
        oneShot = true;
        await bind(socket, srcPort, address);
      } else {
        socket = await this.#sender(dst.version, address);
      }
    } catch (error) {
      return err({ kind: "no_route", reason: (error as Error).message });
    }
    let family: string;
    try {
      family = socket.address().family;
    } catch (error) {
      // The listening socket was closed (unlisten) while this datagram waited for it to bind.
      return err({ kind: "no_route", reason: (error as Error).message });
    }
    const target = family === "IPv6" && dst.version === 4 ? `::ffff:${dst.toString()}` : dst.toString();
    return new Promise((resolve) => {
      socket.send(payload, dstPort, target, (error) => {
        if (oneShot) socket.close();
        resolve(error === null || error === undefined ? ok() : err(udpErrorOf(error)));
      });
    });
  }

  async disconnect(): Promise<void> {
    for (const port of [...this.#listening.keys()]) this.unlisten(port);
    const senders = await Promise.allSettled(this.#senders.values());
    for (const sender of senders) if (sender.status === "fulfilled") sender.value.close();
    this.#senders.clear();
  }

  #canSend(bound: BoundSocket, version: 4 | 6): boolean {
    // A dual-stack IPv6 socket (`::`, not IPv6-only) also sends to IPv4 addresses.
    return bound.version === version || (bound.version === 6 && this.#binding.kind === "any");
  }

  #listenTargets(): { version: 4 | 6; address: string; ipv6Only: boolean }[] {
    const binding = this.#binding;
    switch (binding.kind) {
      case "any":
        return this.#ipv6
          ? [{ version: 6, address: "::", ipv6Only: false }]
          : [{ version: 4, address: "0.0.0.0", ipv6Only: false }];
      case "both":
        return [
          { version: 4, address: binding.v4, ipv6Only: false },
          { version: 6, address: binding.v6, ipv6Only: true },
        ];
      case "v4-only":
        return [{ version: 4, address: binding.v4, ipv6Only: false }];
      case "v6-only":
        return [{ version: 6, address: binding.v6, ipv6Only: true }];
    }
  }

  /** The shared socket sending from an ephemeral port, one per family; it never keeps the process alive. */
  #sender(version: 4 | 6, address: string): Promise<Socket> {
    let sender = this.#senders.get(version);
    if (sender === undefined) {
      const socket = createSocket({ type: version === 4 ? "udp4" : "udp6", ipv6Only: version === 6 });
      socket.on("error", (error) => log().warn(`udp sender: ${error.message}`));
      sender = bind(socket, 0, address).then(() => {
        socket.unref();
        return socket;
      });
      this.#senders.set(version, sender);
    }
    return sender;
  }

  readonly #deliver = ([port, bound, payload, from]: Delivery): void => {
    const listening = this.#listening.get(port);
    if (listening === undefined) return;
    const src = fromSocketAddress(from.address);
    const dst = bound.local[src.version];
    Promise.resolve()
      .then(() => listening.callback(src, dst, from.port, payload))
      .catch((error: unknown) =>
        log().warn(
          `udp error on port ${port} in callback: ${
            error instanceof Error ? (error.stack ?? error.message) : String(error)
          }`,
        ),
      );
  };
}
