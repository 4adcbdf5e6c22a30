/**
 * The ports of the switch: a WebSocket client (one binary message per frame), or a NETWORK device
 * bridged in (a tap, a UDP frame tunnel). Each has a bounded queue towards its peer; a frame that
 * would overflow it is dropped and counted, as a full transmit ring drops.
 *
 * @packageDocumentation
 */

import type { Network } from "@mirage-ts/mirage-types";
import { WebSocket } from "ws";

/**
 * The counters of one port.
 *
 * @beta
 */
export interface PortStats {
  /** The port's name: `ws:<address>:<port>` for a client, the device's for a bridge. */
  readonly name: string;
  /** Frames received from the port's peer. */
  readonly rxFrames: number;
  /** Frames sent to the port's peer. */
  readonly txFrames: number;
  /** Frames for the peer dropped because the port's queue was full. */
  readonly txDropped: number;
}

/** A port of the switch. */
export abstract class Port {
  readonly name: string;
  rxFrames = 0;
  txFrames = 0;
  txDropped = 0;

  constructor(name: string) {
    this.name = name;
  }

  /** Sends a frame to the peer, or drops it when the queue is full. */
  abstract deliver(frame: Uint8Array): void;

  /** Closes the port. */
  abstract close(): Promise<void>;

  stats(): PortStats {
    return { name: this.name, rxFrames: this.rxFrames, txFrames: this.txFrames, txDropped: this.txDropped };
  }
}

/** A WebSocket client; its queue is the socket's unsent bytes, bounded by `queueBytes`. */
export class WebSocketPort extends Port {
  readonly #socket: WebSocket;
  readonly #queueBytes: number;

  constructor(name: string, socket: WebSocket, queueBytes: number) {
    super(name);
    this.#socket = socket;
    this.#queueBytes = queueBytes;
  }

  deliver(frame: Uint8Array): void {
    if (this.#socket.readyState !== WebSocket.OPEN || this.#socket.bufferedAmount + frame.length > this.#queueBytes) {
      this.txDropped++;
      return;
    }
    this.#socket.send(frame, { binary: true });
    this.txFrames++;
  }

  close(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.#socket.once("close", () => resolve());
      this.#socket.close(1001, "switch closing");
    });
  }
}

/** A NETWORK device bridged in; its queue is the writes not yet completed, at most `queueFrames`. */
export class NetworkPort extends Port {
  readonly #network: Network;
  readonly #queueFrames: number;
  #inFlight = 0;

  constructor(name: string, network: Network, queueFrames: number) {
    super(name);
    this.#network = network;
    this.#queueFrames = queueFrames;
  }

  deliver(frame: Uint8Array): void {
    if (this.#inFlight >= this.#queueFrames) {
      this.txDropped++;
      return;
    }
    this.#inFlight++;
    void this.#network
      .write(frame.length, (buffer) => {
        buffer.set(frame);
        return frame.length;
      })
      .then(
        (result) => {
          this.#inFlight--;
          if (result.ok) this.txFrames++;
          else this.txDropped++;
        },
        () => {
          this.#inFlight--;
          this.txDropped++;
        },
      );
  }

  close(): Promise<void> {
    return this.#network.disconnect();
  }
}
