// Seed frames and mutations for fuzzing the stack with inputs close to valid ones.

import { Ipv4Addr, Macaddr } from "@mirage-ts/mirage-types";
import {
  DhcpMessageType,
  DhcpOption,
  Ethertype,
  IpProtocol,
  encodeArpPacket,
  encodeDhcpMessage,
  encodeEchoRequest,
  internetChecksum,
  pseudoHeaderSum,
} from "@mirage-ts/tcpip";
import fc from "fast-check";
import { ethernetFrame, ipv4Frame, ipv4Header, ipv4Packet, udpDatagram } from "./frames.js";

export interface Target {
  readonly mac: Macaddr;
  readonly ip: Ipv4Addr;
}

const PEER_MAC = Macaddr.parse("02:00:00:00:00:99");
const PEER_IP = Ipv4Addr.parse("10.0.0.99");

function arp(target: Target, operation: "request" | "reply", senderIp = PEER_IP): Uint8Array {
  const packet = new Uint8Array(28);
  encodeArpPacket({ operation, senderMac: PEER_MAC, senderIp, targetMac: target.mac, targetIp: target.ip }, packet);
  return ethernetFrame(operation === "request" ? Macaddr.broadcast : target.mac, PEER_MAC, Ethertype.arp, packet);
}

/** Valid frames of every kind the stack handles, addressed to `target`. */
export function seedFrames(target: Target, xid = 0): Uint8Array[] {
  const echo = encodeEchoRequest(1, 1, new Uint8Array(40).fill(7));
  const big = new Uint8Array(64);
  const fragments = [0, 1].map((i) =>
    ipv4Frame(
      target.mac,
      PEER_MAC,
      ipv4Packet(
        ipv4Header(PEER_IP, target.ip, IpProtocol.udp, { id: 77, moreFragments: i === 0, fragmentOffset: i * 32 }),
        big.subarray(i * 32, i * 32 + 32),
      ),
    ),
  );
  return [
    arp(target, "request"),
    arp(target, "reply"),
    arp(target, "reply", target.ip),
    ipv4Frame(target.mac, PEER_MAC, ipv4Packet(ipv4Header(PEER_IP, target.ip, IpProtocol.icmp), echo)),
    ipv4Frame(
      target.mac,
      PEER_MAC,
      ipv4Packet(
        ipv4Header(PEER_IP, target.ip, IpProtocol.udp),
        udpDatagram(PEER_IP, target.ip, 1234, 7, new Uint8Array(20)),
      ),
    ),
    ipv4Frame(target.mac, PEER_MAC, ipv4Packet(ipv4Header(PEER_IP, target.ip, IpProtocol.tcp), new Uint8Array(20))),
    ipv4Frame(
      target.mac,
      PEER_MAC,
      ipv4Packet(ipv4Header(PEER_IP, target.ip, 99, { options: Uint8Array.of(7, 3, 4, 0) }), new Uint8Array(8)),
    ),
    ...fragments,
    ...dhcpFrames(target, xid),
  ];
}

/** A DHCP OFFER, ACK and NAK for transaction `xid`, broadcast to `target`'s MAC. */
export function dhcpFrames(target: Target, xid: number): Uint8Array[] {
  return [DhcpMessageType.offer, DhcpMessageType.ack, DhcpMessageType.nak].map((type) => {
    const dhcp = encodeDhcpMessage({
      op: "reply",
      xid,
      secs: 0,
      broadcast: true,
      ciaddr: Ipv4Addr.any,
      yiaddr: Ipv4Addr.parse("10.0.0.50"),
      siaddr: Ipv4Addr.any,
      giaddr: Ipv4Addr.any,
      chaddr: target.mac,
      options: new Map([
        [DhcpOption.messageType, Uint8Array.of(type)],
        [DhcpOption.serverIdentifier, PEER_IP.toBytes()],
        [DhcpOption.subnetMask, Uint8Array.of(255, 255, 255, 0)],
        [DhcpOption.router, PEER_IP.toBytes()],
        [DhcpOption.leaseTime, Uint8Array.of(0, 0, 1, 0)],
      ]),
    });
    const datagram = udpDatagram(PEER_IP, Ipv4Addr.broadcast, 67, 68, dhcp);
    return ipv4Frame(
      Macaddr.broadcast,
      PEER_MAC,
      ipv4Packet(ipv4Header(PEER_IP, Ipv4Addr.broadcast, IpProtocol.udp), datagram),
    );
  });
}

