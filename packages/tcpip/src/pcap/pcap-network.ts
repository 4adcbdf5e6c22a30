/**
 * `PcapNetwork`: wraps any {@link @mirage-ts/mirage-types#Network} device so that every frame it sends
 * and receives is also recorded by a {@link PcapWriter}. The stack above uses the wrapper as its device
 * and cannot tell the difference.
 *
 * @packageDocumentation
 */

import {
  type FillFunction,
  FrameFlags,
  type FrameHandler,
  type Macaddr,
  type NetError,
  type NetStats,
  type Network,
  type Result,
} from "@mirage-ts/mirage-types";
import { completePartialChecksum } from "../vnetif/frame-offload.js";
import type { PcapWriter } from "./pcap-writer.js";

/**
 * A network device that records its traffic.
 *
 * @public
 */
export class PcapNetwork implements Network {
  readonly #netif: Network;
  readonly #writer: PcapWriter;

  /** Records the traffic of `netif` with `writer`. */
  constructor(netif: Network, writer: PcapWriter) {
    this.#netif = netif;
    this.#writer = writer;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Network.write} */
  write(size: number, fill: FillFunction): Promise<Result<void, NetError>> {
    return this.#netif.write(size, (buffer) => {
      const length = fill(buffer);
      if (Number.isInteger(length) && length >= 0 && length <= buffer.length)
        this.#writer.record(buffer.subarray(0, length));
      return length;
    });
  }

  /**
   * Delivers every received frame to `handler`, recording it first, until the device is
   * disconnected. A frame whose checksum the device left partial (`FrameFlags.checksumPartial`) is
   * completed first, so the capture shows it as on a wire; the handler gets it flagged
   * `checksumValid`.
   */
  listen(headerSize: number, handler: FrameHandler): Promise<Result<void, NetError>> {
    return this.#netif.listen(headerSize, (frame, flags = 0) => {
      if ((flags & FrameFlags.checksumPartial) !== 0) {
        completePartialChecksum(frame);
        flags = (flags & ~FrameFlags.checksumPartial) | FrameFlags.checksumValid;
      }
      this.#writer.record(frame);
      return handler(frame, flags);
    });
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Network.mac} */
  mac(): Macaddr {
    return this.#netif.mac();
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Network.mtu} */
  mtu(): number {
    return this.#netif.mtu();
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Network.getStatsCounters} */
  getStatsCounters(): NetStats {
    return this.#netif.getStatsCounters();
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Network.resetStatsCounters} */
  resetStatsCounters(): void {
    this.#netif.resetStatsCounters();
  }

  /** Disconnects the wrapped device. */
  disconnect(): Promise<void> {
    return this.#netif.disconnect();
  }
}
