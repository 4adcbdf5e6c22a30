// A scriptable DHCP server on a raw switch port, for testing the client: it logs what it receives and
// answers ARP for its own address.
import { Ipv4Addr, Macaddr } from "@mirage-ts/mirage-types";
import {
  type DhcpMessage,
  DhcpMessageType,
  DhcpOption,
  Ethertype,
  IpProtocol,
  decodeArpPacket,
  decodeDhcpMessage,
  decodeEthernetFrame,
  decodeIpv4Packet,
  decodeUdpDatagram,
  encodeArpPacket,
  encodeDhcpMessage,
} from "@mirage-ts/tcpip";
import { ethernetFrame, ipv4Frame, ipv4Header, ipv4Packet, udpDatagram } from "./frames.js";
import type { Lab } from "./stacks.js";

export interface Received {
  readonly at: number;
  readonly type: number;
  readonly xid: number;
  readonly secs: number;
  readonly broadcast: boolean;
  readonly ciaddr: string;
  readonly ipDst: string;
  readonly requested?: string;
  readonly server?: string;
  readonly paramList: number[];
  readonly clientId: number[];
}

export interface ServerOptions {
  readonly ip?: string;
  readonly mac?: string;
  readonly offer?: string;
  readonly mask?: string;
  readonly router?: string;
  readonly leaseS?: number;
  readonly t1S?: number;
  readonly t2S?: number;
  /** Unicast OFFER and ACK to the offered address even when the client asks for broadcast. */
  readonly unicast?: boolean;
}

/**
 * The offered address after `declines` DHCPDECLINEs: the next address each time, as a server marks a declined one
 * as in use.
 */
export function offeredAfter(first: string, declines: number): string {
  return Ipv4Addr.fromNumber(Ipv4Addr.parse(first).toNumber() + declines).toString();
}

export class FakeDhcpServer {
  readonly ip: Ipv4Addr;
  readonly mac: Macaddr;
  readonly received: Received[] = [];
  /** "answer" normally; "silent" ignores DHCP; "nak" refuses every REQUEST; "offer-only" ignores REQUESTs. */
  mode: "answer" | "silent" | "nak" | "offer-only" = "answer";
  /** DHCPDECLINEs received: each moves the offer to the next address. */
  declines = 0;
  readonly #options: ServerOptions;
  readonly #netif;
  readonly #lab: Lab;

  constructor(l: Lab, options: ServerOptions = {}) {
    this.#lab = l;
    this.#options = options;
    this.ip = Ipv4Addr.parse(options.ip ?? "10.0.0.1");
    this.mac = Macaddr.parse(options.mac ?? "02:00:00:00:00:01");
    this.#netif = l.sw.connect({ mac: this.mac });
    void this.#netif.listen(14, (frame) => this.#input(frame));
  }

