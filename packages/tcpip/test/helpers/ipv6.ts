// IPv6 hosts on a virtual switch, and crafted IPv6 packets, for tests.
import { Ipv6Addr, type Macaddr } from "@mirage-ts/mirage-types";
import {
  ETHERNET_HEADER_SIZE,
  EthernetLayer,
  Ethertype,
  IPV6_HEADER_SIZE,
  Ipv6Layer,
  type Ipv6LayerOptions,
  type VirtualNetif,
  encodeEthernetHeader,
  encodeIcmpv6Header,
  encodeIpv6Header,
  multicastMac,
} from "@mirage-ts/tcpip";
import type { Lab } from "./stacks.js";

export interface V6Host {
  readonly netif: VirtualNetif;
  readonly ipv6: Ipv6Layer;
  /** UDP payloads received, with their source. */
  readonly udp: { src: Ipv6Addr; payload: Uint8Array }[];
}

/** A host with only IPv6 (Ethernet below, a UDP sink above) on `l`'s switch. */
export function v6host(l: Lab, mac: Macaddr, options: Partial<Ipv6LayerOptions> = {}, mtu = 1500): V6Host {
  const netif = l.sw.connect({ mac, mtu });
  const ethernet = new EthernetLayer(netif);
  const ipv6 = Ipv6Layer.connect(ethernet, { clock: l.clock, random: l.random, ...options });
  const udp: V6Host["udp"] = [];
  const handlers = {
    tcp: () => undefined,
    udp: (src: Ipv6Addr, _dst: Ipv6Addr, payload: Uint8Array) => {
      udp.push({ src, payload: payload.slice() });
    },
    default: () => undefined,
  };
  const link = { arpv4: () => undefined, ipv4: () => undefined, ipv6: (p: Uint8Array) => ipv6.input(p, handlers) };
  void netif.listen(ETHERNET_HEADER_SIZE, (frame) => ethernet.input(frame, link));
  return { netif, ipv6, udp };
}

export interface Packet6 {
  readonly src: Ipv6Addr;
  readonly dst: Ipv6Addr;
  readonly nextHeader: number;
  readonly hopLimit?: number;
  readonly payload: Uint8Array;
}

/** An IPv6 packet (fixed header and `payload`, which holds any extension headers). */
export function ipv6Packet(p: Packet6): Uint8Array {
  const packet = new Uint8Array(IPV6_HEADER_SIZE + p.payload.length);
  encodeIpv6Header(
    { trafficClass: 0, flowLabel: 0, nextHeader: p.nextHeader, hopLimit: p.hopLimit ?? 64, src: p.src, dst: p.dst },
    p.payload.length,
    packet,
  );
  packet.set(p.payload, IPV6_HEADER_SIZE);
  return packet;
}

/** An ICMPv6 message with a correct checksum. */
export function icmpv6(
  src: Ipv6Addr,
  dst: Ipv6Addr,
  type: number,
  code: number,
  rest: number,
  body: Uint8Array,
): Uint8Array {
  const message = new Uint8Array(8 + body.length);
  encodeIcmpv6Header(src, dst, type, code, rest, body, message);
  message.set(body, 8);
  return message;
}

/** An Ethernet frame carrying `packet` from `srcMac`, to `dstMac` or the group's multicast MAC. */
export function ethernet6(srcMac: Macaddr, dstMac: Macaddr | undefined, packet: Uint8Array): Uint8Array {
  const dst = dstMac ?? multicastMac(Ipv6Addr.read(packet, 24));
  const frame = new Uint8Array(ETHERNET_HEADER_SIZE + packet.length);
  encodeEthernetHeader({ dst, src: srcMac, ethertype: Ethertype.ipv6 }, frame);
  frame.set(packet, ETHERNET_HEADER_SIZE);
  return frame;
}

/** A fragment header followed by `data`. */
export function fragment(nextHeader: number, offset: number, more: boolean, id: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length);
  out[0] = nextHeader;
  const word = offset | (more ? 1 : 0);
  out[2] = word >>> 8;
  out[3] = word & 0xff;
  new DataView(out.buffer).setUint32(4, id);
  out.set(data, 8);
  return out;
}

/** The IPv6 packets among `frames` (Ethernet frames), decoded to addresses and the raw packet. */
export function ipv6Packets(
  frames: readonly Uint8Array[],
): { src: Ipv6Addr; dst: Ipv6Addr; next: number; packet: Uint8Array }[] {
  return frames
    .filter((f) => f.length >= ETHERNET_HEADER_SIZE + IPV6_HEADER_SIZE && ((f[12]! << 8) | f[13]!) === Ethertype.ipv6)
    .map((f) => {
      const packet = f.subarray(ETHERNET_HEADER_SIZE);
      return { src: Ipv6Addr.read(packet, 8), dst: Ipv6Addr.read(packet, 24), next: packet[6]!, packet };
    });
}
