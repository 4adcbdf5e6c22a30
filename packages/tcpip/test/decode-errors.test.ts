/**
 * The decoder convention, codec by codec: every decoder returns `Result<T, DecodeError<Kind>>`; each
 * kind of its union has a row here (the `Record` type fails the type-check when a kind is added
 * without one) with an input that produces it; and on arbitrary bytes, or mutations of a valid
 * input, a decoder never throws and fails only with a kind of its union and a message.
 */

import { Ipv4Addr, Ipv6Addr, Macaddr, type Result } from "@mirage-ts/mirage-types";
import {
  type DecodeError,
  Icmpv4Type,
  MAX_SACK_BLOCKS,
  NextHeader,
  TcpFlags,
  TcpHeader,
  decodeArpPacket,
  decodeDhcpMessage,
  decodeEthernetFrame,
  decodeIcmpv4Message,
  decodeIcmpv6Message,
  decodeIpv4Packet,
  decodeIpv6Packet,
  decodeNdOptions,
  decodeTcpHeader,
  decodeUdpDatagram,
  encodeArpPacket,
  encodeDhcpMessage,
  encodeIcmpv4Message,
  encodeMacOption,
  encodeUdpHeader,
  walkExtensionHeaders,
} from "@mirage-ts/tcpip";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { icmpv4ErrorReport } from "../src/icmp/icmp-error.js";
import { ipv4Header, ipv4Packet, udpDatagram } from "./helpers/frames.js";
import { icmpv6, ipv6Packet } from "./helpers/ipv6.js";

interface Codec<Kind extends string> {
  readonly decode: (bytes: Uint8Array) => Result<unknown, DecodeError<Kind>>;
  /** An input the codec accepts. */
  readonly valid: Uint8Array;
  /** For each kind, inputs refused with it. */
  readonly cases: Record<Kind, readonly Uint8Array[]>;
  /** What holds of every accepted input, beside not throwing. */
  readonly invariant?: (value: unknown, bytes: Uint8Array) => void;
}

/** Keeps each codec's kinds checked against its own union while the table holds them all. */
function codec<Kind extends string>(c: Codec<Kind>): Codec<string> {
  return c as unknown as Codec<string>;
}

/** `bytes` with `value` at `at`. */
function set(bytes: Uint8Array, at: number, ...values: number[]): Uint8Array {
  const copy = bytes.slice();
  copy.set(values, at);
  return copy;
}

const V4_A = Ipv4Addr.parse("192.0.2.1");
const V4_B = Ipv4Addr.parse("192.0.2.2");
const V6_A = Ipv6Addr.parse("2001:db8::a");
const V6_B = Ipv6Addr.parse("2001:db8::b");

const arp = new Uint8Array(28);
encodeArpPacket(
  { operation: "request", senderMac: Macaddr.broadcast, senderIp: V4_A, targetMac: Macaddr.broadcast, targetIp: V4_B },
  arp,
);
const ipv4 = ipv4Packet(ipv4Header(V4_A, V4_B, 17), new Uint8Array(10));
const ipv6 = ipv6Packet({ src: V6_A, dst: V6_B, nextHeader: NextHeader.udp, payload: new Uint8Array(8) });
const icmp4 = encodeIcmpv4Message({ type: Icmpv4Type.echoRequest, code: 0, rest: 0x10001, data: new Uint8Array(4) });
const icmp6 = icmpv6(V6_A, V6_B, 128, 0, 0x10001, new Uint8Array(4));
const udp = udpDatagram(V4_A, V4_B, 1000, 53, new Uint8Array(5));
const udp6 = new Uint8Array(8);
encodeUdpHeader(V6_A, V6_B, 1, 2, new Uint8Array(0), udp6);
const dhcp = encodeDhcpMessage({
  op: "reply",
  xid: 1,
  secs: 0,
  broadcast: false,
  ciaddr: Ipv4Addr.any,
  yiaddr: V4_A,
  siaddr: Ipv4Addr.any,
  giaddr: Ipv4Addr.any,
  chaddr: Macaddr.broadcast,
  options: new Map([[53, Uint8Array.of(2)]]),
});
const syn = new TcpHeader();
Object.assign(syn, { srcPort: 40000, dstPort: 80, flags: TcpFlags.SYN, mss: 1460, windowScale: 7 });
syn.sackPermitted = true;
syn.setTimestamp(1, 0);
const tcp = new Uint8Array(syn.encodedLength());
syn.encode(tcp);

