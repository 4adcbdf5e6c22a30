/**
 * `VirtualSwitch`: an in-process Ethernet switch for tests and simulations (the `vnetif` of
 * mirage-tcpip, with more faults). Each {@link VirtualSwitch.connect} gives a port whose device
 * implements {@link @mirage-ts/mirage-types#Network}; frames cross the sender's link, the switch, and
 * the receiver's link, each link applying its {@link LinkImpairments}. Every delivery is a timer on
 * the injected clock and every fault a draw from the injected generator, so with a
 * {@link VirtualClock} and a {@link SeededRandom} a run is deterministic and takes no real time.
 *
 * The switch forwards unicast frames to the port with that MAC and floods broadcast, multicast and
 * unknown destinations to every other port. Every frame is delivered in a buffer of its own that the
 * switch never touches again, flagged `FrameFlags.owned`: a stack may keep what it received (a TCP
 * receiver hands large segments to the application uncopied).
 *
 * @packageDocumentation
 */

import {
  type FillFunction,
  FrameFlags,
  type FrameHandler,
  type FrameOffload,
  Macaddr,
  type NetError,
  type NetOffloads,
  type NetStats,
  type Network,
  type Random,
  type Result,
  err,
  ok,
} from "@mirage-ts/mirage-types";
import { checkInteger } from "../internal/checks.js";
import { OK } from "../internal/settled.js";
import type { Clock } from "../time/clock.js";
import { completePartialChecksum, segmentTcp } from "./frame-offload.js";
import { FrameSlab } from "./frame-slab.js";
import { LinkDirection, checkImpairments } from "./link-direction.js";
import type { LinkImpairments, LinkStats } from "./link-impairments.js";

const DISCONNECTED: Promise<Result<never, NetError>> = Promise.resolve(err({ kind: "disconnected" }));
const INVALID_LENGTH: Promise<Result<never, NetError>> = Promise.resolve(err({ kind: "invalid_length" }));
/** What a port with `offload` does, as a veth pair: checksums, and TCP segments of up to 64 KiB. */
const PORT_OFFLOADS: NetOffloads = { checksum: true, tcpv4: true, tcpv6: true, maxFrame: 14 + 65535 };

/**
 * Options of a {@link VirtualSwitch}.
 *
 * @public
 */
export interface VirtualSwitchOptions {
  /** The clock every delivery is timed on (a {@link VirtualClock} in tests). */
  readonly clock: Clock;
  /** The generator of every fault and default MAC (a {@link SeededRandom} in tests). */
  readonly random: Random;
}

/**
 * Options of a port, given to {@link VirtualSwitch.connect}.
 *
 * @public
 */
export interface VirtualPortOptions {
  /** The device's MAC (default: a random locally administered one). */
  readonly mac?: Macaddr;
  /** The device's MTU (default 1500). */
  readonly mtu?: number;
  /**
   * The impairments of the port's link (default: none).
   *
   * @beta
   */
  readonly link?: LinkImpairments;
  /**
   * Offer {@link @mirage-ts/mirage-types#NetOffloads} as a veth device does (default false): the
   * stack may write IPv4 and IPv6 TCP frames of up to 64 KiB with partial checksums. The switch
   * carries such a frame whole to a port that offers offloads too, its checksum left partial and the
   * frame flagged `FrameFlags.checksumPartial` (so neither end sums it, as between two virtio-net
   * devices); a port that does not gets it cut into segments of the sender's size, every checksum
   * complete.
   *
   * @beta
   */
  readonly offload?: boolean;
}

/**
 * A device on a {@link VirtualSwitch}: a {@link @mirage-ts/mirage-types#Network} with its link's counters.
 *
 * @public
 */
export interface VirtualNetif extends Network {
  /**
   * The counters of the link towards the switch (`tx`) and from it (`rx`).
   *
   * @beta
   */
  linkStats(): { readonly tx: LinkStats; readonly rx: LinkStats };
  /**
   * Replaces the link's impairments, for example to cut it (`{ loss: 1 }`) and restore it: in both
   * directions, or in `direction` only (`tx`: frames from the device, `rx`: frames to it), for an
   * asymmetric link.
   *
   * @beta
   */
  setLink(link: LinkImpairments, direction?: "tx" | "rx"): void;
  /**
   * Frames that arrived while nobody listened or after disconnect, and handler errors caught.
   *
   * @beta
   */
  dropStats(): { readonly notListening: number; readonly handlerErrors: number };
}

