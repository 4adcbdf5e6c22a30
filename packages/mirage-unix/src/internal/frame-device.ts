/**
 * What the network backends share: the `Network` signature over a backend that moves whole frames,
 * with frame checks, traffic counters, one listener and a clean disconnect.
 *
 * @packageDocumentation
 */

import { type LogSource, logSource } from "@mirage-ts/mirage-runtime";
import {
  type FillFunction,
  type FrameHandler,
  type FrameOffload,
  type Macaddr,
  type NetError,
  type NetOffloads,
  type NetStats,
  type Network,
  type Result,
  checkCount,
  err,
  ok,
} from "@mirage-ts/mirage-types";

/** A transport of whole ethernet frames. */
export interface FrameBackend {
  /** Sends one frame, with the offloads it asks for (only those {@link FrameBackend.offloads} has). */
  transmit(frame: Uint8Array, offload?: FrameOffload): Result<void, NetError> | Promise<Result<void, NetError>>;
  /** The offloads the transport performs, if any. */
  offloads?(): NetOffloads | undefined;
  /**
   * A zeroed buffer of `size` bytes in the transport's own memory for the next frame, which
   * `transmit` then sends without copying it, or `undefined` for none this time. Either `transmit`
   * gets (a prefix of) it next, or {@link FrameBackend.cancelFrameBuffer} is called.
   */
  frameBuffer?(size: number): Uint8Array | undefined;
  /** The frame in the buffer of {@link FrameBackend.frameBuffer} is not going to be sent. */
  cancelFrameBuffer?(): void;
  /**
   * Starts delivering received frames to `receive` (inside a main-loop dispatch) with their
   * `FrameFlags`, and a failure that ends reception to `fail`.
   */
  start(receive: (frame: Uint8Array, flags?: number) => void, fail: (error: NetError) => void): void;
  /** Stops receiving and releases the transport; called once. */
  close(): Promise<void>;
  /**
   * The host's drop counters for this transport now (since it was made, not since connect), or
   * `undefined` when they cannot be read.
   */
  drops?(): DropCounts | undefined;
}

/** Drop counters as {@link NetStats} has them; a counter the backend cannot see is absent. */
export type DropCounts = Pick<NetStats, "rxDropped" | "txDropped">;

/** Logs of the network devices, as mirage-net-unix's `netif` source. */
export function netifLog(): LogSource {
  return logSource("netif", "network devices of the unix platform");
}

/**
 * The frames a backend's host-side queue holds by default while the unikernel is busy. N clients
 * connecting at once put at most 2N frames there: each client's SYN, or once that SYN was read and
 * answered, the handshake's ACK and the first request. 4096 covers 2000 clients (the kernel's usual
 * 1000 dropped about 1100 frames of such a burst) and costs memory only while it is full.
 */
export const DEFAULT_QUEUE_LENGTH = 4096;

/**
 * The longest queue accepted. A tap's queue is one kmalloc'd ring of pointers, at most 4 MiB on x86-64:
 * the kernel refuses a longer one with a misleading EPERM.
 */
export const MAX_QUEUE_LENGTH = 524_288;

/** Checks the `queueLength` option of a backend. */
export function checkQueueLength(length: number): number {
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_QUEUE_LENGTH) {
    throw new RangeError(
      `queueLength must be an integer from 1 to ${MAX_QUEUE_LENGTH} (frames), got ${String(length)}`,
    );
  }
  return length;
}

/** A network device over a {@link FrameBackend}. */
export class FrameDevice implements Network {
  /** The name used in messages. */
  readonly id: string;
  readonly #mac: Macaddr;
  readonly #mtu: number;
  readonly #backend: FrameBackend;
  readonly #stats: NetStats = { rxBytes: 0, rxPkts: 0, txBytes: 0, txPkts: 0 };
  /** The host's drop counters at connect or the last reset: the stats give the drops since. */
  #dropBase: DropCounts | undefined;
  #connected = true;
  #handler: FrameHandler | undefined;
  #endListen: ((result: Result<void, NetError>) => void) | undefined;
  #closing: Promise<void> | undefined;

