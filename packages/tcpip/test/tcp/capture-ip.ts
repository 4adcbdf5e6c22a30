/**
 * The `Ip` boundary of one TCP layer, for the tests that talk to it segment by segment (the
 * packetdrill-style scripts, the fuzzer): `CaptureIp` implements mirage-types' `Ip` for IPv4 with the
 * real pseudo-header, so checksums are computed and verified for real, and hands every segment the
 * layer writes to a callback at the virtual time it is written. The tests between two layers run on
 * the package's own stacks and VirtualSwitch instead (pair.ts).
 */

import {
  type FillFunction,
  type Ip,
  type IpError,
  type IpHandlers,
  type IpProto,
  type IpWriteOptions,
  type Ipv4Addr,
  Ipv4Prefix,
  type Result,
  ok,
} from "@mirage-ts/mirage-types";

/** Receives what the layer wrote: the transport payload with its addresses. */
export type Written = (src: Ipv4Addr, dst: Ipv4Addr, payload: Uint8Array) => void;

const WRITE_OK: Promise<Result<void, IpError>> = Promise.resolve(ok());
const PROTO: Record<IpProto, number> = { tcp: 6, udp: 17, icmp: 1 };

/** An IPv4 `Ip` whose writes go to a callback. */
export class CaptureIp implements Ip<Ipv4Addr, Ipv4Prefix> {
  readonly address: Ipv4Addr;
  readonly #send: Written;
  readonly #mtu: number;
  written = 0;

  constructor(address: Ipv4Addr, send: Written, mtu = 1480) {
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