/**
 * An in-process Ethernet switch with fault-injecting links.
 *
 * @public
 */
export class VirtualSwitch {
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #ports: Port[] = [];

  constructor(options: VirtualSwitchOptions) {
    this.#clock = options.clock;
    this.#random = options.random;
  }

  /**
   * Adds a port and returns its device.
   *
   * @throws RangeError if the MTU or an impairment is invalid.
   */
  connect(options: VirtualPortOptions = {}): VirtualNetif {
    const mtu = options.mtu ?? 1500;
    checkInteger("vnetif mtu", mtu, 68);
    const link = options.link ?? {};
    checkImpairments(link);
    const port: Port = new Port(
      {
        forward: (frame, gsoSize, flags) => this.#forward(port, frame, gsoSize, flags),
        detach: () => this.#ports.splice(this.#ports.indexOf(port), 1),
      },
      options.mac ?? Macaddr.makeLocal(this.#random.generate(6)),
      mtu,
      new LinkDirection(this.#clock, this.#random, link),
      new LinkDirection(this.#clock, this.#random, link),
      options.offload === true,
    );
    this.#ports.push(port);
    return port;
  }

  /**
   * Forwards a frame that crossed `from`'s uplink; `gsoSize` is not 0 for a frame to segment, `flags`
   * its `FrameFlags`.
   */
  #forward(from: Port, frame: Uint8Array, gsoSize: number, flags: number): void {
    const dst = frame.length >= 6 ? Macaddr.read(frame, 0) : Macaddr.broadcast;
    if (dst.isUnicast()) {
      for (const port of this.#ports) {
        if (port !== from && port.macaddr.equals(dst)) {
          this.#deliver(port, frame, gsoSize, flags);
          return;
        }
      }
    }
    const targets = this.#ports.filter((port) => port !== from);
    // Each receiver gets its own copy: a link may corrupt it, and a stack may reuse it.
    for (const [i, port] of targets.entries())
      this.#deliver(port, i === targets.length - 1 ? frame : frame.slice(), gsoSize, flags);
  }

  /**
   * Hands a frame to `port`: as it is if the port offers offloads, else as a wire would carry it (cut
   * into segments of `gsoSize`, a partial checksum completed).
   */
  #deliver(port: Port, frame: Uint8Array, gsoSize: number, flags: number): void {
    if (port.offloads() !== undefined) {
      port.fromSwitch(frame, flags);
      return;
    }
    const segments = gsoSize === 0 ? undefined : segmentTcp(frame, gsoSize);
    if (segments === undefined) {
      if ((flags & FrameFlags.checksumPartial) !== 0) completePartialChecksum(frame);
      port.fromSwitch(frame, 0);
      return;
    }
    for (const segment of segments) port.fromSwitch(segment, 0);
  }
}

/** What a port needs from its switch. */
interface Fabric {
  forward(frame: Uint8Array, gsoSize: number, flags: number): void;
  detach(): void;
}

/** A switch port and the device on it. */
class Port implements VirtualNetif {
  readonly #fabric: Fabric;
  readonly macaddr: Macaddr;
  readonly #mtu: number;
  readonly #up: LinkDirection;
  readonly #down: LinkDirection;
  #handler: FrameHandler | undefined;
  #stopListening: (() => void) | undefined;
  #disconnected = false;
  #stats: NetStats = { rxBytes: 0, rxPkts: 0, txBytes: 0, txPkts: 0 };
  readonly #frames = new FrameSlab();
  readonly #drops = { notListening: 0, handlerErrors: 0 };
  // The links' delivery callbacks, made once rather than per frame.
  readonly #toSwitch = (frame: Uint8Array, flags: number): void => this.#fabric.forward(frame, 0, flags);
  readonly #offloads: NetOffloads | undefined;
  readonly #fromLink = (frame: Uint8Array, flags: number): void => this.#receive(frame, flags);
  readonly #onHandlerError = (): void => {
    this.#drops.handlerErrors++;
  };

  constructor(fabric: Fabric, mac: Macaddr, mtu: number, up: LinkDirection, down: LinkDirection, offload: boolean) {
    this.#fabric = fabric;
    this.#offloads = offload ? PORT_OFFLOADS : undefined;
    this.macaddr = mac;
    this.#mtu = mtu;
    this.#up = up;
    this.#down = down;
  }