  constructor(id: string, mac: Macaddr, mtu: number, backend: FrameBackend) {
    this.id = id;
    this.#mac = mac;
    this.#mtu = mtu;
    this.#backend = backend;
    this.#dropBase = backend.drops?.();
  }

  offloads(): NetOffloads | undefined {
    return this.#backend.offloads?.();
  }

  write(size: number, fill: FillFunction): Promise<Result<void, NetError>> {
    return this.#write(size, fill, undefined);
  }

  writeOffloaded(size: number, fill: FillFunction, offload: FrameOffload): Promise<Result<void, NetError>> {
    return this.#write(size, fill, offload);
  }

  async #write(size: number, fill: FillFunction, offload: FrameOffload | undefined): Promise<Result<void, NetError>> {
    checkCount("write: size", size);
    if (!this.#connected) return err({ kind: "disconnected" });
    const backend = this.#backend;
    const staged = backend.frameBuffer?.(size);
    const buffer = staged ?? new Uint8Array(size);
    let length: number;
    try {
      length = fill(buffer);
    } catch (error) {
      if (staged !== undefined) backend.cancelFrameBuffer?.();
      throw error;
    }
    if (!Number.isSafeInteger(length) || length < 0 || length > size) {
      if (staged !== undefined) backend.cancelFrameBuffer?.();
      return err({ kind: "invalid_length" });
    }
    const result = await backend.transmit(buffer.subarray(0, length), offload);
    if (result.ok) {
      this.#stats.txPkts++;
      this.#stats.txBytes += length;
    }
    return result;
  }

  listen(headerSize: number, handler: FrameHandler): Promise<Result<void, NetError>> {
    checkCount("listen: headerSize", headerSize);
    if (!this.#connected) return Promise.resolve(err({ kind: "disconnected" }));
    if (this.#handler !== undefined)
      return Promise.resolve(err({ kind: "msg", message: `netif ${this.id}: already listening` }));
    this.#handler = handler;
    return new Promise((resolve) => {
      this.#endListen = resolve;
      this.#backend.start(this.#receive, this.#fail);
    });
  }

  mac(): Macaddr {
    return this.#mac;
  }

  mtu(): number {
    return this.#mtu;
  }

  getStatsCounters(): NetStats {
    const stats: NetStats = { ...this.#stats };
    const now = this.#backend.drops?.();
    const base = this.#dropBase;
    if (now?.rxDropped !== undefined && base?.rxDropped !== undefined) stats.rxDropped = now.rxDropped - base.rxDropped;
    if (now?.txDropped !== undefined && base?.txDropped !== undefined) stats.txDropped = now.txDropped - base.txDropped;
    return stats;
  }

  resetStatsCounters(): void {
    Object.assign(this.#stats, { rxBytes: 0, rxPkts: 0, txBytes: 0, txPkts: 0 });
    this.#dropBase = this.#backend.drops?.();
  }

  disconnect(): Promise<void> {
    return this.#shutDown(ok());
  }

  #shutDown(outcome: Result<void, NetError>): Promise<void> {
    if (this.#closing === undefined) {
      this.#connected = false;
      this.#closing = this.#backend.close().then(() => {
        netifLog().info(`disconnect ${this.id}`);
        this.#endListen?.(outcome);
      });
    }
    return this.#closing;
  }

  readonly #receive = (frame: Uint8Array, flags = 0): void => {
    const handler = this.#handler;
    if (handler === undefined || !this.#connected) return;
    this.#stats.rxPkts++;
    this.#stats.rxBytes += frame.length;
    // As mirage-net-unix, a handler's failure is logged and the device keeps listening.
    try {
      const pending = handler(frame, flags);
      if (pending !== undefined) pending.catch(this.#handlerFailed);
    } catch (error) {
      this.#handlerFailed(error);
    }
  };

  readonly #handlerFailed = (error: unknown): void => {
    netifLog().warn(
      `${this.id}: error while handling a frame, continuing: ${
        error instanceof Error ? (error.stack ?? error.message) : String(error)
      }`,
    );
  };

  readonly #fail = (error: NetError): void => {
    netifLog().err(`${this.id}: stopped receiving: ${error.kind === "msg" ? error.message : error.kind}`);
    void this.#shutDown(err(error));
  };
}