/** An IPv6 packet whose payload is `headers` (extension headers) after a first next header of `first`. */
function chain(first: number, ...headers: number[][]): Uint8Array {
  return ipv6Packet({ src: V6_A, dst: V6_B, nextHeader: first, payload: Uint8Array.from(headers.flat()) });
}
const DST_OPTS = NextHeader.destinationOptions;
const padded = (next: number): number[] => [next, 0, 1, 4, 0, 0, 0, 0]; // an 8-byte header of PadN

// A quoted datagram: an IPv4 header and 8 bytes of transport header.
const quote = ipv4Packet(ipv4Header(V4_A, V4_B, 17), new Uint8Array(8));
const errorMessage = (type: number, code: number, data: Uint8Array): Uint8Array => {
  const message = new Uint8Array(8 + data.length);
  message.set([type, code]);
  message.set(data, 8);
  return message;
};

const CODECS: Record<string, Codec<string>> = {
  ethernet: codec({
    decode: decodeEthernetFrame,
    valid: new Uint8Array(60),
    cases: { truncated: [new Uint8Array(0), new Uint8Array(13)] },
    invariant: (frame, bytes) => expect((frame as { payload: Uint8Array }).payload.length).toBe(bytes.length - 14),
  }),
  arp: codec({
    decode: decodeArpPacket,
    valid: arp,
    cases: {
      truncated: [arp.subarray(0, 27)],
      bad_hardware_type: [set(arp, 1, 6)],
      bad_protocol_type: [set(arp, 2, 0x86)],
      bad_address_length: [set(arp, 4, 8), set(arp, 5, 16)],
      bad_operation: [set(arp, 7, 3), set(arp, 6, 1)],
    },
  }),
  ipv4: codec({
    decode: (bytes) => decodeIpv4Packet(bytes),
    valid: ipv4,
    cases: {
      truncated: [ipv4.subarray(0, 19)],
      bad_version: [set(ipv4, 0, 0x65)],
      bad_header_length: [set(ipv4, 0, 0x44), set(ipv4, 0, 0x4f)],
      bad_total_length: [set(ipv4, 3, 200), set(ipv4, 3, 10)],
      bad_checksum: [set(ipv4, 8, 1)],
    },
  }),
  ipv6: codec({
    decode: decodeIpv6Packet,
    valid: ipv6,
    cases: {
      truncated: [ipv6.subarray(0, 39)],
      bad_version: [set(ipv6, 0, 0x45)],
      bad_payload_length: [set(ipv6, 5, 9), ipv6.subarray(0, 47)],
    },
  }),
  "IPv6 extension headers": codec({
    // Options of the "report unless multicast" kind depend on the destination: a multicast one is ff...
    decode: (bytes) => walkExtensionHeaders(bytes, 2, bytes[24] === 0xff),
    valid: chain(DST_OPTS, padded(NextHeader.udp)),
    cases: {
      truncated: [
        chain(DST_OPTS),
        chain(DST_OPTS, [NextHeader.udp, 1, 1, 4, 0, 0, 0, 0]),
        chain(DST_OPTS, [17, 0, 7, 9]),
      ],
      chain_too_long: [chain(DST_OPTS, padded(DST_OPTS), padded(DST_OPTS), padded(NextHeader.udp))],
      bad_hop_by_hop: [chain(DST_OPTS, padded(NextHeader.hopByHop), padded(NextHeader.udp))],
      routing_header: [chain(NextHeader.routing, [NextHeader.udp, 0, 2, 1, 0, 0, 0, 0])],
      routing_type0: [chain(NextHeader.routing, [NextHeader.udp, 0, 0, 1, 0, 0, 0, 0])],
      bad_option: [chain(DST_OPTS, [NextHeader.udp, 0, 0x80, 4, 0, 0, 0, 0])],
    },
  }),
  icmpv4: codec({
    decode: (bytes) => decodeIcmpv4Message(bytes),
    valid: icmp4,
    cases: { truncated: [icmp4.subarray(0, 7)], bad_checksum: [set(icmp4, 9, 1)] },
  }),
  "ICMPv4 error report": codec({
    decode: (bytes) =>
      icmpv4ErrorReport(V4_B, { type: bytes[0] ?? 0, code: bytes[1] ?? 0, rest: 0, data: bytes.subarray(8) }),
    valid: errorMessage(3, 3, quote),
    cases: {
      not_reported: [errorMessage(Icmpv4Type.echoReply, 0, quote), errorMessage(4, 0, quote)],
      bad_quote: [
        errorMessage(3, 3, quote.subarray(0, 27)),
        errorMessage(11, 0, set(quote, 0, 0x65)),
        errorMessage(12, 0, set(quote, 7, 8)),
      ],
    },
  }),
  icmpv6: codec({
    decode: (bytes) => decodeIcmpv6Message(V6_A, V6_B, bytes),
    valid: icmp6,
    cases: { truncated: [icmp6.subarray(0, 7)], bad_checksum: [set(icmp6, 9, 1)] },
  }),
  "ND options": codec({
    decode: decodeNdOptions,
    valid: encodeMacOption(1, Macaddr.broadcast),
    cases: {
      truncated: [Uint8Array.of(1), Uint8Array.of(1, 2, 0, 0, 0, 0, 0, 0)],
      zero_length_option: [Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)],
    },
  }),
  udp: codec({
    decode: (bytes) => decodeUdpDatagram(V4_A, V4_B, bytes),
    valid: udp,
    cases: {
      truncated: [udp.subarray(0, 7)],
      bad_length: [set(udp, 5, 200), set(udp, 5, 4)],
      bad_checksum: [set(udp, 9, 1)],
    },
  }),
  "UDP over IPv6": codec({
    decode: (bytes) => decodeUdpDatagram(V6_A, V6_B, bytes),
    valid: udp6,
    cases: {
      truncated: [udp6.subarray(0, 7)],
      bad_length: [set(udp6, 5, 9)],
      // zero ("no checksum") is refused over IPv6; a wrong one too
      bad_checksum: [set(udp6, 6, 0, 0), set(udp6, 1, 9)],
    },
  }),
  dhcp: codec({
    decode: decodeDhcpMessage,
    valid: dhcp,
    cases: {
      truncated: [dhcp.subarray(0, 239)],
      bad_op: [set(dhcp, 0, 3)],
      bad_hardware_type: [set(dhcp, 1, 6), set(dhcp, 2, 8)],
      bad_cookie: [set(dhcp, 236, 0)],
      bad_option: [
        set(dhcp.subarray(0, 244), 240, 12, 9, 1, 1),
        // an option overrunning the file field, then the sname field, when the overload option says they hold options
        set(set(dhcp, 240, 52, 1, 1, 53, 1, 2, 255), 108, 12, 200),
        set(set(dhcp, 240, 52, 1, 2, 53, 1, 2, 255), 44, 12, 200),
      ],
    },
  }),
  tcp: codec({
    decode: decodeTcpHeader,
    valid: tcp,
    cases: {
      truncated: [tcp.subarray(0, 19)],
      bad_data_offset: [set(tcp, 12, 4 << 4), tcp.subarray(0, 30)],
      // zero length; an MSS of 3 bytes; a window scale option overrunning the header
      bad_option: [set(tcp, 21, 0), set(tcp, 21, 3), set(tcp, 38, 9)],
    },
    invariant: (header, bytes) => {
      const h = header as TcpHeader;
      expect(h.headerLength).toBeLessThanOrEqual(bytes.length);
      expect(h.sackCount).toBeLessThanOrEqual(MAX_SACK_BLOCKS);
    },
  }),
};

