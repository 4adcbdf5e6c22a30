/**
 * `connectSocketStack`: the host socket stack (tcpip's `Tcpip_stack_socket.V4V6`, `--net=socket`),
 * the `Stack` signature on the host's TCP and UDP sockets.
 *
 * @packageDocumentation
 */

import { createSocket } from "node:dgram";
import {
  type IpV4V6,
  type Ipaddr,
  Ipv4Prefix,
  type Ipv6Prefix,
  type Stack,
  type Tcp,
  type Udp,
} from "@mirage-ts/mirage-types";
import { type SocketAddresses, socketBinding } from "../internal/socket-binding.js";
import { SocketIp } from "./socket-ip.js";
import { SocketTcp } from "./socket-tcp.js";
import { SocketUdp } from "./socket-udp.js";

/**
 * Options of {@link connectSocketStack}, Mirage's `--ipv4`, `--ipv6`, `--ipv4-only` and
 * `--ipv6-only` for the socket stack.
 *
 * @public
 */
export interface SocketStackOptions {
  /** The IPv4 address to bind (its prefix length is ignored); `0.0.0.0/0` (any) by default. */
  readonly ipv4?: Ipv4Prefix;
  /** The IPv6 address to bind; any by default. */
  readonly ipv6?: Ipv6Prefix;
  /** Use IPv4 only. */
  readonly ipv4Only?: boolean;
  /** Use IPv6 only. */
  readonly ipv6Only?: boolean;
  /**
   * Called once per port when a TCP or UDP listener cannot bind it (in use, no permission), with a
   * {@link ListenError}; a TCP port bound on two sockets (IPv4 and IPv6) is released. By default the
   * error is thrown as an uncaught exception, as upstream's `listen` raises: under {@link Main.run}
   * the unikernel prints `Fatal error: ` and the message, without a stack, and ends with code 255.
   */
  readonly onListenError?: (error: Error) => void;
}

function throwUncaught(error: Error): never {
  throw error;
}

/** Whether the host can open IPv6 sockets (a dual-stack listener needs it). */
function hasIpv6(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createSocket("udp6");
    probe.once("error", () => {
      probe.close();
      resolve(false);
    });
    probe.bind(0, "::", () => {
      probe.close();
      resolve(true);
    });
  });
}

class SocketStack implements Stack {
  readonly #udp: SocketUdp;
  readonly #tcp: SocketTcp;
  readonly #ip: SocketIp;
  readonly #stopped: Promise<void>;
  #stop: () => void = () => {};

  constructor(addresses: SocketAddresses, ipv6: boolean, onListenError: (error: Error) => void) {
    const binding = socketBinding(addresses);
    this.#udp = new SocketUdp(binding, ipv6, onListenError);
    this.#tcp = new SocketTcp(binding, onListenError);
    this.#ip = new SocketIp(addresses);
    this.#stopped = new Promise((resolve) => {
      this.#stop = resolve;
    });
  }

  udp(): Udp<Ipaddr> {
    return this.#udp;
  }

  tcp(): Tcp<Ipaddr> {
    return this.#tcp;
  }

  ip(): IpV4V6 {
    return this.#ip;
  }

  listen(): Promise<void> {
    return this.#stopped;
  }

  async disconnect(): Promise<void> {
    await Promise.all([this.#tcp.disconnect(), this.#udp.disconnect()]);
    this.#stop();
  }
}

/**
 * Connects the host socket stack: TCP on `node:net` (listeners, connections as flows with
 * half-close, keepalive and no-delay) and UDP on `node:dgram`. Addresses of IPv4 peers of dual-stack
 * sockets are reported as IPv4 addresses. A connection attempt fails with `{ kind: "refused" }`
 * ("connection attempt was refused") or `{ kind: "timeout" }` as the kernel says; an established
 * connection with `{ kind: "timeout" }`, or `{ kind: "reset" }` for a reset, broken pipe or abort.
 * Other system failures (unreachable network or host, no local address) are `{ kind: "msg" }` with
 * the system's text and code, such as `network is unreachable (ENETUNREACH)`. Listening takes effect
 * at once for TCP and at the next tick for UDP; listening again on a port replaces its handler. The
 * IP layer only reports addresses: raw packets cannot be sent. Keepalive sets the idle time before
 * probing; the probe interval and count are the system's (Node cannot set them).
 *
 * @throws RangeError if both `ipv4Only` and `ipv6Only` are set
 * @public
 */
export async function connectSocketStack(options: SocketStackOptions = {}): Promise<Stack> {
  if (options.ipv4Only === true && options.ipv6Only === true)
    throw new RangeError("ipv4Only and ipv6Only exclude each other");
  const addresses: SocketAddresses = {
    ipv4: options.ipv4 ?? Ipv4Prefix.parse("0.0.0.0/0"),
    ipv6: options.ipv6,
    ipv4Only: options.ipv4Only ?? false,
    ipv6Only: options.ipv6Only ?? false,
  };
  return new SocketStack(addresses, await hasIpv6(), options.onListenError ?? throwUncaught);
}
