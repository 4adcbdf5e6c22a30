/**
 * `FrameSwitch`: a learning Ethernet switch on the host whose ports are WebSocket clients (browser
 * unikernels of `@mirage-ts/mirage-browser`) and, optionally, NETWORK devices bridged in (a tap, so
 * that the Linux kernel shares the link, or a UDP frame tunnel). Frames go to the port their
 * destination was learned on, or to every other port when it is unknown or a group address.
 *
 * @packageDocumentation
 */

import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Network } from "@mirage-ts/mirage-types";
import { WebSocketServer } from "ws";
import { frameProblem, isGroupDestination, macAt } from "./frame-check.js";
import { MacTable } from "./mac-table.js";
import { NetworkPort, type Port, type PortStats, WebSocketPort } from "./ports.js";

/**
 * Options of {@link FrameSwitch.listen}.
 *
 * @beta
 */
export interface FrameSwitchOptions {
  /** The address to listen on; 127.0.0.1 by default. */
  readonly host?: string;
  /** The TCP port; 0 (any free port) by default. */
  readonly port?: number;
  /**
   * The origins (`http://127.0.0.1:8080`) whose pages may connect, or `"*"` for any. By default only
   * pages served from a loopback host (localhost, 127.0.0.1, [::1]) on any port. Clients that send no
   * `Origin` (programs, not pages) are always accepted.
   */
  readonly allowOrigins?: readonly string[];
  /**
   * Called with the origin of each page refused for it (also counted in `refusedOrigins`): a page cannot tell
   * a refusal from a switch that is not there, so the switch's side is where to say it.
   */
  readonly onRefusedOrigin?: (origin: string) => void;
  /** The longest frame accepted, in bytes; 1518 (1500 of payload, header and a VLAN tag) by default. */
  readonly maxFrameBytes?: number;
  /** The unsent bytes a WebSocket port may hold before frames to it are dropped; 1 MiB by default. */
  readonly queueBytes?: number;
  /** The frames a bridged device may have in flight before frames to it are dropped; 1024 by default. */
  readonly queueFrames?: number;
  /** The addresses the switch remembers; 4096 by default. */
  readonly macTableSize?: number;
  /** How long an address is remembered without traffic, in ms; 300000 (five minutes) by default. */
  readonly macMaxAgeMs?: number;
}

/**
 * The counters of the switch.
 *
 * @beta
 */
