/**
 * Two TCP layers over the package's own lower layers: an Ipv4Stack each (ethernet, ARP, IPv4) on a
 * port of the shipped VirtualSwitch, whose links carry the impairments, all on one virtual clock.
 */

import { Ipv4Addr, Ipv4Prefix, Macaddr } from "@mirage-ts/mirage-types";
import {
  Ipv4Stack,
  type LinkImpairments,
  SeededRandom,
  VirtualClock,
  type VirtualNetif,
  VirtualSwitch,
} from "@mirage-ts/tcpip";
import type { TcpConfig } from "../../src/tcp/tcp-config.js";
import { TcpLayer } from "../../src/tcp/tcp-layer.js";
import { settle } from "./drive.js";

export interface PairOptions {
  readonly config?: TcpConfig;
  readonly configA?: TcpConfig;
  readonly configB?: TcpConfig;
  /** The impairments of frames from A to B, on A's side of the link (default: a 0.5 ms delay). */
  readonly ab?: LinkImpairments;
  /** The impairments of frames from B to A, on B's side (default: those of `ab`). */
  readonly ba?: LinkImpairments;
  readonly seed?: number;
  /** The IP MTU of both hosts (default 1480: an ethernet MTU of 1500). */
  readonly mtu?: number;
}

export interface Pair {
  readonly clock: VirtualClock;
  readonly a: TcpLayer<Ipv4Addr>;
  readonly b: TcpLayer<Ipv4Addr>;
  readonly addrA: Ipv4Addr;
  readonly addrB: Ipv4Addr;
  /** A's and B's devices on the switch: their links' counters, and `setLink` to cut or impair them. */
  readonly netifA: VirtualNetif;
  readonly netifB: VirtualNetif;
  /** Frames on the wire now, either way. */
  inFlight(): number;
}

const DEFAULT_LINK: LinkImpairments = { delayMs: 0.5 };

/** A pair of hosts at 10.0.0.1 (A) and 10.0.0.2 (B); see the file's comment. */
export async function tcpPair(options: PairOptions = {}): Promise<Pair> {
  const clock = new VirtualClock();
  const seed = options.seed ?? 1;
  const sw = new VirtualSwitch({ clock, random: new SeededRandom(seed * 2 + 1) });
  const ab = { ...DEFAULT_LINK, ...options.ab };
  const ba = options.ba === undefined ? ab : { ...DEFAULT_LINK, ...options.ba };
  const host = async (n: 1 | 2, tx: LinkImpairments, config: TcpConfig | undefined) => {
    const netif = sw.connect({ mac: Macaddr.parse(`02:00:00:00:00:0${n}`), mtu: (options.mtu ?? 1480) + 20 });
    // Each side's impairments on its way out, so that A to B and B to A differ as asked.
    netif.setLink(tx, "tx");
    const random = new SeededRandom(seed * 7 + n);
    const stack = await Ipv4Stack.connect({
      netif,
      clock,
      random: new SeededRandom(seed * 11 + n),
      config: { cidr: Ipv4Prefix.parse(`10.0.0.${n}/24`) },
    });
    const tcp = new TcpLayer<Ipv4Addr>({ ip: stack.ipv4, clock, random, config: { ...options.config, ...config } });
    stack.setTcpInput((src, dst, payload) => tcp.input(src, dst, payload));
    return { netif, tcp };
  };
  const a = await host(1, ab, options.configA);
  const b = await host(2, ba, options.configB);
  await settle();
  return {
    clock,
    a: a.tcp,
    b: b.tcp,
    addrA: Ipv4Addr.parse("10.0.0.1"),
    addrB: Ipv4Addr.parse("10.0.0.2"),
    netifA: a.netif,
    netifB: b.netif,
    inFlight: () =>
      [a.netif, b.netif].reduce((sum, n) => sum + n.linkStats().tx.inFlight + n.linkStats().rx.inFlight, 0),
  };
}
