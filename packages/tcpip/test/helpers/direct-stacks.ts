// DirectStacks on a virtual switch, and an echo server written against `Stack`, for tests.
import { type Ipaddr, Ipv4Prefix, Ipv6Prefix, Macaddr, type Stack } from "@mirage-ts/mirage-types";
import {
  DirectStack,
  type DirectStackOptions,
  type LinkImpairments,
  TcpFlags,
  TcpHeader,
  internetChecksum,
} from "@mirage-ts/tcpip";
import { drive, runUntil } from "../tcp/drive.js";
import { type Lab, lab } from "./stacks.js";

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

/**
 * Two dual-stack DirectStacks on one switch: A at 10.0.0.1 and 2001:db8::1, B at 10.0.0.2 and
 * 2001:db8::2 (`extra` goes to A), returned once DAD passed.
 */
export async function dualPair(link: LinkImpairments = {}, extra: Partial<DirectStackOptions> = {}) {
  const l = lab(11);
  const tcp = { sendBufferSize: 1 << 20, receiveBufferSize: 1 << 20 };
  const a = await stackOn(
    l,
    "02:00:00:00:00:0a",
    {
      ipv4: { cidr: Ipv4Prefix.parse("10.0.0.1/24") },
      ipv6: { addresses: [Ipv6Prefix.parse("2001:db8::1/64")] },
      tcp,
      ...extra,
    },
    link,
  );
  const b = await stackOn(
    l,
    "02:00:00:00:00:0b",
    { ipv4: { cidr: Ipv4Prefix.parse("10.0.0.2/24") }, ipv6: { addresses: [Ipv6Prefix.parse("2001:db8::2/64")] }, tcp },
    link,
  );
  // DAD takes up to 2 s; addresses are usable after it.
  const expected = extra.ipv6Only === true ? 2 : 3;
  await runUntil(l.clock, () => a.ip().configuredIps().length === expected && b.ip().configuredIps().length === 3);
  return { l, a, b };
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
export function floodSyn(stack: Stack, src: Ipaddr, dst: Ipaddr, i: number, mss?: number): Uint8Array {
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
