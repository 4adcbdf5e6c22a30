/**
 * Flow writes over a Node writable stream.
 *
 * @packageDocumentation
 */

import type { Writable } from "node:stream";

/**
 * Writes `buffers` in order and resolves once the stream has handed the last one to the operating
 * system, so the caller may reuse them; resolves with the stream's error, or with a `closed` marker
 * error if the stream was already ended or destroyed.
 */
export function writeBuffers(stream: Writable, buffers: readonly Uint8Array[]): Promise<Error | undefined> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve(new Error("stream closed"));
  const last = buffers.findLastIndex((buffer) => buffer.length > 0);
  if (last < 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    // Corked, the buffers leave in one vectored write (one TCP segment when they fit): written one
    // by one, Nagle's algorithm would hold the second until the peer's delayed ACK of the first.
    if (last > 0) stream.cork();
    for (let i = 0; i < last; i++) {
      const buffer = buffers[i] as Uint8Array;
      if (buffer.length > 0) stream.write(buffer);
    }
    stream.write(buffers[last] as Uint8Array, (error) => resolve(error ?? undefined));
    if (last > 0) stream.uncork();
  });
}
