/**
 * `connectNetif`: the NETWORK device named by the `--interface` run-time argument, as
 * mirage-net-unix's `Netif.connect`: `tap0` or `tap:tap0` for a tap interface, `udp:LOCAL,REMOTE`
 * for a UDP frame tunnel (each end `PORT` or `ADDRESS:PORT`, IPv6 addresses in brackets); either may
 * end with `,queue=FRAMES`, the backend's `queueLength`.
 *
 * @packageDocumentation
 */

import type { Macaddr } from "@mirage-ts/mirage-types";
import { MAX_QUEUE_LENGTH } from "../internal/frame-device.js";
import { type Tap, connectTap } from "./tap.js";
import { type UdpTunnel, connectUdpTunnel } from "./udp-tunnel.js";

/**
 * A parsed interface specification.
 *
 * @public
 */
export type NetifSpec =
  | { readonly kind: "tap"; readonly name: string; readonly queueLength?: number }
  | {
      readonly kind: "udp";
      readonly localAddress: string;
      readonly localPort: number;
      readonly remoteAddress: string;
      readonly remotePort: number;
      readonly queueLength?: number;
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

const usage =
  "expected tap:NAME, NAME or udp:LOCAL,REMOTE (for example udp:127.0.0.1:5556,127.0.0.1:5555), " +
  "optionally followed by ,queue=FRAMES";

/** The specification without its `,queue=FRAMES` suffix, and that queue length. */
function queueSuffix(spec: string): { body: string; queueLength?: number } {
  const match = /^(.*),queue=([^,]*)$/su.exec(spec);
  if (match === null) return { body: spec };
  const [, body = "", text = ""] = match;
  const frames = /^[0-9]{1,7}$/u.test(text) ? Number(text) : 0;
  if (frames < 1 || frames > MAX_QUEUE_LENGTH) {
    throw new RangeError(
      `invalid interface ${JSON.stringify(spec)}: queue=${text} must be a number of frames ` +
        `from 1 to ${MAX_QUEUE_LENGTH}`,
    );
  }
  return { body, queueLength: frames };
}

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
  const { body, ...queue } = queueSuffix(spec);
  if (body.startsWith("udp:")) {
    const ends = body.slice(4).split(",");
    if (ends.length !== 2) throw new RangeError(`invalid interface ${JSON.stringify(spec)}: ${usage}`);
    const local = endpoint(spec, ends[0]!, true);
    const remote = endpoint(spec, ends[1]!, false);
    return {
      kind: "udp",
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      ...queue,
    };
  }
  const name = body.startsWith("tap:") ? body.slice(4) : body;
  if (!/^[A-Za-z0-9_.%-]{1,15}$/.test(name))
    throw new RangeError(`invalid interface ${JSON.stringify(spec)}: ${usage}`);
  return { kind: "tap", name, ...queue };
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
  if (parsed.kind === "udp") return connectUdpTunnel({ ...parsed, ...options });
  return connectTap(
    parsed.name,
    parsed.queueLength === undefined ? options : { ...options, queueLength: parsed.queueLength },
  );
}