  #input(frame: Uint8Array): void {
    const eth = decodeEthernetFrame(frame);
    if (!eth.ok) return;
    if (eth.value.header.ethertype === Ethertype.arp) {
      const arp = decodeArpPacket(eth.value.payload);
      if (arp.ok && arp.value.operation === "request" && arp.value.targetIp.equals(this.ip)) {
        const body = new Uint8Array(28);
        encodeArpPacket(
          {
            operation: "reply",
            senderMac: this.mac,
            senderIp: this.ip,
            targetMac: arp.value.senderMac,
            targetIp: arp.value.senderIp,
          },
          body,
        );
        this.#send(ethernetFrame(arp.value.senderMac, this.mac, Ethertype.arp, body));
      }
      return;
    }
    const ip = decodeIpv4Packet(eth.value.payload);
    if (!ip.ok || ip.value.header.protocol !== IpProtocol.udp) return;
    const udp = decodeUdpDatagram(ip.value.header.src, ip.value.header.dst, ip.value.payload);
    if (!udp.ok || udp.value.dstPort !== 67) return;
    const dhcp = decodeDhcpMessage(udp.value.payload);
    if (!dhcp.ok) return;
    const m = dhcp.value;
    const type = m.options.get(DhcpOption.messageType)?.[0] ?? 0;
    const requested = m.options.get(DhcpOption.requestedIp);
    const server = m.options.get(DhcpOption.serverIdentifier);
    this.received.push({
      at: this.#lab.clock.now(),
      type,
      xid: m.xid,
      secs: m.secs,
      broadcast: m.broadcast,
      ciaddr: m.ciaddr.toString(),
      ipDst: ip.value.header.dst.toString(),
      ...(requested === undefined ? {} : { requested: Ipv4Addr.fromBytes(requested).toString() }),
      ...(server === undefined ? {} : { server: Ipv4Addr.fromBytes(server).toString() }),
      paramList: [...(m.options.get(DhcpOption.parameterRequestList) ?? [])],
      clientId: [...(m.options.get(DhcpOption.clientIdentifier) ?? [])],
    });
    if (type === DhcpMessageType.decline) this.declines++;
    if (this.mode === "silent") return;
    if (type === DhcpMessageType.discover) this.#reply(m, DhcpMessageType.offer);
    else if (type === DhcpMessageType.request && this.mode !== "offer-only")
      this.#reply(m, this.mode === "nak" ? DhcpMessageType.nak : DhcpMessageType.ack);
  }

  #reply(request: DhcpMessage, type: number): void {
    const o = this.#options;
    const offered = Ipv4Addr.parse(offeredAfter(o.offer ?? "10.0.0.50", this.declines));
    const be32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
    const options = new Map<number, Uint8Array>([
      [DhcpOption.messageType, Uint8Array.of(type)],
      [DhcpOption.serverIdentifier, this.ip.toBytes()],
    ]);
    if (type !== DhcpMessageType.nak) {
      options.set(DhcpOption.subnetMask, Ipv4Addr.parse(o.mask ?? "255.255.255.0").toBytes());
      options.set(DhcpOption.router, Ipv4Addr.parse(o.router ?? this.ip.toString()).toBytes());
      options.set(DhcpOption.dnsServers, Uint8Array.of(10, 0, 0, 1, 9, 9, 9, 9));
      options.set(
        DhcpOption.domainName,
        Uint8Array.from("test.local", (c) => c.charCodeAt(0)),
      );
      options.set(DhcpOption.interfaceMtu, Uint8Array.of(0x05, 0xdc));
      options.set(DhcpOption.leaseTime, be32(o.leaseS ?? 3600));
      if (o.t1S !== undefined) options.set(DhcpOption.renewalTime, be32(o.t1S));
      if (o.t2S !== undefined) options.set(DhcpOption.rebindingTime, be32(o.t2S));
    }
    const yiaddr = type === DhcpMessageType.nak ? Ipv4Addr.any : offered;
    const payload = encodeDhcpMessage({
      op: "reply",
      xid: request.xid,
      secs: 0,
      broadcast: request.broadcast,
      ciaddr: request.ciaddr,
      yiaddr,
      siaddr: Ipv4Addr.any,
      giaddr: Ipv4Addr.any,
      chaddr: request.chaddr,
      options,
    });
    const toBroadcast = !o.unicast && request.broadcast;
    const dstIp = toBroadcast ? Ipv4Addr.broadcast : request.ciaddr.isUnspecified() ? yiaddr : request.ciaddr;
    const dstMac = toBroadcast ? Macaddr.broadcast : request.chaddr;
    const datagram = udpDatagram(this.ip, dstIp, 67, 68, payload);
    this.#send(ipv4Frame(dstMac, this.mac, ipv4Packet(ipv4Header(this.ip, dstIp, IpProtocol.udp), datagram)));
  }

  #send(frame: Uint8Array): void {
    void this.#netif.write(frame.length, (b) => {
      b.set(frame);
      return frame.length;
    });
  }

  types(): number[] {
    return this.received.map((r) => r.type);
  }
}
