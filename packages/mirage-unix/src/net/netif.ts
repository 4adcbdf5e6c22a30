/**
 * `connectNetif`: the NETWORK device named by the `--interface` run-time argument, as
 * mirage-net-unix's `Netif.connect`: `tap0` or `tap:tap0` for a tap interface, `udp:LOCAL,REMOTE`
 * for a UDP frame tunnel (each end `PORT` or `ADDRESS:PORT`, IPv6 addresses in brackets).
 *
 * @packageDocumentation
 */

import type { Macaddr } from "@mirage-ts/mirage-types";
import { type Tap, connectTap } from "./tap.js";
import { type UdpTunnel, connectUdpTunnel } from "./udp-tunnel.js";

/**
 * A parsed interface specification.
 *
 * @public
 */
export type NetifSpec =
  | { readonly kind: "tap"; readonly name: string }
  | {
      readonly kind: "udp";
      readonly localAddress: string;
      readonly localPort: number;
      readonly remoteAddress: string;
      readonly remotePort: number;
    };

/**
 * Options of {@link connectNetif}.
 *
 * @public
 */
export interface NetifOptions {
  /** The device's MAC address; a random locally administered one by default. */
  readonly mac?: Macaddr;
  /** The MTU the device reports; 1500 by default. */
  readonly mtu?: number;
}

const usage = "expected tap:NAME, NAME or udp:LOCAL,REMOTE (for example udp:127.0.0.1:5556,127.0.0.1:5555)";

// The local end may ask for port 0 (any free port); the remote end needs a real one.
function endpoint(spec: string, text: string, local: boolean): { address: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]:|([0-9.]+):)?([0-9]{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port < (local ? 0 : 1) || port > 65535) {
    throw new RangeError(`invalid interface ${JSON.stringify(spec)}: bad endpoint ${JSON.stringify(text)}, ${usage}`);
  }
  return { address: match[1] ?? match[2] ?? "127.0.0.1", port };
}

/**
 * Parses an interface specification.
 *
 * @throws RangeError naming the specification and the accepted forms when it is malformed.
 * @public
 */
export function parseNetifSpec(spec: string): NetifSpec {
  if (spec.startsWith("udp:")) {
    const ends = spec.slice(4).split(",");
    if (ends.length !== 2) throw new RangeError(`invalid interface ${JSON.stringify(spec)}: ${usage}`);
    const local = endpoint(spec, ends[0]!, true);
    const remote = endpoint(spec, ends[1]!, false);
    return {
      kind: "udp",
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
    };
  }
  const name = spec.startsWith("tap:") ? spec.slice(4) : spec;
  if (!/^[A-Za-z0-9_.%-]{1,15}$/.test(name))
    throw new RangeError(`invalid interface ${JSON.stringify(spec)}: ${usage}`);
  return { kind: "tap", name };
}

/**
 * Connects the NETWORK device an interface specification names.
 *
 * @throws RangeError for a malformed specification; the errors of {@link connectTap} and
 * {@link connectUdpTunnel} otherwise.
 * @public
 */
export async function connectNetif(spec: string, options: NetifOptions = {}): Promise<Tap | UdpTunnel> {
  const parsed = parseNetifSpec(spec);
  return parsed.kind === "tap" ? connectTap(parsed.name, options) : connectUdpTunnel({ ...parsed, ...options });
}
