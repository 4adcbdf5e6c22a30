// Builds stacks on a virtual switch for tests.
import { Ipv4Addr, Ipv4Prefix, Macaddr } from "@mirage-ts/mirage-types";
import {
  Ipv4Stack,
  type Ipv4StackOptions,
  type LinkImpairments,
  SeededRandom,
  VirtualClock,
  type VirtualNetif,
  VirtualSwitch,
} from "@mirage-ts/tcpip";
import { settle } from "./simulation.js";

export interface Lab {
  readonly clock: VirtualClock;
  readonly random: SeededRandom;
  readonly sw: VirtualSwitch;
}

export function lab(seed = 1): Lab {
  const clock = new VirtualClock();
  const random = new SeededRandom(seed);
  return { clock, random, sw: new VirtualSwitch({ clock, random }) };
}

export const MAC_A = Macaddr.parse("02:00:00:00:00:0a");
export const MAC_B = Macaddr.parse("02:00:00:00:00:0b");
export const IP_A = Ipv4Addr.parse("10.0.0.1");
export const IP_B = Ipv4Addr.parse("10.0.0.2");

export interface Host {
  readonly netif: VirtualNetif;
  readonly stack: Ipv4Stack;
}

export async function host(
  l: Lab,
  mac: Macaddr,
  cidr: string | undefined,
  link: LinkImpairments = {},
  extra: Partial<Ipv4StackOptions> = {},
  mtu = 1500,
): Promise<Host> {
  const netif = l.sw.connect({ mac, link, mtu });
  const stack = await Ipv4Stack.connect({
    netif,
    clock: l.clock,
    random: l.random,
    ...(cidr === undefined ? {} : { config: { cidr: Ipv4Prefix.parse(cidr) } }),
    ...extra,
  });
  await settle();
  return { netif, stack };
}

export async function pair(seed = 1, link: LinkImpairments = {}): Promise<{ l: Lab; a: Host; b: Host }> {
  const l = lab(seed);
  const a = await host(l, MAC_A, "10.0.0.1/24", link);
  const b = await host(l, MAC_B, "10.0.0.2/24", link);
  return { l, a, b };
}

export interface RawPort {
  readonly netif: VirtualNetif;
  /** Frames received, oldest first. */
  readonly received: Uint8Array[];
  /** The virtual time each received frame arrived at. */
  readonly arrivals: number[];
  send(frame: Uint8Array): Promise<void>;
}

/** A switch port driven by the test: it records what it receives and sends crafted frames. */
export function rawPort(l: Lab, mac: Macaddr): RawPort {
  const netif = l.sw.connect({ mac });
  const received: Uint8Array[] = [];
  const arrivals: number[] = [];
  void netif.listen(14, (frame) => {
    received.push(frame.slice());
    arrivals.push(l.clock.now());
  });
  return {
    netif,
    received,
    arrivals,
    async send(frame) {
      const result = await netif.write(frame.length, (buffer) => {
        buffer.set(frame);
        return frame.length;
      });
      if (!result.ok) throw new Error(`raw send failed: ${result.error.kind}`);
    },
  };
}
