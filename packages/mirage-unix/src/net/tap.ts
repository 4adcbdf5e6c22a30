/**
 * `connectTap`: a network device on a Linux tap interface, through the package's native addon
 * (`mirage-net-unix`).
 *
 * @packageDocumentation
 */

import { closeSync, writeSync } from "node:fs";
import { Macaddr, type NetError, type Network, type Result, err, ok } from "@mirage-ts/mirage-types";
import { type FrameBackend, FrameDevice, checkMtu, netifLog } from "../internal/frame-device.js";
import { dispatch } from "../internal/iteration.js";
import { errorCode } from "../internal/system-error.js";
import { type TapAddon, loadTapAddon, tapAddonProblem } from "../internal/tap-addon.js";
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
}

/**
 * A network device on a tap interface.
 *
 * @public
 */
export interface Tap extends Network {
  /** The interface's name (the kernel's choice when a pattern like `tap%d` was given). */
  readonly name: string;
}

type Batch = readonly [frames: Uint8Array[], error: string | undefined];

/** Read errors meaning the interface no longer exists. */
const gone = new Set(["EBADF", "EBADFD", "ENXIO", "ENODEV"]);

class TapBackend implements FrameBackend {
  readonly #addon: TapAddon;
  readonly #fd: number;
  readonly #name: string;
  #stop: (() => void) | undefined;

  constructor(addon: TapAddon, fd: number, name: string) {
    this.#addon = addon;
    this.#fd = fd;
    this.#name = name;
  }

  async transmit(frame: Uint8Array): Promise<Result<void, NetError>> {
    try {
      // One write is one frame; a tap write never blocks.
      writeSync(this.#fd, frame);
      return ok();
    } catch (error) {
      const hint = errorCode(error) === "EIO" ? " (is the interface up?)" : "";
      return err({ kind: "msg", message: `netif ${this.#name}: write failed: ${(error as Error).message}${hint}` });
    }
  }

  start(receive: (frame: Uint8Array) => void, fail: (error: NetError) => void): void {
    const onBatch = ([frames, error]: Batch): void => {
      for (const frame of frames) receive(frame);
      if (error === undefined) return;
      // The interface was deleted under us (the descriptor went bad) or is gone: upstream's `Disconnected`.
      fail(
        gone.has(error)
          ? { kind: "disconnected" }
          : { kind: "msg", message: `netif ${this.#name}: read failed: ${error}` },
      );
    };
    // One dispatch per wake-up: the hooks run around each batch of ready frames.
    this.#stop = this.#addon.poll(this.#fd, (frames, error) => dispatch(onBatch, [frames, error] as const));
  }

  async close(): Promise<void> {
    this.#stop?.();
    // Closing the descriptor removes a non-persistent tap; nothing is left to keep the process alive.
    closeSync(this.#fd);
  }
}

class TapDevice extends FrameDevice implements Tap {
  readonly name: string;

  constructor(addon: TapAddon, fd: number, name: string, mac: Macaddr, mtu: number) {
    super(name, mac, mtu, new TapBackend(addon, fd, name));
    this.name = name;
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
 * poller on the event loop, a batch per wake-up; writes go straight to the descriptor. After
 * `disconnect` the descriptor is closed (a tap this process created disappears) and nothing keeps the
 * process alive.
 *
 * @throws Error naming the cause and the fix: the native addon is not available (see
 * {@link tapUnavailableReason}), permission denied, no /dev/net/tun, interface busy
 * @throws RangeError for a name longer than 15 bytes or a bad MTU
 * @public
 */
export async function connectTap(name: string, options: TapOptions = {}): Promise<Tap> {
  const mtu = checkMtu(options.mtu ?? 1500);
  const addon = loadTapAddon();
  let opened: ReturnType<TapAddon["open"]>;
  try {
    opened = addon.open(name, options.bringUp ?? true);
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw error;
    throw openFailure(name, error);
  }
  const device = new TapDevice(
    addon,
    opened.fd,
    opened.name,
    options.mac ?? Macaddr.makeLocal(unixRandom.generate(6)),
    mtu,
  );
  netifLog().info(`plugging into ${opened.name} with mac ${device.mac().toString()}`);
  return device;
}
