/**
 * `connectTap`: a network device on a Linux tap interface, through the package's native addon
 * (`mirage-net-unix`).
 *
 * @packageDocumentation
 */

import { closeSync } from "node:fs";
import {
  FrameFlags,
  type FrameOffload,
  type Macaddr,
  type NetError,
  type NetOffloads,
  type Network,
  type Result,
  completeChecksum,
  err,
  netifIdentity,
} from "@mirage-ts/mirage-types";
import {
  DEFAULT_QUEUE_LENGTH,
  type DropCounts,
  type FrameBackend,
  FrameDevice,
  checkQueueLength,
  netifLog,
} from "../internal/frame-device.js";
import { netDevDrops } from "../internal/host-counters.js";
import { dispatch } from "../internal/iteration.js";
import { errorCode } from "../internal/system-error.js";
import { type TapAddon, loadTapAddon, tapAddonProblem } from "../internal/tap-addon.js";
import { TapWriteQueue } from "../internal/tap-write-queue.js";
import {
  DATA_VALID,
  NEEDS_CSUM,
  TunOffload,
  VNET_HEADER_SIZE,
  decodeVirtioNetHeader,
  encodeVirtioNetHeader,
  offloadHeader,
} from "../internal/virtio-net-header.js";
import { unixRandom } from "../random.js";

/**
 * Options of {@link connectTap}.
 *
 * @public
 */
export interface TapOptions {
  /** The device's MAC address; a random locally administered one by default. */
  readonly mac?: Macaddr;
  /** The MTU the device reports (the frame payload, without the 14-byte header); 1500 by default. */
  readonly mtu?: number;
  /**
   * Set the interface up if it is down, as mirage-net-unix does (true by default). Needs
   * CAP_NET_ADMIN; with `false`, whoever made the interface brings it up.
   */
  readonly bringUp?: boolean;
  /**
   * The interface's transmit queue length (`txqueuelen`), from 1 to 524288: how many frames the
   * kernel holds for the device while the unikernel is not reading; it drops the rest (counted in
   * `rxDropped`). Set when connecting, which needs CAP_NET_ADMIN unless the interface already has
   * this length. By default the queue is raised to 4096 frames, enough for 2000 clients connecting
   * at once, and never lowered; without CAP_NET_ADMIN the default is skipped with a warning.
   */
  readonly queueLength?: number;
  /**
   * Use the tap's virtio-net header (`IFF_VNET_HDR`) where the kernel has it: the stack may then send
   * TCP segments of up to 64 KiB with partial checksums for the kernel to segment and checksum, and
   * the kernel hands over its large (GRO) segments, whose partial checksums are completed here. True
   * by default unless the environment has `MIRAGE_TAP_OFFLOAD=0`; without kernel support, or with
   * `false`, every frame is a plain one as before.
   *
   * @beta
   */
  readonly offload?: boolean;
}

/**
 * A network device on a tap interface.
 *
 * @public
 */
export interface Tap extends Network {
  /** The interface's name (the kernel's choice when a pattern like `tap%d` was given). */
  readonly name: string;
  /** The interface's transmit queue length after connecting, in frames (see {@link TapOptions.queueLength}). */
  readonly queueLength: number;
  /**
   * The offloads the tap performs for frames the stack writes (see {@link TapOptions.offload}), or
   * `undefined` when its frames carry no virtio-net header.
   *
   * @beta
   */
  offloads(): NetOffloads | undefined;
}

/** The offloads a tap with a virtio-net header performs on write, whatever it hands over on read. */
const TAP_OFFLOADS: NetOffloads = { checksum: true, tcpv4: true, tcpv6: true, maxFrame: 14 + 65535 };
/** What the kernel may hand us: partial checksums and large TCP segments, which the stack takes whole. */
const WANTED_RX_OFFLOADS = TunOffload.csum | TunOffload.tso4 | TunOffload.tso6;
/** The header of a frame that asks for nothing. */
const PLAIN = new Uint8Array(VNET_HEADER_SIZE);
/** The bytes around an ethernet frame's payload: its header and one VLAN tag. */
const FRAMING = 14 + 4;

type Batch = readonly [data: Uint8Array, ends: Uint32Array, error: string | undefined];

