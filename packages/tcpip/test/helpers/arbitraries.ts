// fast-check generators for addresses and headers.

import { Ipv4Addr, Macaddr } from "@mirage-ts/mirage-types";
import type { ArpPacket, DhcpMessage, Ipv4Header } from "@mirage-ts/tcpip";
import fc from "fast-check";

export const macaddr = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Macaddr.fromBytes(b));
export const ipv4addr = fc.integer({ min: 0, max: 0xffffffff }).map((n) => Ipv4Addr.fromNumber(n));
export const port = fc.integer({ min: 0, max: 0xffff });

export const ipv4Header: fc.Arbitrary<Ipv4Header> = fc.record({
  tos: fc.integer({ min: 0, max: 255 }),
  id: fc.integer({ min: 0, max: 0xffff }),
  dontFragment: fc.boolean(),
  moreFragments: fc.boolean(),
  fragmentOffset: fc.integer({ min: 0, max: 0x1fff }).map((n) => n * 8),
  ttl: fc.integer({ min: 0, max: 255 }),
  protocol: fc.integer({ min: 0, max: 255 }),
  src: ipv4addr,
  dst: ipv4addr,
  options: fc
    .integer({ min: 0, max: 10 })
    .chain((words) => fc.uint8Array({ minLength: words * 4, maxLength: words * 4 })),
});

export const arpPacket: fc.Arbitrary<ArpPacket> = fc.record({
  operation: fc.constantFrom("request" as const, "reply" as const),
  senderMac: macaddr,
  senderIp: ipv4addr,
  targetMac: macaddr,
  targetIp: ipv4addr,
});

export const dhcpMessage: fc.Arbitrary<DhcpMessage> = fc.record({
  op: fc.constantFrom("request" as const, "reply" as const),
  xid: fc.integer({ min: 0, max: 0xffffffff }),
  secs: fc.integer({ min: 0, max: 0xffff }),
  broadcast: fc.boolean(),
  ciaddr: ipv4addr,
  yiaddr: ipv4addr,
  siaddr: ipv4addr,
  giaddr: ipv4addr,
  chaddr: macaddr,
  options: fc
    .uniqueArray(
      fc.tuple(
        fc.integer({ min: 1, max: 254 }).filter((c) => c !== 52),
        fc.uint8Array({ maxLength: 600 }),
      ),
      {
        selector: ([code]) => code,
        maxLength: 8,
      },
    )
    .map((entries) => new Map(entries)),
});
