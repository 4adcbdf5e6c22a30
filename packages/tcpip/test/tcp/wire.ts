/**
 * A minimal network for TCP tests: `FakeIp` implements mirage-types' `Ip` for IPv4 addresses (real
 * pseudo-header, so checksums are computed and verified for real), and `Wire` carries what one
 * endpoint writes to the other's TCP input over a link with delay, bandwidth, a bounded queue and
 * seeded loss, duplication, reordering and corruption, all timed on a VirtualClock.
 *
 * Only the `Ip` boundary is faked: moving these tests onto vnetif + ethernet + IPv4 means building
 * the two `Ip` layers from those instead and keeping everything above unchanged.
 */

import {
  type FillFunction,
  type Ip,
  type IpError,
  type IpHandlers,
  type IpProto,
  type IpWriteOptions,
  Ipv4Addr,
  Ipv4Prefix,
  type Result,
  ok,
} from "@mirage-ts/mirage-types";
import { SeededRandom, type VirtualClock } from "@mirage-ts/tcpip";

/** Receives what crossed the wire: the transport payload with its addresses. */
export type Deliver = (src: Ipv4Addr, dst: Ipv4Addr, payload: Uint8Array) => void;

const WRITE_OK: Promise<Result<void, IpError>> = Promise.resolve(ok());
const PROTO: Record<IpProto, number> = { tcp: 6, udp: 17, icmp: 1 };

/** An IPv4 `Ip` whose writes go to a callback. */
export class FakeIp implements Ip<Ipv4Addr, Ipv4Prefix> {
  readonly address: Ipv4Addr;
  readonly #send: Deliver;
  readonly #mtu: number;
  written = 0;

  constructor(address: Ipv4Addr, send: Deliver, mtu = 1480) {
    this.address = address;
    this.#send = send;
    this.#mtu = mtu;
  }

  input(_packet: Uint8Array, _handlers: IpHandlers<Ipv4Addr>): Promise<void> {
    return Promise.resolve();
  }

  write(
    dst: Ipv4Addr,
    _proto: IpProto,
    fill: FillFunction,
    payload: readonly Uint8Array[],
    options?: IpWriteOptions<Ipv4Addr>,
  ): Promise<Result<void, IpError>> {
    const size = options?.size ?? 0;
    let length = size;
    for (const part of payload) length += part.length;
    const packet = new Uint8Array(length);
    let offset = fill(packet.subarray(0, size));
    for (const part of payload) {
      packet.set(part, offset);
      offset += part.length;
    }
    this.written++;
    this.#send(options?.src ?? this.address, dst, packet.subarray(0, offset));
    return WRITE_OK;
  }

  pseudoheader(src: Ipv4Addr, dst: Ipv4Addr, proto: IpProto, length: number): Uint8Array {
    const p = new Uint8Array(12);
    src.write(p, 0);
    dst.write(p, 4);
    p[9] = PROTO[proto];
    p[10] = length >>> 8;
    p[11] = length & 0xff;
    return p;
  }

  src(_dst: Ipv4Addr): Ipv4Addr {
    return this.address;
  }

  configuredIps(): Ipv4Prefix[] {
    return [Ipv4Prefix.parse(`${this.address.toString()}/24`)];
  }

  mtu(_dst: Ipv4Addr): number {
    return this.#mtu;
  }

  disconnect(): Promise<void> {
    return Promise.resolve();
  }
}

/** Impairments of one direction of a link. */
export interface LinkOptions {
  /** One-way propagation delay in ms (default 0.5). */
  readonly delayMs?: number;
  /** Bottleneck rate in bits per second (default unlimited). */
  readonly bandwidth?: number;
  /** Longest queueing delay before drop-tail, in ms (default 100; only with a bandwidth). */
  readonly queueMs?: number;
  readonly loss?: number;
  readonly duplicate?: number;
  readonly reorder?: number;
  /** Extra delay of a reordered packet, in ms (default 2). */
  readonly reorderMs?: number;
  readonly corrupt?: number;
}