export interface SwitchStats {
  /** Frames received on all ports. */
  readonly framesIn: number;
  /** Frames sent to the one port their destination was learned on. */
  readonly forwarded: number;
  /** Frames sent to every other port (group or unknown destination). */
  readonly flooded: number;
  /** Frames whose destination is on the port they came from: not sent back. */
  readonly filtered: number;
  /** Messages refused as frames (text, too short, too long, a group source address). */
  readonly malformed: number;
  /** Frames dropped on full port queues, over all ports. */
  readonly queueDrops: number;
  /** WebSocket connections refused for their origin. */
  readonly refusedOrigins: number;
  /** Addresses in the learning table. */
  readonly macEntries: number;
  /** Addresses pushed out of the full learning table. */
  readonly macEvicted: number;
  /** Each connected port's counters. */
  readonly ports: readonly PortStats[];
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function loopbackOrigin(origin: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}

function checkPositive(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${what} must be a positive integer, got ${value}`);
  return value;
}

/**
 * A learning Ethernet switch serving WebSocket clients.
 *
 * @beta
 */
export class FrameSwitch {
  /** The URL clients connect to (`ws://HOST:PORT`). */
  readonly url: string;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #ports = new Set<Port>();
  readonly #table: MacTable<Port>;
  readonly #maxFrameBytes: number;
  readonly #counters = { framesIn: 0, forwarded: 0, flooded: 0, filtered: 0, malformed: 0, refusedOrigins: 0 };
  #closedDrops = 0;

  private constructor(server: Server, options: FrameSwitchOptions) {
    const address = server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.url = `ws://${host}:${address.port}`;
    this.#server = server;
    this.#maxFrameBytes = checkPositive("maxFrameBytes", options.maxFrameBytes ?? 1518);
    this.#table = new MacTable(
      checkPositive("macTableSize", options.macTableSize ?? 4096),
      checkPositive("macMaxAgeMs", options.macMaxAgeMs ?? 300_000),
    );
    const queueBytes = checkPositive("queueBytes", options.queueBytes ?? 1024 * 1024);
    const allow = options.allowOrigins;
    const allowed = (origin: string | undefined): boolean =>
      origin === undefined ||
      origin === "" ||
      (allow === undefined ? loopbackOrigin(origin) : allow.includes("*") || allow.includes(origin));
    this.#wss = new WebSocketServer({
      server,
      // Messages up to 64 KiB are read and counted as malformed when too long; beyond, ws closes the client.
      maxPayload: Math.max(this.#maxFrameBytes, 65_536),
      verifyClient: (info: { origin: string; req: IncomingMessage }) => {
        if (allowed(info.origin)) return true;
        this.#counters.refusedOrigins++;
        options.onRefusedOrigin?.(info.origin);
        return false;
      },
    });
    this.#wss.on("connection", (socket, request) => {
      const port = new WebSocketPort(
        `ws:${request.socket.remoteAddress}:${request.socket.remotePort}`,
        socket,
        queueBytes,
      );
      this.#ports.add(port);
      socket.on("message", (data, isBinary) => {
        if (!isBinary || !Buffer.isBuffer(data)) {
          port.rxFrames++;
          this.#counters.framesIn++;
          this.#counters.malformed++;
          return;
        }
        this.#ingress(port, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      });
      socket.on("close", () => this.#remove(port));
      socket.on("error", () => socket.terminate());
    });
    server.on("request", (request, response) => {
      if (request.url === "/stats") {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(this.stats()));
      } else {
        response.writeHead(426, { "content-type": "text/plain" }).end("mirage-switch: connect with a WebSocket\n");
      }
    });
  }

  /**
   * Starts a switch listening for WebSocket clients (and answering `GET /stats` with its counters as JSON).
   *
   * @throws Error when the address cannot be bound; RangeError for a bad option.
   */
  static async listen(options: FrameSwitchOptions = {}): Promise<FrameSwitch> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new FrameSwitch(server, options);
  }

  /**
   * Bridges a NETWORK device in as a port (a tap, a UDP tunnel): its frames are switched like a
   * client's. The switch disconnects it when closed.
   */
  attach(name: string, network: Network, queueFrames = 1024): void {
    const port = new NetworkPort(name, network, checkPositive("queueFrames", queueFrames));
    this.#ports.add(port);
    // The device's buffer is only valid during the handler: the frame is copied before it is queued.
    void network.listen(14, (frame) => this.#ingress(port, frame.slice())).then(() => this.#remove(port));
  }

  /** The switch's counters now. */
  stats(): SwitchStats {
    const ports = [...this.#ports].map((port) => port.stats());
    return {
      ...this.#counters,
      queueDrops: this.#closedDrops + ports.reduce((sum, port) => sum + port.txDropped, 0),
      macEntries: this.#table.size,
      macEvicted: this.#table.evicted,
      ports,
    };
  }

  /** Closes every port and stops listening. */
  async close(): Promise<void> {
    await Promise.all([...this.#ports].map((port) => port.close()));
    this.#wss.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #remove(port: Port): void {
    if (!this.#ports.delete(port)) return;
    this.#closedDrops += port.txDropped;
    this.#table.forgetPort(port);
  }

  #ingress(from: Port, frame: Uint8Array): void {
    from.rxFrames++;
    this.#counters.framesIn++;
    if (frameProblem(frame, this.#maxFrameBytes) !== undefined) {
      this.#counters.malformed++;
      return;
    }
    const now = performance.now();
    this.#table.learn(macAt(frame, 6), from, now);
    const to = isGroupDestination(frame) ? undefined : this.#table.lookup(macAt(frame, 0), now);
    if (to === from) {
      this.#counters.filtered++;
    } else if (to !== undefined) {
      this.#counters.forwarded++;
      to.deliver(frame);
    } else {
      this.#counters.flooded++;
      for (const port of this.#ports) if (port !== from) port.deliver(frame);
    }
  }
}
