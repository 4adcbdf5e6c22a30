/**
 * `SimDhcpServer`: a DHCP server (RFC 2131) for simulated networks, as a state machine over
 * tcpip's DHCP codec: DISCOVER gets an OFFER of the client's address or the lowest free one of the
 * pool, REQUEST an ACK (or a NAK for an address that is not the client's), RELEASE frees the
 * address, DECLINE takes it out of the pool. Leases are kept per hardware address, so a host that
 * restarts gets its address back. {@link SimWorld.dhcpServer} runs one on a host's UDP port 67.
 *
 * @packageDocumentation
 */

import { Ipv4Addr, type Ipv4Prefix, type Macaddr } from "@mirage-ts/mirage-types";
import { type DhcpMessage, DhcpMessageType, DhcpOption } from "@mirage-ts/tcpip";

/**
 * Options of a {@link SimDhcpServer}.
 *
 * @beta
 */
export interface SimDhcpOptions {
  /** The first address of the pool, such as `"10.0.0.100"`. */
  readonly first: string;
  /** Addresses in the pool (default 100). */
  readonly count?: number;
  /** The default gateway given to clients, if any. */
  readonly router?: string;
  /** The lease time in seconds (default 3600). */
  readonly leaseSeconds?: number;
}

/**
 * The counters of a {@link SimDhcpServer}.
 *
 * @beta
 */
export interface SimDhcpStats {
  readonly offers: number;
  readonly acks: number;
  readonly naks: number;
  readonly releases: number;
  readonly declines: number;
  /** Messages that were not requests the server answers (replies, bad options, other servers' requests). */
  readonly ignored: number;
}

interface Lease {
  readonly address: number;
  expiresMs: number;
}

/**
 * A DHCP server's state.
 *
 * @beta
 */
export class SimDhcpServer {
  /** The server's own address (its server identifier) and the subnet of the pool. */
  readonly cidr: Ipv4Prefix;
  readonly #first: number;
  readonly #count: number;
  readonly #router: Ipv4Addr | undefined;
  readonly #leaseSeconds: number;
  readonly #leases = new Map<string, Lease>();
  readonly #declined = new Set<number>();
  readonly #stats = { offers: 0, acks: 0, naks: 0, releases: 0, declines: 0, ignored: 0 };