  // Not `async`: the frame is on the link when this returns, and the result is a shared promise.
  write(size: number, fill: FillFunction): Promise<Result<void, NetError>> {
    return this.#write(size, fill, undefined);
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Network.writeOffloaded} */
  writeOffloaded(size: number, fill: FillFunction, offload: FrameOffload): Promise<Result<void, NetError>> {
    return this.#write(size, fill, offload);
  }

  #write(size: number, fill: FillFunction, offload: FrameOffload | undefined): Promise<Result<void, NetError>> {
    if (this.#disconnected) return DISCONNECTED;
    // A buffer of its own (never reused): whoever receives the frame may keep it.
    const buffer = this.#frames.take(size);
    let length: number;
    try {
      length = fill(buffer);
    } catch (error) {
      return Promise.reject(error);
    }
    const gsoSize = this.#offloads === undefined ? 0 : (offload?.gsoSize ?? 0);
    const largest = gsoSize > 0 ? this.#offloads!.maxFrame : this.#mtu + 14;
    if (!Number.isInteger(length) || length < 0 || length > size || length > largest) return INVALID_LENGTH;
    this.#stats.txPkts++;
    this.#stats.txBytes += length;
    const frame = length === size ? buffer : buffer.subarray(0, length);
    // A partial checksum stays so up to a port without offloads, where it is completed.
    const flags = this.#offloads !== undefined && offload?.partialChecksum === true ? FrameFlags.checksumPartial : 0;
    // A frame above the MTU is cut where it reaches a port without offloads.
    if (gsoSize > 0 && length > this.#mtu + 14) {
      this.#up.transmit(frame, (sent, kept) => this.#fabric.forward(sent, gsoSize, kept), flags);
    } else {
      this.#up.transmit(frame, this.#toSwitch, flags);
    }
    return OK;
  }

  /** {@inheritDoc @mirage-ts/mirage-types#Network.offloads} */
  offloads(): NetOffloads | undefined {
    return this.#offloads;
  }

  listen(_headerSize: number, handler: FrameHandler): Promise<Result<void, NetError>> {
    if (this.#disconnected) return Promise.resolve(err({ kind: "disconnected" }));
    this.#stopListening?.();
    this.#handler = handler;
    return new Promise((resolve) => {
      this.#stopListening = () => resolve(ok());
    });
  }

  /** A frame from the switch, with its `FrameFlags`, enters the port's downlink. */
  fromSwitch(frame: Uint8Array, flags: number): void {
    this.#down.transmit(frame, this.#fromLink, flags);
  }

  #receive(frame: Uint8Array, flags: number): void {
    const handler = this.#handler;
    if (this.#disconnected || handler === undefined) {
      this.#drops.notListening++;
      return;
    }
    this.#stats.rxPkts++;
    this.#stats.rxBytes += frame.length;
    try {
      const done = handler(frame, flags | FrameFlags.owned);
      if (done instanceof Promise) done.then(undefined, this.#onHandlerError);
    } catch {
      this.#drops.handlerErrors++;
    }
  }

  mac(): Macaddr {
    return this.macaddr;
  }

  mtu(): number {
    return this.#mtu;
  }

  getStatsCounters(): NetStats {
    return { ...this.#stats };
  }

  resetStatsCounters(): void {
    this.#stats = { rxBytes: 0, rxPkts: 0, txBytes: 0, txPkts: 0 };
  }

  linkStats(): { readonly tx: LinkStats; readonly rx: LinkStats } {
    return { tx: { ...this.#up.stats }, rx: { ...this.#down.stats } };
  }

  setLink(link: LinkImpairments, direction?: "tx" | "rx"): void {
    checkImpairments(link);
    if (direction !== "rx") this.#up.impairments = link;
    if (direction !== "tx") this.#down.impairments = link;
  }

  dropStats(): { readonly notListening: number; readonly handlerErrors: number } {
    return { ...this.#drops };
  }

  async disconnect(): Promise<void> {
    if (this.#disconnected) return;
    this.#disconnected = true;
    this.#handler = undefined;
    this.#fabric.detach();
    this.#stopListening?.();
    this.#stopListening = undefined;
  }
}
