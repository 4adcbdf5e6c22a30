/**
 * `MovableUdp`: a `Udp` that forwards to one UDP layer and can move its listeners to another. The
 * DHCP client of a {@link DhcpIpv4Layer} talks through it: over the layer's own UDP while the layer
 * receives frames itself, then over the stack's UDP once a stack takes the device over, so renewals
 * keep working without the stack knowing about DHCP.
 *
 * @packageDocumentation
 */

import type { Ipv4Addr, Result, Udp, UdpCallback, UdpError, UdpWriteOptions } from "@mirage-ts/mirage-types";

/** A UDP endpoint whose listeners and writes follow the layer it was last moved to. */
export class MovableUdp implements Udp<Ipv4Addr> {
  #target: Udp<Ipv4Addr>;
  readonly #listeners = new Map<number, UdpCallback<Ipv4Addr>>();

  constructor(target: Udp<Ipv4Addr>) {
    this.#target = target;
  }

  /** Moves every listener to `next`; later writes go through `next`. */
  moveTo(next: Udp<Ipv4Addr>): void {
    for (const [port, callback] of this.#listeners) {
      this.#target.unlisten(port);
      next.listen(port, callback);
    }
    this.#target = next;
  }

  listen(port: number, callback: UdpCallback<Ipv4Addr>): void {
    this.#target.listen(port, callback);
    this.#listeners.set(port, callback);
  }

  unlisten(port: number): void {
    this.#listeners.delete(port);
    this.#target.unlisten(port);
  }

  input(src: Ipv4Addr, dst: Ipv4Addr, datagram: Uint8Array): Promise<void> {
    return this.#target.input(src, dst, datagram);
  }

  write(
    dst: Ipv4Addr,
    dstPort: number,
    payload: Uint8Array,
    options?: UdpWriteOptions<Ipv4Addr>,
  ): Promise<Result<void, UdpError>> {
    return this.#target.write(dst, dstPort, payload, options);
  }

  /** Stops listening on its own ports only: the layer underneath may be shared with a stack. */
  async disconnect(): Promise<void> {
    for (const port of [...this.#listeners.keys()]) this.unlisten(port);
  }
}