/** Read errors meaning the interface no longer exists. */
const gone = new Set(["EBADF", "EBADFD", "ENXIO", "ENODEV"]);

class TapBackend implements FrameBackend {
  readonly #addon: TapAddon;
  readonly #fd: number;
  readonly #name: string;
  readonly #vnetHeader: boolean;
  /** The longest frame written without segmentation: the MTU, the ethernet header and a VLAN tag. */
  readonly #maxFrame: number;
  /** Frames are batched there and written at the end of each synchronous burst. */
  readonly #writes: TapWriteQueue;
  readonly #offloadHeader = new Uint8Array(VNET_HEADER_SIZE);
  #stop: (() => void) | undefined;
  #closed = false;

  constructor(addon: TapAddon, fd: number, name: string, vnetHeader: boolean, mtu: number) {
    this.#addon = addon;
    this.#fd = fd;
    this.#name = name;
    this.#vnetHeader = vnetHeader;
    this.#maxFrame = mtu + FRAMING;
    this.#writes = new TapWriteQueue(addon.writeFrames, fd, name, vnetHeader ? VNET_HEADER_SIZE : 0);
  }

  offloads(): NetOffloads | undefined {
    return this.#vnetHeader ? TAP_OFFLOADS : undefined;
  }

  frameBuffer(size: number): Uint8Array | undefined {
    return this.#writes.frameBuffer(size);
  }

  cancelFrameBuffer(): void {
    this.#writes.cancelFrameBuffer();
  }

  // Resolves after the burst's flush with this frame's own outcome (see TapWriteQueue).
  transmit(frame: Uint8Array, offload?: FrameOffload): Result<void, NetError> | Promise<Result<void, NetError>> {
    // The kernel takes a frame of any length (up to 64 KiB) and passes it on as if a wire had: refused
    // here instead, as a NIC does. Only a frame the kernel is to segment may exceed the MTU.
    const segmented = this.#vnetHeader && offload !== undefined && offload.gsoSize > 0; // else nobody segments
    const limit = segmented ? TAP_OFFLOADS.maxFrame : this.#maxFrame;
    if (frame.length > limit) {
      this.#writes.cancelFrameBuffer();
      return err({ kind: "msg", message: `netif ${this.#name}: ${this.#tooLong(frame.length, segmented)}` });
    }
    if (!this.#vnetHeader) return this.#writes.push(frame, undefined);
    let header = PLAIN;
    if (offload !== undefined) {
      const wanted = offloadHeader(frame, offload);
      if (!wanted.ok) {
        this.#writes.cancelFrameBuffer();
        return err({ kind: "msg", message: `netif ${this.#name}: cannot offload: ${wanted.error}` });
      }
      header = this.#offloadHeader; // the queue copies it
      encodeVirtioNetHeader(wanted.value, header);
    }
    return this.#writes.push(frame, header);
  }

  #tooLong(length: number, segmented: boolean): string {
    if (segmented) return `a ${length}-byte frame exceeds the ${TAP_OFFLOADS.maxFrame} bytes a tap segments`;
    const larger = this.#vnetHeader
      ? `; only a TCP frame written with a gsoSize, to be segmented, may be longer (up to ${TAP_OFFLOADS.maxFrame})`
      : "";
    return (
      `a ${length}-byte frame exceeds the ${this.#maxFrame} bytes the tap takes (MTU ${this.#maxFrame - FRAMING}, ` +
      `the ethernet header and a VLAN tag)${larger}`
    );
  }

