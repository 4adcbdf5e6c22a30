/**
 * The IP layer of the host socket stack (tcpip's `Ipv4v6_socket`): the host kernel routes, so this
 * layer only answers questions about addresses; it neither receives nor sends packets.
 *
 * @packageDocumentation
 */

import {
  type IpError,
  type IpProto,
  type IpV4V6,
  type Ipaddr,
  type Prefix,
  type Result,
  err,
} from "@mirage-ts/mirage-types";
import { type SocketAddresses, configuredPrefixes, sourceFor } from "../internal/socket-binding.js";

const protocolNumbers: Readonly<Record<IpProto, number>> = { icmp: 1, tcp: 6, udp: 17 };

/** The IP layer of the socket stack. */
export class SocketIp implements IpV4V6 {
  readonly #addresses: SocketAddresses;

  constructor(addresses: SocketAddresses) {
    this.#addresses = addresses;
  }

  async input(): Promise<void> {
    // The host kernel receives the packets: nothing reaches this layer.
  }

  async write(): Promise<Result<void, IpError>> {
    return err({ kind: "no_route", reason: "the host socket stack sends only through its TCP and UDP sockets" });
  }

  /** The transport checksum pseudo-header (RFC 768/793 for IPv4, RFC 8200 for IPv6). */
  pseudoheader(src: Ipaddr, dst: Ipaddr, proto: IpProto, length: number): Uint8Array {
    if (src.version !== dst.version)
      throw new TypeError(`pseudoheader: ${src.toString()} and ${dst.toString()} are of different families`);
    if (src.version === 4) {
      const header = new Uint8Array(12);
      src.write(header, 0);
      dst.write(header, 4);
      header[9] = protocolNumbers[proto];
      new DataView(header.buffer).setUint16(10, length);
      return header;
    }
    const header = new Uint8Array(40);
    src.write(header, 0);
    dst.write(header, 16);
    new DataView(header.buffer).setUint32(32, length);
    header[39] = protocolNumbers[proto];
    return header;
  }

  src(dst: Ipaddr): Ipaddr {
    return sourceFor(this.#addresses, dst.version);
  }

  configuredIps(): Prefix[] {
    return configuredPrefixes(this.#addresses);
  }

  /** As upstream: an Ethernet MTU less the IP header. */
  mtu(dst: Ipaddr): number {
    return dst.version === 4 ? 1500 - 20 : 1500 - 40;
  }

  async disconnect(): Promise<void> {}
}
