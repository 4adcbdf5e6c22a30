// Builds raw frames with the package's codecs, for feeding stacks crafted input.
import type { Ipv4Addr, Macaddr } from "@mirage-ts/mirage-types";
import {
  ETHERNET_HEADER_SIZE,
  Ethertype,
  IPV4_HEADER_SIZE,
  type Ipv4Header,
  encodeEthernetHeader,
  encodeIpv4Header,
  encodeUdpHeader,
} from "@mirage-ts/tcpip";

export function ipv4Header(
  src: Ipv4Addr,
  dst: Ipv4Addr,
  protocol: number,
  extra: Partial<Ipv4Header> = {},
): Ipv4Header {
  return {
    tos: 0,
    id: 1,
    dontFragment: false,
    moreFragments: false,
    fragmentOffset: 0,
    ttl: 64,
    protocol,
    src,
    dst,
    options: new Uint8Array(0),
    ...extra,
  };
}

export function ipv4Packet(header: Ipv4Header, payload: Uint8Array): Uint8Array {
  const packet = new Uint8Array(IPV4_HEADER_SIZE + header.options.length + payload.length);
  const length = encodeIpv4Header(header, payload.length, packet);
  packet.set(payload, length);
  return packet;
}

export function ethernetFrame(dst: Macaddr, src: Macaddr, ethertype: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(ETHERNET_HEADER_SIZE + payload.length);
  encodeEthernetHeader({ dst, src, ethertype }, frame);
  frame.set(payload, ETHERNET_HEADER_SIZE);
  return frame;
}

export function ipv4Frame(dst: Macaddr, src: Macaddr, packet: Uint8Array): Uint8Array {
  return ethernetFrame(dst, src, Ethertype.ipv4, packet);
}

export function udpDatagram(
  src: Ipv4Addr,
  dst: Ipv4Addr,
  srcPort: number,
  dstPort: number,
  payload: Uint8Array,
): Uint8Array {
  const datagram = new Uint8Array(8 + payload.length);
  encodeUdpHeader(src, dst, srcPort, dstPort, payload, datagram);
  datagram.set(payload, 8);
  return datagram;
}

export function bytes(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7 + 3) & 0xff;
  return out;
}

/** Asserts byte equality quickly (vitest's deep equality walks typed arrays element by element). */
export function expectBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  if (actual !== undefined && Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected)) return;
  throw new Error(
    `bytes differ: got ${actual === undefined ? "nothing" : `${actual.length} bytes`}, ` +
      `expected ${expected.length} bytes`,
  );
}