  start(receive: (frame: Uint8Array, flags?: number) => void, fail: (error: NetError) => void): void {
    const onBatch = ([buffer, ends, error]: Batch): void => {
      // A plain view: Buffer's own subarray makes a FastBuffer per frame, at several times the cost.
      const data = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
      let start = 0;
      for (const end of ends) {
        if (this.#vnetHeader) this.#receiveWithHeader(data, start, end, receive);
        else receive(data.subarray(start, end));
        start = end;
      }
      if (error === undefined) return;
      // The interface was deleted under us (the descriptor went bad) or is gone: upstream's `Disconnected`.
      fail(
        gone.has(error)
          ? { kind: "disconnected" }
          : { kind: "msg", message: `netif ${this.#name}: read failed: ${error}` },
      );
    };
    // One dispatch per wake-up: the hooks run around each batch of ready frames.
    this.#stop = this.#addon.poll(this.#fd, (data, ends, error) => dispatch(onBatch, [data, ends, error] as const));
  }

  // A partial checksum (NEEDS_CSUM) is completed, so that whoever forwards the frame (a bridge, a
  // pcap) passes it on as on a wire; the kernel vouched for it (NEEDS_CSUM or DATA_VALID), which the
  // frame's flags say, so the stack does not sum it again. A large segment (GRO) goes up whole, the
  // stack takes TCP segments of any length.
  // The frame is `data[start, end)`, header included: one view is made per frame, without the header.
  #receiveWithHeader(
    data: Uint8Array,
    start: number,
    end: number,
    receive: (frame: Uint8Array, flags?: number) => void,
  ): void {
    // Most frames ask nothing (no flags, no GSO): handed over without decoding the header.
    if (end - start >= VNET_HEADER_SIZE && data[start] === 0 && data[start + 1] === 0) {
      receive(data.subarray(start + VNET_HEADER_SIZE, end));
      return;
    }
    const buffer = data.subarray(start, end);
    const header = decodeVirtioNetHeader(buffer);
    if (!header.ok) {
      netifLog().debug(() => `${this.#name}: dropped a frame: ${header.error}`);
      return;
    }
    const frame = buffer.subarray(VNET_HEADER_SIZE);
    const { flags } = header.value;
    if ((flags & NEEDS_CSUM) !== 0) completeChecksum(frame, header.value.csumStart, header.value.csumOffset);
    receive(frame, (flags & (NEEDS_CSUM | DATA_VALID)) !== 0 ? FrameFlags.checksumValid : 0);
  }

