/**
 * The TCP layer of the host socket stack, on `node:net` (tcpip's `Tcpv4v6_socket`).
 *
 * @packageDocumentation
 */

import { type Server, type Socket, connect, createServer } from "node:net";
import { logSource } from "@mirage-ts/mirage-runtime";
import {
  type Ipaddr,
  type Keepalive,
  type Result,
  type Tcp,
  type TcpConnectOptions,
  type TcpError,
  type TcpFlow,
  type TcpListenOptions,
  checkIpaddr,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { dispatch } from "../internal/iteration.js";
import { type SocketBinding, bindAddress, checkPort } from "../internal/socket-binding.js";
import { ListenError } from "./listen-error.js";
import { SocketTcpFlow, isConnected, tcpConnectErrorOf } from "./socket-tcp-flow.js";

// The accept queue asked of the kernel (which caps it at net.core.somaxconn): Node's 511 overflows under a
// burst of 2000 connects, and Linux then resets clients that believe they are connected.
const LISTEN_BACKLOG = 4096;

const log = () => logSource("tcpv4v6-socket", "TCP of the host socket stack");

interface Listener {
  readonly handler: (flow: TcpFlow<Ipaddr>) => void | Promise<void>;
  readonly keepalive: Keepalive | undefined;
}

function applyKeepalive(socket: Socket, keepalive: Keepalive | undefined): void {
  // Node sets the idle time before the first probe; the probe interval and count stay the system's.
  if (keepalive !== undefined) socket.setKeepAlive(true, Number(keepalive.afterNs / 1_000_000n));
}

/** Whether a port's sockets are bound: settled once, by the last 'listening' or the first error. */
class Bound {
  readonly promise: Promise<void>;
  done: () => void = () => {};
  fail: (error: Error) => void = () => {};

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.done = resolve;
      this.fail = reject;
    });
    // Asked for or not: the error also goes to onListenError, so an unread rejection is no failure.
    this.promise.catch(() => {});
  }
}

/** TCP over the host's sockets. */
export class SocketTcp implements Tcp<Ipaddr> {
  readonly #binding: SocketBinding;
  readonly #onListenError: (error: Error) => void;
  readonly #listeners = new Map<number, Listener>();
  readonly #servers = new Map<number, Server[]>();
  readonly #bound = new Map<number, Bound>();
  readonly #flows = new Set<SocketTcpFlow>();

  constructor(binding: SocketBinding, onListenError: (error: Error) => void) {
    this.#binding = binding;
    this.#onListenError = onListenError;
  }

