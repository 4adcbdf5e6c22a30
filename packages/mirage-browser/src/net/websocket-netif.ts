/**
 * `connectWebSocketNetif`: a NETWORK device carrying Ethernet frames over a WebSocket to a frame
 * switch on the host (`mirage-switch` of `@mirage-ts/frame-switch`): each binary message is one
 * whole frame, both ways.
 *
 * @packageDocumentation
 */

import { StartupError, argumentError, logSource } from "@mirage-ts/mirage-runtime";
import {
  type FillFunction,
  type FrameHandler,
  type Macaddr,
  type NetError,
  type NetStats,
  type Network,
  type Result,
  checkCount,
  err,
  netifIdentity,
  ok,
} from "@mirage-ts/mirage-types";
import { dispatch } from "../internal/iteration.js";
import { browserRandom } from "../random.js";

const log = logSource("netif", "network devices of the browser platform");

/** The Ethernet header: destination, source, ethertype. */
const HEADER = 14;

/**
 * Options of {@link connectWebSocketNetif}.
 *
 * @beta
 */
export interface WebSocketNetifOptions {
  /** The device's MAC address; a random locally administered one by default. */
  readonly mac?: Macaddr;
  /** The MTU the device reports and accepts; 1500 by default. */
  readonly mtu?: number;
  /**
   * The bytes the socket may hold unsent before further frames are dropped (and counted in
   * `txDropped`), as a full transmit queue drops; 4 MiB by default.
   */
  readonly sendBufferBytes?: number;
}

/**
 * The NETWORK device over a WebSocket, with the frames it refused.
 *
 * @beta
 */
export interface WebSocketNetif extends Network {
  /** The switch's URL. */
  readonly url: string;
  /** Received messages that were not a frame (text, shorter than a header, longer than the MTU). */
  malformedReceived(): number;
}

/**
 * Checks an interface specification of the browser target: a `ws://` or `wss://` URL.
 *
 * @throws RangeError naming the value and the accepted form.
 * @beta
 */
export function parseWebSocketUrl(spec: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(spec);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "ws:" && url.protocol !== "wss:")) {
    throw new RangeError(
      `invalid interface ${JSON.stringify(spec)}: the browser target's interface is the URL of a frame switch, ` +
        "ws://HOST:PORT or wss://HOST:PORT: open the page with ?interface=ws://HOST:PORT, the address that " +
        "mirage-switch prints (start one with mirage-switch --listen 127.0.0.1:8090)",
    );
  }
  return url;
}

class WebSocketDevice implements WebSocketNetif {
  readonly url: string;
  readonly #socket: WebSocket;
  readonly #mac: Macaddr;
  readonly #mtu: number;
  readonly #sendBufferBytes: number;
  readonly #stats: NetStats = { rxBytes: 0, rxPkts: 0, txBytes: 0, txPkts: 0, rxDropped: 0, txDropped: 0 };
  #malformed = 0;
  #handler: FrameHandler | undefined;
  #endListen: ((result: Result<void, NetError>) => void) | undefined;
  #closed: Promise<void>;
  #disconnecting = false;

  constructor(socket: WebSocket, mac: Macaddr, mtu: number, sendBufferBytes: number) {
    this.url = socket.url;
    this.#socket = socket;
    this.#mac = mac;
    this.#mtu = mtu;
    this.#sendBufferBytes = sendBufferBytes;
    socket.addEventListener("message", (event) => dispatch(this.#receive, event.data as unknown));
    this.#closed = new Promise((resolve) => {
      socket.addEventListener("close", (event) => {
        // Only our own disconnect ends listen normally: a switch that goes away, even with a clean close
        // (mirage-switch stopping), takes the page's network with it, which must not pass unnoticed.
        if (!this.#disconnecting) {
          const why = `${event.code}${event.reason === "" ? "" : ` ${event.reason}`}`;
          log.err(`${this.url}: the switch closed the connection (${why}): the network is down`);
        }
        this.#endListen?.(this.#disconnecting ? ok() : err({ kind: "disconnected" }));
        this.#endListen = undefined;
        resolve();
      });
    });
  }