/** Recomputes the IPv4 header checksum and the ICMP or UDP checksum, where the frame is parsable enough. */
export function fixChecksums(frame: Uint8Array): Uint8Array {
  if (frame.length < 34 || ((frame[12]! << 8) | frame[13]!) !== Ethertype.ipv4) return frame;
  const ip = frame.subarray(14);
  const headerLength = (ip[0]! & 0x0f) * 4;
  if (headerLength < 20 || headerLength > ip.length) return frame;
  ip[10] = 0;
  ip[11] = 0;
  const sum = internetChecksum(ip.subarray(0, headerLength));
  ip[10] = sum >>> 8;
  ip[11] = sum & 0xff;
  const total = Math.min(ip.length, (ip[2]! << 8) | ip[3]!);
  const offset = ((ip[6]! << 8) | ip[7]!) & 0x1fff;
  if (offset !== 0 || total <= headerLength) return frame;
  const payload = ip.subarray(headerLength, total);
  if (ip[9] === IpProtocol.icmp && payload.length >= 8) {
    payload[2] = 0;
    payload[3] = 0;
    const c = internetChecksum(payload);
    payload[2] = c >>> 8;
    payload[3] = c & 0xff;
  } else if (ip[9] === IpProtocol.udp && payload.length >= 8) {
    payload[6] = 0;
    payload[7] = 0;
    const c =
      internetChecksum(
        payload,
        pseudoHeaderSum(Ipv4Addr.read(ip, 12), Ipv4Addr.read(ip, 16), IpProtocol.udp, payload.length),
      ) || 0xffff;
    payload[6] = c >>> 8;
    payload[7] = c & 0xff;
  }
  return frame;
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("extend" as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function apply(frame: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case "flip": {
      const out = frame.slice();
      if (out.length > 0) out[m.at % out.length]! ^= 1 << m.bit;
      return out;
    }
    case "set": {
      const out = frame.slice();
      if (out.length > 0) out[m.at % out.length] = m.value;
      return out;
    }
    case "truncate":
      return frame.slice(0, m.at % (frame.length + 1));
    case "extend": {
      const out = new Uint8Array(frame.length + m.bytes.length);
      out.set(frame);
      out.set(m.bytes, frame.length);
      return out;
    }
  }
}

/** A seed frame with 1 to 6 mutations, checksums fixed afterwards half of the time. */
export function mutatedFrame(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean())
    .map(([i, mutations, fix]) => {
      const frame = mutations.reduce(apply, seeds[i]!);
      return fix ? fixChecksums(frame) : frame;
    });
}

/** Random bytes, sometimes behind a plausible ethernet and IPv4 header so they reach deeper layers. */
export function randomFrame(target: Target): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 1600 }),
    fc
      .tuple(fc.constantFrom(Ethertype.arp, Ethertype.ipv4, Ethertype.ipv6, 0x8100), fc.uint8Array({ maxLength: 1500 }))
      .map(([type, payload]) => ethernetFrame(target.mac, PEER_MAC, type, payload)),
    fc
      .tuple(
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 1400 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 0x1fff }),
      )
      .map(([proto, payload, more, offset]) =>
        ipv4Frame(
          target.mac,
          PEER_MAC,
          ipv4Packet(
            ipv4Header(PEER_IP, target.ip, proto, { moreFragments: more, fragmentOffset: offset * 8 }),
            payload,
          ),
        ),
      ),
  );
}
