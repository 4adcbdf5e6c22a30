// DirectStacks on a virtual switch, and an echo server written against `Stack`, for tests.
import { type Ipaddr, Macaddr, type Stack } from "@mirage-ts/mirage-types";
import {
  DirectStack,
  type DirectStackOptions,
  type LinkImpairments,
  TcpFlags,
  TcpHeader,
  internetChecksum,
} from "@mirage-ts/tcpip";
import { drive } from "../tcp/drive.js";
import type { Lab } from "./stacks.js";

/** A DirectStack on a new port of `l`'s switch. */
export async function stackOn(
  l: Lab,
  mac: string,
  options: Partial<DirectStackOptions>,
  link: LinkImpairments = {},
): Promise<DirectStack> {
  const netif = l.sw.connect({ mac: Macaddr.parse(mac), link });
  return drive(l.clock, DirectStack.connect({ netif, clock: l.clock, random: l.random, ...options }));
}

/** An echo server on `server`, port 7, written against the `Stack` signature only. */
export function echoServer(server: Stack): void {
  server.tcp().listen(7, async (flow) => {
    for (;;) {
      const r = await flow.read();
      if (!r.ok || r.value.kind === "eof") break;
      const w = await flow.write(r.value.data);
      if (!w.ok) break;
    }
    await flow.close();
  });
}

/**
 * The `i`-th SYN of a flood from `src` to `dst`:7 (source port 1024 + i), checksummed with
 * `stack`'s pseudo-header; with `mss` when given.
 */
export function floodSyn(stack: Stack, src: Ipaddr, dst: Ipaddr, i: number, mss = -1): Uint8Array {
  const syn = new TcpHeader();
  Object.assign(syn, { srcPort: 1024 + i, dstPort: 7, seq: i * 7919, ack: 0, flags: TcpFlags.SYN, window: 65535, mss });
  const segment = new Uint8Array(syn.encodedLength());
  syn.encode(segment);
  const pseudo = stack.ip().pseudoheader(src, dst, "tcp", segment.length);
  const checksum = internetChecksum(Uint8Array.of(...pseudo, ...segment));
  segment[16] = checksum >>> 8;
  segment[17] = checksum & 0xff;
  return segment;
}
