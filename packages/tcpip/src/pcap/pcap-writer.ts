/**
 * `PcapWriter`: writes the classic libpcap capture format (microsecond timestamps, Ethernet link
 * type), which tcpdump, Wireshark and tshark read. It only produces bytes: a sink receives them, so
 * the same writer records to a file on Node (the platform package owns the file sink), to memory in
 * tests, or anywhere else.
 *
 * @packageDocumentation
 */

import type { Clock } from "../time/clock.js";

/**
 * Options of a {@link PcapWriter}.
 *
 * @public
 */
export interface PcapWriterOptions {
  /** Receives the capture's bytes in order: the file header at once, then one chunk per frame. */
  readonly sink: (chunk: Uint8Array) => void;
  /** The clock timestamps are taken from. */
  readonly clock: Clock;
  /** Milliseconds since the Unix epoch at the clock's time 0 (default 0: timestamps start in 1970). */
  readonly epochMs?: number;
  /** Bytes kept of each frame (default 65535). */
  readonly snaplen?: number;
  /** The libpcap link type (default 1, Ethernet). */
  readonly linkType?: number;
}

const GLOBAL_HEADER_SIZE = 24;
const RECORD_HEADER_SIZE = 16;

/**
 * A libpcap capture writer.
 *
 * @public
 */
export class PcapWriter {
  readonly #sink: (chunk: Uint8Array) => void;
  readonly #clock: Clock;
  readonly #epochMs: number;
  readonly #snaplen: number;
  #records = 0;

  /**
   * Writes the file header to the sink.
   *
   * @throws RangeError if the snapshot length is not an integer from 1 to 262144.
   */
  constructor(options: PcapWriterOptions) {
    this.#sink = options.sink;
    this.#clock = options.clock;
    this.#epochMs = options.epochMs ?? 0;
    this.#snaplen = options.snaplen ?? 65535;
    if (!Number.isInteger(this.#snaplen) || this.#snaplen < 1 || this.#snaplen > 262144) {
      throw new RangeError(`invalid pcap snaplen ${this.#snaplen}: must be an integer from 1 to 262144`);
    }
    const header = new Uint8Array(GLOBAL_HEADER_SIZE);
    const view = new DataView(header.buffer);
    view.setUint32(0, 0xa1b2c3d4, true);
    view.setUint16(4, 2, true);
    view.setUint16(6, 4, true);
    view.setUint32(16, this.#snaplen, true);
    view.setUint32(20, options.linkType ?? 1, true);
    this.#sink(header);
  }

  /** Records one frame, stamped with the clock's current time. */
  record(frame: Uint8Array): void {
    const kept = Math.min(frame.length, this.#snaplen);
    const chunk = new Uint8Array(RECORD_HEADER_SIZE + kept);
    const view = new DataView(chunk.buffer);
    const ms = this.#epochMs + this.#clock.now();
    const seconds = Math.floor(ms / 1000);
    view.setUint32(0, seconds >>> 0, true);
    view.setUint32(4, Math.min(999_999, Math.floor((ms - seconds * 1000) * 1000)), true);
    view.setUint32(8, kept, true);
    view.setUint32(12, frame.length, true);
    chunk.set(frame.subarray(0, kept), RECORD_HEADER_SIZE);
    this.#records++;
    this.#sink(chunk);
  }

  /** The number of frames recorded. */
  get records(): number {
    return this.#records;
  }
}
