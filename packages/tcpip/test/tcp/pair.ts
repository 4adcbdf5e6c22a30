/** Two TCP layers joined by a `Wire`, on one virtual clock. */

import type { Ipv4Addr } from "@mirage-ts/mirage-types";
import { SeededRandom, VirtualClock } from "@mirage-ts/tcpip";
import type { TcpConfig } from "../../src/tcp/tcp-config.js";
import { TcpLayer } from "../../src/tcp/tcp-layer.js";
import { type LinkOptions, Wire } from "./wire.js";

export interface PairOptions {
  readonly config?: TcpConfig;
  readonly configA?: TcpConfig;
  readonly configB?: TcpConfig;
  readonly ab?: LinkOptions;
  readonly ba?: LinkOptions;
  readonly seed?: number;
  readonly mtu?: number;
}

export interface Pair {
  readonly clock: VirtualClock;
  readonly wire: Wire;
  readonly a: TcpLayer<Ipv4Addr>;
  readonly b: TcpLayer<Ipv4Addr>;
  readonly addrA: Ipv4Addr;
  readonly addrB: Ipv4Addr;
}

export function tcpPair(options: PairOptions = {}): Pair {
  const clock = new VirtualClock();
  const seed = options.seed ?? 1;
  const wire = new Wire(clock, {
    ...(options.ab === undefined ? {} : { ab: options.ab }),
    ...(options.ba === undefined ? {} : { ba: options.ba }),
    seed,
    ...(options.mtu === undefined ? {} : { mtu: options.mtu }),
  });
  const a = new TcpLayer<Ipv4Addr>({
    ip: wire.ipA,
    clock,
    random: new SeededRandom(seed * 7 + 1),
    config: { ...options.config, ...options.configA },
  });
  const b = new TcpLayer<Ipv4Addr>({
    ip: wire.ipB,
    clock,
    random: new SeededRandom(seed * 7 + 2),
    config: { ...options.config, ...options.configB },
  });
  wire.ab.connect((src, dst, payload) => void b.input(src, dst, payload));
  wire.ba.connect((src, dst, payload) => void a.input(src, dst, payload));
  return { clock, wire, a, b, addrA: wire.ipA.address, addrB: wire.ipB.address };
}