  /** @throws RangeError naming the option when the pool does not fit the subnet or a value is invalid. */
  constructor(cidr: Ipv4Prefix, options: SimDhcpOptions) {
    const first = Ipv4Addr.parse(options.first);
    const count = options.count ?? 100;
    const leaseSeconds = options.leaseSeconds ?? 3600;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`DHCP pool: count must be >= 1, got ${count}`);
    const last = Ipv4Addr.fromNumber((first.toNumber() + count - 1) >>> 0);
    if (!cidr.mem(first) || !cidr.mem(last)) {
      throw new RangeError(`DHCP pool ${first}-${last} is not inside the server's subnet ${cidr.networkPrefix()}`);
    }
    if (!(leaseSeconds > 0)) throw new RangeError(`DHCP leaseSeconds must be > 0, got ${leaseSeconds}`);
    this.cidr = cidr;
    this.#first = first.toNumber();
    this.#count = count;
    this.#router = options.router === undefined ? undefined : Ipv4Addr.parse(options.router);
    this.#leaseSeconds = leaseSeconds;
  }

  /** The counters so far. */
  stats(): SimDhcpStats {
    return { ...this.#stats };
  }

  /** The address leased to `mac` and not expired at `nowMs`, if any. */
  leaseOf(mac: Macaddr, nowMs: number): Ipv4Addr | undefined {
    const lease = this.#leases.get(mac.toString());
    return lease !== undefined && lease.expiresMs > nowMs ? Ipv4Addr.fromNumber(lease.address) : undefined;
  }

  /** The reply to `message` at virtual time `nowMs`, or `undefined` when none is due. */
  handle(message: DhcpMessage, nowMs: number): DhcpMessage | undefined {
    const type = message.options.get(DhcpOption.messageType)?.[0];
    if (message.op !== "request") return this.#ignore();
    const server = message.options.get(DhcpOption.serverIdentifier);
    const forUs = server === undefined || Ipv4Addr.fromBytes(server).toNumber() === this.cidr.address.toNumber();
    switch (type) {
      case DhcpMessageType.discover: {
        const address = this.#allocate(message.chaddr, nowMs);
        if (address === undefined) return this.#ignore();
        this.#stats.offers++;
        return this.#reply(message, DhcpMessageType.offer, address);
      }
      case DhcpMessageType.request: {
        if (!forUs) return this.#ignore();
        const requested = message.options.get(DhcpOption.requestedIp);
        const wanted = requested?.length === 4 ? Ipv4Addr.fromBytes(requested).toNumber() : message.ciaddr.toNumber();
        const address = this.#allocate(message.chaddr, nowMs, wanted);
        if (address !== wanted) {
          this.#stats.naks++;
          return this.#reply(message, DhcpMessageType.nak, 0);
        }
        this.#leases.set(message.chaddr.toString(), { address, expiresMs: nowMs + this.#leaseSeconds * 1000 });
        this.#stats.acks++;
        return this.#reply(message, DhcpMessageType.ack, address);
      }
      case DhcpMessageType.release:
        if (forUs) {
          this.#leases.delete(message.chaddr.toString());
          this.#stats.releases++;
        }
        return undefined;
      case DhcpMessageType.decline: {
        const declined = message.options.get(DhcpOption.requestedIp);
        if (forUs && declined?.length === 4) {
          this.#declined.add(Ipv4Addr.fromBytes(declined).toNumber());
          this.#leases.delete(message.chaddr.toString());
          this.#stats.declines++;
        }
        return undefined;
      }
      default:
        return this.#ignore();
    }
  }

  #ignore(): undefined {
    this.#stats.ignored++;
    return undefined;
  }

  // The client's address (kept while its lease runs, or given back after it expired if still free),
  // else `wanted` when it is free, else the lowest free address; a lease of `mac` is reserved.
  #allocate(mac: Macaddr, nowMs: number, wanted?: number): number | undefined {
    const own = this.#leases.get(mac.toString());
    if (own !== undefined && (own.expiresMs > nowMs || this.#free(own.address, nowMs, mac))) return own.address;
    if (wanted !== undefined) return this.#inPool(wanted) && this.#free(wanted, nowMs, mac) ? wanted : undefined;
    for (let i = 0; i < this.#count; i++) {
      const address = (this.#first + i) >>> 0;
      if (this.#free(address, nowMs, mac)) return address;
    }
    return undefined;
  }

  #inPool(address: number): boolean {
    return address >= this.#first && address < this.#first + this.#count;
  }

  #free(address: number, nowMs: number, mac: Macaddr): boolean {
    if (this.#declined.has(address) || address === this.cidr.address.toNumber()) return false;
    for (const [holder, lease] of this.#leases) {
      if (lease.address === address && lease.expiresMs > nowMs && holder !== mac.toString()) return false;
    }
    return true;
  }

  #reply(request: DhcpMessage, type: number, address: number): DhcpMessage {
    const options = new Map<number, Uint8Array>([
      [DhcpOption.messageType, Uint8Array.of(type)],
      [DhcpOption.serverIdentifier, this.cidr.address.toBytes()],
    ]);
    if (type !== DhcpMessageType.nak) {
      const seconds = new Uint8Array(4);
      new DataView(seconds.buffer).setUint32(0, this.#leaseSeconds);
      options.set(DhcpOption.leaseTime, seconds);
      options.set(DhcpOption.subnetMask, this.cidr.netmask().toBytes());
      if (this.#router !== undefined) options.set(DhcpOption.router, this.#router.toBytes());
    }
    return {
      op: "reply",
      xid: request.xid,
      secs: 0,
      broadcast: request.broadcast,
      ciaddr: Ipv4Addr.any,
      yiaddr: Ipv4Addr.fromNumber(address),
      siaddr: Ipv4Addr.any,
      giaddr: request.giaddr,
      chaddr: request.chaddr,
      options,
    };
  }
}
