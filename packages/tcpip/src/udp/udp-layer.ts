/**
 * `UdpLayer`: UDP over an IPv4 or IPv6 layer. Listeners are per port; a datagram for a port nobody listens on
 * is reported to an optional hook (the stack wires it to ICMP port unreachable). Non-zero checksums
 * are verified, zero-length datagrams are ordinary, and writes without a source port take a random
 * one from the ephemeral range (49152–65535, RFC 6335).
 *
 * ICMP errors quoting a datagram we sent come in through {@link UdpLayer.icmpError} (the stack routes
 * them from ICMPv4 and ICMPv6) and go to the application's {@link UdpLayer.onIcmpError} callback
 * with the quoted ports (RFC 1122 §4.1.3.3), when the quoted source is one of our addresses.
 *
 * @packageDocumentation
 */

import {
  type Ip,
  type Ipaddr,
  type Ipv4Addr,
  type Random,
  type Result,
  type Udp,
  type UdpCallback,
  type UdpError,
  type UdpIcmpErrorCallback,
  type UdpWriteOptions,
  checkIpaddr,
  err,
} from "@mirage-ts/mirage-types";
import type { IcmpErrorReport } from "../icmp/icmp-error.js";
import { checkPort } from "../internal/checks.js";
import { udpLog as log } from "../internal/logs.js";
import { IPV4_HEADER_SIZE } from "../ipv4/ipv4-packet.js";
import { UDP_HEADER_SIZE, type UdpDecodeError, decodeUdpDatagram, encodeUdpHeader } from "./udp-datagram.js";

/**
 * Options of a {@link UdpLayer}.
 *
 * @public
 */
export interface UdpLayerOptions {
  /** Randomness for source ports. */
  readonly random: Random;
  /**
   * Called with the whole IPv4 datagram when a datagram arrives for a port nobody listens on (the
   * stack sends ICMP port unreachable from it).
   */
  readonly onPortUnreachable?: (datagram: Uint8Array) => void | Promise<void>;
  /** Verify non-zero checksums on receive (default `true`). */
  readonly verifyChecksums?: boolean;
}

/**
 * Counters of a {@link UdpLayer}.
 *
 * @public
 */
export interface UdpStats {
  /** Datagrams received. */
  rxDatagrams: number;
  /** Datagrams handed to a listener. */
  rxDelivered: number;
  /** Datagrams shorter than the header, dropped. */
  rxTruncated: number;
  /** Datagrams whose length field disagrees with the packet, dropped. */
  rxBadLength: number;
  /** Datagrams with a bad non-zero checksum, dropped. */
  rxBadChecksum: number;
  /** Datagrams for a port nobody listens on. */
  rxNoListener: number;
  /** Datagrams sent. */
  txDatagrams: number;
  /** ICMP errors about our datagrams handed to the {@link UdpLayer.onIcmpError} callback. */
  rxIcmpErrors: number;
  /**
   * ICMP errors dropped: no callback set, the quote holds no UDP header, or its source is not one
   * of our addresses.
   */
  rxIcmpErrorsDropped: number;
  /** Ports listened on now. */
  listeners: number;
}

const EPHEMERAL_FIRST = 49152;
const EPHEMERAL_COUNT = 65536 - EPHEMERAL_FIRST;
const MAX_PAYLOAD = 0xffff - IPV4_HEADER_SIZE - UDP_HEADER_SIZE;
const DECODE_COUNTERS = {
  truncated: "rxTruncated",
  bad_length: "rxBadLength",
  bad_checksum: "rxBadChecksum",
} as const satisfies Record<UdpDecodeError["kind"], keyof UdpStats>;

/**
 * A UDP layer over an IP layer: IPv4 (the default type parameter) or IPv6.
 *
 * @public
 */