/** Counters of one direction. */
export interface LinkCounters {
  offered: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  corrupted: number;
  queueDrops: number;
  blackholed: number;
}

/** One direction of a wire. */
export class Link {
  readonly counters: LinkCounters = {
    offered: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    corrupted: 0,
    queueDrops: 0,
    blackholed: 0,
  };
  /** Drops every packet for which it returns true (a vanished peer, a cut cable). */
  blackhole: ((src: Ipv4Addr, dst: Ipv4Addr, payload: Uint8Array) => boolean) | undefined;
  /** Sees every packet offered to the link, before impairments. */
  tap: Deliver | undefined;
  inFlight = 0;
  readonly #clock: VirtualClock;
  readonly #options: LinkOptions;
  readonly #random: SeededRandom;
  #nextFree = 0;
  #deliver: Deliver = () => undefined;

  constructor(clock: VirtualClock, options: LinkOptions, seed: number) {
    this.#clock = clock;
    this.#options = options;
    this.#random = new SeededRandom(seed);
  }

  /** Where packets arrive. */
  connect(deliver: Deliver): void {
    this.#deliver = deliver;
  }

  send(src: Ipv4Addr, dst: Ipv4Addr, packet: Uint8Array): void {
    const o = this.#options;
    const c = this.counters;
    const rnd = this.#random;
    c.offered++;
    this.tap?.(src, dst, packet);
    if (this.blackhole?.(src, dst, packet) === true) {
      c.blackholed++;
      return;
    }
    if (o.loss !== undefined && rnd.nextFloat() < o.loss) {
      c.lost++;
      return;
    }
    const now = this.#clock.now();
    let departure = now;
    if (o.bandwidth !== undefined) {
      const start = Math.max(now, this.#nextFree);
      if (start - now > (o.queueMs ?? 100)) {
        c.queueDrops++;
        return;
      }
      this.#nextFree = start + ((packet.length + 40) * 8 * 1000) / o.bandwidth;
      departure = this.#nextFree;
    }
    const copies = o.duplicate !== undefined && rnd.nextFloat() < o.duplicate ? 2 : 1;
    if (copies === 2) c.duplicated++;
    for (let i = 0; i < copies; i++) {
      let payload = packet;
      if (o.corrupt !== undefined && rnd.nextFloat() < o.corrupt) {
        payload = packet.slice();
        payload[rnd.nextInt(payload.length)]! ^= 1 << rnd.nextInt(8);
        c.corrupted++;
      }
      let delay = departure - now + (o.delayMs ?? 0.5);
      if (o.reorder !== undefined && rnd.nextFloat() < o.reorder) {
        delay += o.reorderMs ?? 2;
        c.reordered++;
      }
      this.inFlight++;
      this.#clock.setTimer(delay, () => {
        this.inFlight--;
        c.delivered++;
        this.#deliver(src, dst, payload);
      });
    }
  }
}

/** Two endpoints and a link each way. */
export class Wire {
  readonly ab: Link;
  readonly ba: Link;
  readonly ipA: FakeIp;
  readonly ipB: FakeIp;

  constructor(
    clock: VirtualClock,
    options: { ab?: LinkOptions; ba?: LinkOptions; seed?: number; mtu?: number; a?: string; b?: string } = {},
  ) {
    const seed = options.seed ?? 1;
    this.ab = new Link(clock, options.ab ?? {}, seed * 2 + 1);
    this.ba = new Link(clock, options.ba ?? options.ab ?? {}, seed * 2 + 2);
    this.ipA = new FakeIp(Ipv4Addr.parse(options.a ?? "10.0.0.1"), (s, d, p) => this.ab.send(s, d, p), options.mtu);
    this.ipB = new FakeIp(Ipv4Addr.parse(options.b ?? "10.0.0.2"), (s, d, p) => this.ba.send(s, d, p), options.mtu);
  }

  /** Packets on the wire in either direction. */
  get inFlight(): number {
    return this.ab.inFlight + this.ba.inFlight;
  }
}
