/**
 * `Ethernet`: the link layer above a {@link Network} (`Ethernet.S`).
 *
 * @packageDocumentation
 */

import type { Device } from "./device.js";
import { printError } from "./internal/error-text.js";
import type { Macaddr } from "./macaddr.js";
import {
  type FillFunction,
  type FrameFlags,
  type FrameOffload,
  type NetError,
  type NetOffloads,
  ppNetError,
} from "./network.js";
import type { Result } from "./result.js";

/**
 * The payload protocols ethernet demultiplexes (`Ethernet.Packet.proto`).
 *
 * @public
 */
export type EtherProto = "arp" | "ipv4" | "ipv6";

/**
 * Ethernet errors: a payload larger than the MTU, or an error of the network device below.
 *
 * @public
 */
export type EthernetError = { readonly kind: "exceeds_mtu" } | { readonly kind: "netif"; readonly error: NetError };

/**
 * Handlers for the payloads `Ethernet.input` demultiplexes; each gets the frame's payload and the
 * device's {@link FrameFlags} for the frame.
 *
 * @public
 */
export interface EthernetHandlers {
  readonly arpv4: (payload: Uint8Array) => void | Promise<void>;
  readonly ipv4: (payload: Uint8Array, flags?: number) => void | Promise<void>;
  readonly ipv6: (payload: Uint8Array, flags?: number) => void | Promise<void>;
}

/**
 * Options of {@link Ethernet.write}.
 *
 * @public
 */
export interface EthernetWriteOptions {
  /** Source MAC; the interface's own by default. */
  readonly src?: Macaddr;
  /** Payload buffer size handed to the fill function; the MTU by default. */
  readonly size?: number;
  /**
   * The device offloads the frame asks for; with a `gsoSize`, `size` may exceed the MTU up to the
   * device's `maxFrame`.
   *
   * @beta
   */
  readonly offload?: FrameOffload;
}

/**
 * An ethernet layer.
 *
 * @public
 */
export interface Ethernet extends Device {
  /**
   * Sends a frame to `dst`: `fill` writes the payload into a zeroed buffer and returns its length.
   */
  write(
    dst: Macaddr,
    proto: EtherProto,
    fill: FillFunction,
    options?: EthernetWriteOptions,
  ): Promise<Result<void, EthernetError>>;
  /**
   * Parses a received frame and hands its payload to the handler of its protocol, with `flags` (the
   * device's {@link FrameFlags} for the frame); drops others.
   */
  input(frame: Uint8Array, handlers: EthernetHandlers, flags?: number): Promise<void>;
  /** The interface's MAC address. */
  mac(): Macaddr;
  /** The largest payload a frame can carry. */
  mtu(): number;
  /**
   * The offloads of the device below, if any.
   *
   * @beta
   */
  offloads?(): NetOffloads | undefined;
}

/**
 * Prints an ethernet error with upstream's text.
 *
 * @public
 */
export function ppEthernetError(error: EthernetError): string {
  return printError(error, {
    exceeds_mtu: "exceeds MTU",
    netif: (netif) => ppNetError(netif.error),
  });
}