  listen(port: number, handler: (flow: TcpFlow<Ipaddr>) => void | Promise<void>, options: TcpListenOptions = {}): void {
    checkPort(port);
    this.#listeners.set(port, { handler, keepalive: options.keepalive });
    // Listening again on a port only replaces the handler: the bound sockets stay.
    if (this.#servers.has(port)) return;
    // A port fails once, even with two sockets bound (IPv4 and IPv6): the first error closes both.
    let failed = false;
    const bound = new Bound();
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      const listenError = new ListenError("tcp", port, error);
      bound.fail(listenError); // first: the default onListenError throws
      if (this.#servers.get(port) === servers) this.unlisten(port);
      this.#onListenError(listenError);
    };
    const targets = this.#bindTargets();
    let listening = 0;
    const servers = targets.map((target) => {
      const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) =>
        dispatch(this.#accept, [port, socket] as const),
      );
      server.on("error", fail);
      server.once("listening", () => {
        if (++listening === targets.length) bound.done();
      });
      server.listen({ port, backlog: LISTEN_BACKLOG, ...target });
      return server;
    });
    this.#servers.set(port, servers);
    this.#bound.set(port, bound);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Tcp.listening} */
  listening(port: number): Promise<void> {
    return this.#bound.get(port)?.promise ?? Promise.reject(new RangeError(`not listening on TCP port ${port}`));
  }

  unlisten(port: number): void {
    this.#listeners.delete(port);
    for (const server of this.#servers.get(port) ?? []) server.close();
    this.#servers.delete(port);
    this.#bound.get(port)?.fail(new Error(`TCP port ${port}: unlisten before it was bound`));
    this.#bound.delete(port);
  }

  /**
   * Connects to `dst`:`port`.
   *
   * @throws RangeError for a bad port; TypeError for a `dst` that is not an address (text from JavaScript) or of
   * a family the stack does not use
   */
  createConnection(
    dst: Ipaddr,
    port: number,
    options: TcpConnectOptions = {},
  ): Promise<Result<TcpFlow<Ipaddr>, TcpError>> {
    checkIpaddr(dst, "createConnection: dst");
    checkPort(port, false);
    const local = bindAddress(this.#binding, dst.version);
    if (local === undefined) {
      const only = dst.version === 4 ? "IPv6" : "IPv4";
      throw new TypeError(`Attempted to connect to an IPv${dst.version} host, but stack is ${only} only`);
    }
    return new Promise((resolve) => {
      const specific = this.#binding.kind !== "any" && local !== "0.0.0.0" && local !== "::";
      const socket = connect({
        host: dst.toString(),
        port,
        allowHalfOpen: true,
        ...(specific ? { localAddress: local } : {}),
      });
      const onError = (error: Error): void => resolve(err(tcpConnectErrorOf(error)));
      socket.once("error", onError);
      socket.once("connect", () => {
        socket.off("error", onError);
        applyKeepalive(socket, options.keepalive);
        const flow = this.#track(socket);
        resolve(flow === undefined ? err({ kind: "reset" }) : ok(flow));
      });
    });
  }

  async input(): Promise<void> {
    // The host kernel receives the segments: nothing reaches this layer.
  }

  async disconnect(): Promise<void> {
    for (const port of [...this.#servers.keys()]) this.unlisten(port);
    await Promise.all([...this.#flows].map((flow) => flow.destroy()));
  }

  #bindTargets(): { host?: string; ipv6Only?: boolean }[] {
    const binding = this.#binding;
    switch (binding.kind) {
      case "any":
        return [{}]; // Node binds `::` dual-stack, or 0.0.0.0 without IPv6
      case "both":
        return [{ host: binding.v4 }, { host: binding.v6, ipv6Only: true }];
      case "v4-only":
        return [{ host: binding.v4 }];
      case "v6-only":
        return [{ host: binding.v6, ipv6Only: true }];
    }
  }

  /**
   * The flow of a connected socket, or `undefined` (the socket destroyed) when the peer reset the
   * connection before Node asked for its addresses: a socket with no peer is no connection to hand over,
   * and a peer that connects and resets at once must not stop the unikernel.
   */
  #track(socket: Socket): SocketTcpFlow | undefined {
    if (!isConnected(socket)) {
      socket.destroy();
      return undefined;
    }
    const flow = new SocketTcpFlow(socket);
    this.#flows.add(flow);
    socket.once("close", () => this.#flows.delete(flow));
    return flow;
  }

  readonly #accept = ([port, socket]: readonly [number, Socket]): void => {
    const listener = this.#listeners.get(port);
    if (listener === undefined) {
      socket.destroy();
      return;
    }
    applyKeepalive(socket, listener.keepalive);
    const flow = this.#track(socket);
    if (flow === undefined) {
      log().debug(`tcp: dropped a connection to port ${port} reset by its peer before it was accepted`);
      return;
    }
    // As upstream, a handler's failure is logged and its connection closed; the listener goes on.
    Promise.resolve()
      .then(() => listener.handler(flow))
      .catch((error: unknown) => {
        log().warn(
          `tcp error on port ${port} in callback: ${
            error instanceof Error ? (error.stack ?? error.message) : String(error)
          }`,
        );
        return flow.close();
      });
  };
}