export class UdpLayer<A extends Ipaddr = Ipv4Addr> implements Udp<A> {
  readonly #ip: Ip<A, unknown>;
  readonly #random: Random;
  readonly #onPortUnreachable: ((datagram: Uint8Array) => void | Promise<void>) | undefined;
  readonly #verify: boolean;
  readonly #listeners = new Map<number, UdpCallback<A>>();
  #onIcmpError: UdpIcmpErrorCallback<A> | undefined;
  #disconnected = false;
  readonly #stats = {
    rxDatagrams: 0,
    rxDelivered: 0,
    rxTruncated: 0,
    rxBadLength: 0,
    rxBadChecksum: 0,
    rxNoListener: 0,
    txDatagrams: 0,
    rxIcmpErrors: 0,
    rxIcmpErrorsDropped: 0,
  };

  constructor(ip: Ip<A, unknown>, options: UdpLayerOptions) {
    this.#ip = ip;
    this.#random = options.random;
    this.#onPortUnreachable = options.onPortUnreachable;
    this.#verify = options.verifyChecksums ?? true;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Udp.listen} */
  listen(port: number, callback: UdpCallback<A>): void {
    checkPort(port);
    this.#listeners.set(port, callback);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Udp.unlisten} */
  unlisten(port: number): void {
    this.#listeners.delete(port);
  }

  /**
   * {@inheritDoc @mirage-ts/mirage-types#Udp.onIcmpError}
   *
   * @example
   * ```ts
   * udp.onIcmpError((e) => {
   *   if (e.kind === "port_unreachable") console.log(`nobody listens on ${e.dst}:${e.dstPort}`);
   * });
   * ```
   *
   * @beta
   */
  onIcmpError(callback: UdpIcmpErrorCallback<A> | undefined): void {
    this.#onIcmpError = callback;
  }

  /**
   * Takes an ICMP error quoting a UDP datagram (the stack calls it from the ICMPv4 and ICMPv6
   * layers' error handlers) and hands it to the {@link UdpLayer.onIcmpError} callback when its
   * quote holds a UDP header sent from one of our addresses.
   *
   * @beta
   */
  icmpError(report: IcmpErrorReport<A>): void {
    const callback = this.#onIcmpError;
    const quote = report.payload;
    if (this.#disconnected || callback === undefined || quote.length < UDP_HEADER_SIZE || !this.#isOurs(report.src)) {
      this.#stats.rxIcmpErrorsDropped++;
      return;
    }
    this.#stats.rxIcmpErrors++;
    callback({
      kind: report.kind,
      from: report.from,
      type: report.type,
      code: report.code,
      nextHopMtu: report.nextHopMtu,
      src: report.src,
      srcPort: (quote[0]! << 8) | quote[1]!,
      dst: report.dst,
      dstPort: (quote[2]! << 8) | quote[3]!,
      quote: quote.slice(UDP_HEADER_SIZE),
    });
  }

  /**
   * Handles a received UDP datagram (the IP payload). `ipDatagram`, the whole IPv4 datagram, lets the
   * layer report a closed port.
   */
  async input(src: A, dst: A, datagram: Uint8Array, ipDatagram?: Uint8Array): Promise<void> {
    if (this.#disconnected) return;
    this.#stats.rxDatagrams++;
    const decoded = decodeUdpDatagram(src, dst, datagram, this.#verify);
    if (!decoded.ok) {
      this.#stats[DECODE_COUNTERS[decoded.error.kind]]++;
      log.debug(() => `dropped a datagram from ${src.toString()}: ${decoded.error.message}`);
      return;
    }
    const { srcPort, dstPort, payload } = decoded.value;
    const listener = this.#listeners.get(dstPort);
    if (listener === undefined) {
      this.#stats.rxNoListener++;
      if (ipDatagram !== undefined && this.#onPortUnreachable !== undefined) await this.#onPortUnreachable(ipDatagram);
      return;
    }
    this.#stats.rxDelivered++;
    await listener(src, dst, srcPort, payload);
  }

  /**
   * Sends `payload` to `dst`:`dstPort`, from a random ephemeral port unless `options.srcPort` is given.
   *
   * @throws RangeError if a port is out of range or the payload exceeds 65507 bytes; TypeError if `dst` is
   * not an address (text from JavaScript: `Ipv4Addr.parse("10.0.0.1")` makes one).
   */
  async write(
    dst: A,
    dstPort: number,
    payload: Uint8Array,
    options: UdpWriteOptions<A> = {},
  ): Promise<Result<void, UdpError>> {
    checkIpaddr(dst, "write: dst");
    checkPort(dstPort);
    if (options.srcPort !== undefined) checkPort(options.srcPort);
    if (payload.length > MAX_PAYLOAD)
      throw new RangeError(`a UDP payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD}`);
    if (this.#disconnected) return err({ kind: "no_route", reason: "the UDP layer is disconnected" });
    const src = options.src ?? this.#ip.src(dst);
    const srcPort = options.srcPort ?? this.#ephemeralPort();
    const ipOptions =
      options.ttl === undefined ? { src, size: UDP_HEADER_SIZE } : { src, size: UDP_HEADER_SIZE, ttl: options.ttl };
    const result = await this.#ip.write(
      dst,
      "udp",
      (header) => {
        encodeUdpHeader(src, dst, srcPort, dstPort, payload, header);
        return UDP_HEADER_SIZE;
      },
      [payload],
      ipOptions,
    );
    if (result.ok) this.#stats.txDatagrams++;
    return result;
  }

  /** A snapshot of the counters. */
  stats(): UdpStats {
    return { ...this.#stats, listeners: this.#listeners.size };
  }

  /** Removes every listener; later datagrams are dropped and writes fail. */
  async disconnect(): Promise<void> {
    this.#disconnected = true;
    this.#listeners.clear();
    this.#onIcmpError = undefined;
  }

  #isOurs(address: A): boolean {
    // The layer holds its IP layer as `Ip<A, unknown>`; every prefix type of ours has an `address`.
    return this.#ip.configuredIps().some((cidr) => (cidr as { readonly address: Ipaddr }).address.equals(address));
  }

  #ephemeralPort(): number {
    const bytes = this.#random.generate(2);
    return EPHEMERAL_FIRST + (((bytes[0]! << 8) | bytes[1]!) % EPHEMERAL_COUNT);
  }
}