  async write(size: number, fill: FillFunction): Promise<Result<void, NetError>> {
    checkCount("write: size", size);
    if (this.#socket.readyState !== WebSocket.OPEN) return err({ kind: "disconnected" });
    const buffer = new Uint8Array(size);
    const length = fill(buffer);
    if (!Number.isSafeInteger(length) || length < 0 || length > size) return err({ kind: "invalid_length" });
    if (this.#socket.bufferedAmount + length > this.#sendBufferBytes) {
      this.#stats.txDropped = (this.#stats.txDropped ?? 0) + 1;
      return ok();
    }
    this.#socket.send(buffer.subarray(0, length));
    this.#stats.txPkts++;
    this.#stats.txBytes += length;
    return ok();
  }

  listen(headerSize: number, handler: FrameHandler): Promise<Result<void, NetError>> {
    checkCount("listen: headerSize", headerSize);
    if (this.#socket.readyState !== WebSocket.OPEN) return Promise.resolve(err({ kind: "disconnected" }));
    if (this.#handler !== undefined)
      return Promise.resolve(err({ kind: "msg", message: `netif ${this.url}: already listening` }));
    this.#handler = handler;
    return new Promise((resolve) => {
      this.#endListen = resolve;
    });
  }

  mac(): Macaddr {
    return this.#mac;
  }

  mtu(): number {
    return this.#mtu;
  }

  getStatsCounters(): NetStats {
    return { ...this.#stats };
  }

  resetStatsCounters(): void {
    Object.assign(this.#stats, { rxBytes: 0, rxPkts: 0, txBytes: 0, txPkts: 0, rxDropped: 0, txDropped: 0 });
  }

  malformedReceived(): number {
    return this.#malformed;
  }

  disconnect(): Promise<void> {
    this.#disconnecting = true;
    if (this.#socket.readyState === WebSocket.OPEN || this.#socket.readyState === WebSocket.CONNECTING) {
      this.#socket.close(1000, "disconnect");
    }
    return this.#closed.then(() => log.info(`disconnect ${this.url}`));
  }

  readonly #receive = (data: unknown): void => {
    if (!(data instanceof ArrayBuffer) || data.byteLength < HEADER || data.byteLength > this.#mtu + HEADER) {
      this.#malformed++;
      return;
    }
    const handler = this.#handler;
    // Frames before listen (or after its end) have no reader: dropped, as a tap's queue overflows.
    if (handler === undefined || this.#endListen === undefined) {
      this.#stats.rxDropped = (this.#stats.rxDropped ?? 0) + 1;
      return;
    }
    const frame = new Uint8Array(data);
    this.#stats.rxPkts++;
    this.#stats.rxBytes += frame.length;
    // As mirage-net-unix, a handler's failure is logged and the device keeps listening.
    try {
      const pending = handler(frame);
      if (pending !== undefined) pending.catch(this.#handlerFailed);
    } catch (error) {
      this.#handlerFailed(error);
    }
  };

  readonly #handlerFailed = (error: unknown): void => {
    log.warn(
      `${this.url}: error while handling a frame, continuing: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  };
}

// The browser hides why a WebSocket failed: no switch there, or one that refused this page's origin (its
// allow-list holds loopback pages by default).
function unreachable(): string {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  const listening = "is mirage-switch listening there?";
  if (origin === undefined || origin === "null") return listening;
  return (
    `${listening} If it is, it refused pages from ${origin}: ` +
    `start it with --allow-origin ${origin} (it accepts pages served from loopback by default)`
  );
}

/**
 * Connects to the frame switch at `spec` (`ws://HOST:PORT`) and resolves once the WebSocket is open.
 *
 * @throws StartupError (printed without a stack) for a specification that is not a ws:// or wss:// URL, a
 * bad argument ending the page with exit status 64, and naming the URL when the connection fails (255:
 * the switch, not the argument, is what to check).
 * @beta
 */
export async function connectWebSocketNetif(
  spec: string,
  options: WebSocketNetifOptions = {},
): Promise<WebSocketNetif> {
  let url: URL;
  try {
    url = parseWebSocketUrl(spec);
  } catch (error) {
    throw new StartupError((error as Error).message, { cause: error, exitCode: argumentError });
  }
  const { mtu, mac } = netifIdentity(options, browserRandom);
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  await new Promise<void>((resolve, reject) => {
    const fail = (): void =>
      reject(new StartupError(`cannot connect to the frame switch at ${url.href}: ${unreachable()}`));
    socket.addEventListener("open", () => {
      socket.removeEventListener("error", fail);
      resolve();
    });
    socket.addEventListener("error", fail);
  });
  const device = new WebSocketDevice(socket, mac, mtu, options.sendBufferBytes ?? 4 * 1024 * 1024);
  log.info(`plugging into ${url.href} with mac ${mac.toString()}`);
  return device;
}