describe.each(Object.entries(CODECS))("the %s decoder", (_name, c) => {
  const kinds = Object.keys(c.cases);

  it("accepts its valid input", () => {
    const decoded = c.decode(c.valid);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) c.invariant?.(decoded.value, c.valid);
  });

  it.each(Object.entries(c.cases).flatMap(([kind, inputs]) => inputs.map((input, i) => [kind, i, input] as const)))(
    "names %s (case %i)",
    (kind, _i, input) => {
      const decoded = c.decode(input);
      expect(decoded.ok ? "ok" : decoded.error.kind).toBe(kind);
      if (!decoded.ok) expect(decoded.error.message).toMatch(/\w/);
    },
  );

  const check = (bytes: Uint8Array): void => {
    const decoded = c.decode(bytes);
    if (decoded.ok) c.invariant?.(decoded.value, bytes);
    else {
      expect(kinds).toContain(decoded.error.kind);
      expect(typeof decoded.error.message).toBe("string");
    }
  };

  it("never throws on arbitrary bytes, and fails only with its kinds (property)", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1600 }), check), { numRuns: 1000 });
  });

  it("never throws on mutations of a valid input, and fails only with its kinds (property)", () => {
    const edits = fc.array(fc.tuple(fc.nat({ max: c.valid.length - 1 }), fc.nat({ max: 255 })), { maxLength: 8 });
    fc.assert(
      fc.property(edits, fc.nat({ max: c.valid.length }), (changes, length) => {
        const bytes = c.valid.slice(0, Math.max(length, c.valid.length - 8));
        for (const [at, value] of changes) if (at < bytes.length) bytes[at] = value;
        check(bytes);
      }),
      { numRuns: 1000 },
    );
  });
});
