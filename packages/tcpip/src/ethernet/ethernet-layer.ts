/**
 * `EthernetLayer`: the link layer over a {@link @mirage-ts/mirage-types#Network} device. It frames
 * outgoing payloads with a fill function (no intermediate copy), and demultiplexes received frames by
 * ethertype, keeping only those addressed to its MAC, to broadcast or to multicast.
 *
 * @packageDocumentation
 */

import {
  type EtherProto,
  type Ethernet,
  type EthernetError,
  type EthernetHandlers,
  type EthernetWriteOptions,
  type FillFunction,
  type Macaddr,
  type NetError,
  type NetOffloads,
  type Network,
  type Result,
  err,
} from "@mirage-ts/mirage-types";
import { KnownOutcome } from "../internal/known-outcome.js";
import { ethernetLog as log } from "../internal/logs.js";
import { DONE, settled } from "../internal/settled.js";
import { ETHERNET_HEADER_SIZE, Ethertype, decodeEthernetFrame, encodeEthernetHeader } from "./ethernet-frame.js";

/**
 * Counters of an {@link EthernetLayer}.
 *
 * @public
 */
export interface EthernetStats {
  /** Frames handed to a protocol handler. */
  rxFrames: number;
  /** Frames written to the device. */
  txFrames: number;
  /** Frames shorter than the header. */
  rxTruncated: number;
  /** Unicast frames for another MAC. */
  rxNotForUs: number;
  /** Frames with an ethertype the layer does not handle (VLAN tags, 802.3 lengths, others). */
  rxUnknownType: number;
  /** Writes the device refused. */
  txErrors: number;
}

const ETHERTYPES: Readonly<Record<EtherProto, number>> = Ethertype;
const EXCEEDS_MTU: Promise<Result<never, EthernetError>> = Promise.resolve(err({ kind: "exceeds_mtu" }));

/**
 * An Ethernet II layer.
 *
 * @public
 */
export class EthernetLayer implements Ethernet {
  readonly #netif: Network;
  readonly #stats: EthernetStats = {
    rxFrames: 0,
    txFrames: 0,
    rxTruncated: 0,
    rxNotForUs: 0,
    rxUnknownType: 0,
    txErrors: 0,
  };
  readonly #writes = new KnownOutcome<NetError, EthernetError>();
  readonly #written = (result: Result<void, NetError>): Result<void, EthernetError> => {
    if (!result.ok) {
      this.#stats.txErrors++;
      log.debug(() => `a frame write failed: ${result.error.kind}`);
      return err({ kind: "netif", error: result.error });
    }
    this.#stats.txFrames++;
    return result;
  };

  /** Creates the layer over `netif`. */
  constructor(netif: Network) {
    this.#netif = netif;
  }

  // Neither method is `async`: a frame passes between the device and the layer above without a
  // promise of this layer's own.
  /** {@inheritDoc @mirage-ts/mirage-types#Ethernet.write} */
  write(
    dst: Macaddr,
    proto: EtherProto,
    fill: FillFunction,
    options: EthernetWriteOptions = {},
  ): Promise<Result<void, EthernetError>> {
    const size = options.size ?? this.#netif.mtu();
    const offload = options.offload;
    if (size > this.#netif.mtu() && !(offload !== undefined && offload.gsoSize > 0 && this.#fitsSegmented(size)))
      return EXCEEDS_MTU;
    const header = { dst, src: options.src ?? this.#netif.mac(), ethertype: ETHERTYPES[proto] };
    try {
      const frameFill = (frame: Uint8Array): number => {
        encodeEthernetHeader(header, frame);
        return ETHERNET_HEADER_SIZE + fill(frame.subarray(ETHERNET_HEADER_SIZE));
      };
      const netif = this.#netif;
      const written =
        offload !== undefined && netif.writeOffloaded !== undefined
          ? netif.writeOffloaded(ETHERNET_HEADER_SIZE + size, frameFill, offload)
          : netif.write(ETHERNET_HEADER_SIZE + size, frameFill);
      return this.#writes.map(written, this.#written, undefined);
    } catch (error) {
      // A device or fill function that throws rejects, as it would from an `async` method.
      return Promise.reject(error);
    }
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ethernet.offloads} */
  offloads(): NetOffloads | undefined {
    return this.#netif.offloads?.();
  }

  // A payload above the MTU goes only to a device that segments it, within its largest frame.
  #fitsSegmented(size: number): boolean {
    const offloads = this.#netif.writeOffloaded === undefined ? undefined : this.#netif.offloads?.();
    return offloads !== undefined && ETHERNET_HEADER_SIZE + size <= offloads.maxFrame;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ethernet.input} */
  input(frame: Uint8Array, handlers: EthernetHandlers, flags = 0): Promise<void> {
    const decoded = decodeEthernetFrame(frame);
    if (!decoded.ok) {
      this.#stats.rxTruncated++;
      log.debug(() => `dropped a frame: ${decoded.error.message}`);
      return DONE;
    }
    const { header, payload } = decoded.value;
    if (!header.dst.equals(this.#netif.mac()) && header.dst.isUnicast()) {
      this.#stats.rxNotForUs++;
      return DONE;
    }
    try {
      switch (header.ethertype) {
        case Ethertype.arp:
          this.#stats.rxFrames++;
          return settled(handlers.arpv4(payload));
        case Ethertype.ipv4:
          this.#stats.rxFrames++;
          return settled(handlers.ipv4(payload, flags));
        case Ethertype.ipv6:
          this.#stats.rxFrames++;
          return settled(handlers.ipv6(payload, flags));
        default:
          this.#stats.rxUnknownType++;
          log.debug(() => `dropped a frame of ethertype 0x${header.ethertype.toString(16).padStart(4, "0")}`);
          return DONE;
      }
    } catch (error) {
      // A handler that throws rejects the returned promise, as it would from an `async` method.
      return Promise.reject(error);
    }
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ethernet.mac} */
  mac(): Macaddr {
    return this.#netif.mac();
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ethernet.mtu} */
  mtu(): number {
    return this.#netif.mtu();
  }

  /** A snapshot of the counters. */
  stats(): EthernetStats {
    return { ...this.#stats };
  }

  /** Does nothing: the layer holds no resources; the network device is its owner's to disconnect. */
  async disconnect(): Promise<void> {}
}