  async close(): Promise<void> {
    this.#stop?.();
    this.#writes.close(); // the frames of the current burst go out first, as a NIC drains its ring
    // Closing the descriptor removes a non-persistent tap; nothing is left to keep the process alive.
    this.#closed = true; // the descriptor's number may name another file from now on
    closeSync(this.#fd);
  }

  drops(): DropCounts | undefined {
    if (this.#closed) return undefined;
    let kernel: { rx: number; tx: number } | undefined;
    try {
      // Read in the interface's own namespace, wherever it was moved, under its current name.
      const { name, table } = this.#addon.netdev(this.#fd);
      kernel = netDevDrops(table, name);
    } catch {
      return undefined;
    }
    // The kernel transmits to the device what the device receives: its tx drops are frames lost on the way in.
    // Frames refused for a full tap (EAGAIN) are not in the kernel's count: they are added.
    return kernel && { rxDropped: kernel.tx, txDropped: kernel.rx + this.#writes.refused };
  }
}

class TapDevice extends FrameDevice implements Tap {
  readonly name: string;
  readonly queueLength: number;

  constructor(
    addon: TapAddon,
    opened: { readonly fd: number; readonly name: string; readonly vnetHeader: boolean },
    queueLength: number,
    mac: Macaddr,
    mtu: number,
  ) {
    const { fd, name, vnetHeader } = opened;
    super(name, mac, mtu, new TapBackend(addon, fd, name, vnetHeader, mtu));
    this.name = name;
    this.queueLength = queueLength;
  }
}

/** Checks a tap name before it reaches the addon, whose buffer holds 15 bytes and a NUL. */
function checkName(name: string): void {
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > 15) {
    throw new RangeError(
      `tap interface name ${JSON.stringify(name)} has ${bytes} bytes in UTF-8: tap interface names have at most ` +
        "15 bytes; choose a shorter name",
    );
  }
  if (name.includes("\0")) {
    throw new RangeError(
      `tap interface name ${JSON.stringify(name)} contains a NUL character: tap interface names cannot contain ` +
        "one (the kernel would read the name only up to it); remove it",
    );
  }
}

/** Gives the tap `wanted` frames of queue, or at least the default; returns the length it has then. */
function setQueueLength(addon: TapAddon, fd: number, name: string, wanted: number | undefined): number {
  const current = addon.queueLength(fd);
  const target = wanted ?? Math.max(current, DEFAULT_QUEUE_LENGTH);
  if (target === current) return current;
  try {
    return addon.queueLength(fd, target);
  } catch (error) {
    const denied = errorCode(error) === "EPERM";
    const beforehand = `set it beforehand: \`sudo ip link set ${name} txqueuelen ${target}\``;
    if (wanted === undefined && denied) {
      netifLog().warn(
        `${name}: its queue holds ${current} frames, not the default ${target}: setting txqueuelen needs ` +
          `CAP_NET_ADMIN. A burst beyond ${current} frames is dropped (counted in rxDropped); ${beforehand}.`,
      );
      return current;
    }
    const advice = denied
      ? `setting txqueuelen needs CAP_NET_ADMIN. Re-run using sudo, or ${beforehand}.`
      : (error as Error).message;
    throw new Error(`Cannot set the queue length of ${name} to ${target} frames: ${advice}`, { cause: error });
  }
}

function openFailure(name: string, error: unknown): Error {
  const detail = error instanceof Error ? error.message : String(error);
  let advice: string;
  switch (errorCode(error)) {
    case "EPERM":
    case "EACCES":
      advice =
        `Permission denied while opening the ${name} device. Please re-run using sudo (creating a tap needs ` +
        `CAP_NET_ADMIN), or make a persistent tap for your user: \`ip tuntap add ${name} mode tap user $USER\`.`;
      break;
    case "ENOENT":
      advice = "/dev/net/tun does not exist: load the tun module (`modprobe tun`) or give the container the device.";
      break;
    case "EBUSY":
      advice = `${name} is in use by another process.`;
      break;
    default:
      advice = `Cannot open the tap ${name}.`;
  }
  return new Error(`${advice} (${detail})`, { cause: error });
}

/**
 * Whether {@link connectTap} can work here: `undefined` when the native addon is loaded, else why
 * not (not Linux, the build failed at install and why, the compiled file is missing).
 *
 * @public
 */
export function tapUnavailableReason(): string | undefined {
  return tapAddonProblem();
}

/**
 * Connects a network device on the tap interface `name` (created if it does not exist; a pattern such
 * as `tap%d` lets the kernel pick). Frames are read as the descriptor becomes readable, by libuv's
 * poller on the event loop, a batch per wake-up; the frames written in one synchronous burst go to the
 * descriptor in one call at its end (or per 256 frames), each write resolving with its frame's outcome:
 * a full tap (EAGAIN) drops the frame, fails its write and counts it in `txDropped`; a frame longer
 * than the MTU (with its header and a VLAN tag) is refused unless it is a TCP frame to segment. After
 * `disconnect` the descriptor is closed (a tap this process created disappears) and nothing keeps the
 * process alive.
 *
 * The device's stats count the frames the kernel dropped on the way in (`rxDropped`: its queue was
 * full) and on the way out (`txDropped`) since connect, read when asked from the namespace the
 * interface is in, even if it was moved to another one after connecting (reading there needs
 * CAP_NET_ADMIN and CAP_SYS_ADMIN; without them the counters are absent).
 *
 * @throws Error naming the cause and the fix: the native addon is not available (see
 * {@link tapUnavailableReason}), permission denied, no /dev/net/tun, interface busy, queue length
 * not settable
 * @throws RangeError for a name longer than 15 bytes in UTF-8 or with a NUL, a bad MTU or queue length
 * @public
 */
export async function connectTap(name: string, options: TapOptions = {}): Promise<Tap> {
  checkName(name);
  const { mtu, mac } = netifIdentity(options, unixRandom);
  const wanted = options.queueLength === undefined ? undefined : checkQueueLength(options.queueLength);
  const addon = loadTapAddon();
  let opened: ReturnType<TapAddon["open"]>;
  try {
    const offload = options.offload ?? process.env.MIRAGE_TAP_OFFLOAD !== "0";
    opened = addon.open(name, options.bringUp ?? true, offload ? WANTED_RX_OFFLOADS : 0);
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw error;
    throw openFailure(name, error);
  }
  let queueLength: number;
  try {
    queueLength = setQueueLength(addon, opened.fd, opened.name, wanted);
  } catch (error) {
    closeSync(opened.fd);
    throw error;
  }
  const device = new TapDevice(addon, opened, queueLength, mac, mtu);
  const offloads = opened.vnetHeader ? `, virtio-net header, offloads 0x${opened.offloads.toString(16)}` : "";
  netifLog().info(`plugging into ${opened.name} with mac ${device.mac().toString()}${offloads}`);
  return device;
}
