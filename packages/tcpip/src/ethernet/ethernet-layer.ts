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
  type Network,
  type Result,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { ethernetLog as log } from "../internal/logs.js";
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

/**
 * An Ethernet II layer.
 *
 * @public
 */
export class EthernetLayer implements Ethernet {
  readonly #netif: Network;
  readonly #stats: EthernetStats = { rxFrames: 0, txFrames: 0, rxTruncated: 0, rxNotForUs: 0, rxUnknownType: 0, txErrors: 0 };

  /** Creates the layer over `netif`. */
  constructor(netif: Network) {
    this.#netif = netif;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ethernet.write} */
  async write(
    dst: Macaddr,
    proto: EtherProto,
    fill: FillFunction,
    options: EthernetWriteOptions = {},
  ): Promise<Result<void, EthernetError>> {
    const size = options.size ?? this.#netif.mtu();
    if (size > this.#netif.mtu()) return err({ kind: "exceeds_mtu" });
    const header = { dst, src: options.src ?? this.#netif.mac(), ethertype: ETHERTYPES[proto] };
    const result = await this.#netif.write(ETHERNET_HEADER_SIZE + size, (frame) => {
      encodeEthernetHeader(header, frame);
      return ETHERNET_HEADER_SIZE + fill(frame.subarray(ETHERNET_HEADER_SIZE));
    });
    if (!result.ok) {
      this.#stats.txErrors++;
      log.debug(() => `write of a ${proto} frame to ${dst.toString()} failed: ${result.error.kind}`);
      return err({ kind: "netif", error: result.error });
    }
    this.#stats.txFrames++;
    return ok();
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Ethernet.input} */
  async input(frame: Uint8Array, handlers: EthernetHandlers): Promise<void> {
    const decoded = decodeEthernetFrame(frame);
    if (!decoded.ok) {
      this.#stats.rxTruncated++;
      log.debug(() => `dropped a frame: ${decoded.error}`);
      return;
    }
    const { header, payload } = decoded.value;
    if (!header.dst.equals(this.#netif.mac()) && header.dst.isUnicast()) {
      this.#stats.rxNotForUs++;
      return;
    }
    switch (header.ethertype) {
      case Ethertype.arp:
        this.#stats.rxFrames++;
        return handlers.arpv4(payload);
      case Ethertype.ipv4:
        this.#stats.rxFrames++;
        return handlers.ipv4(payload);
      case Ethertype.ipv6:
        this.#stats.rxFrames++;
        return handlers.ipv6(payload);
      default:
        this.#stats.rxUnknownType++;
        log.debug(() => `dropped a frame of ethertype 0x${header.ethertype.toString(16).padStart(4, "0")}`);
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
