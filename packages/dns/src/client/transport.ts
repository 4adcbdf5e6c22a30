/**
 * One query to one name server over UDP (from a random source port) or TCP (RFC 7766 length
 * prefix), waiting for the response that matches it and nothing else.
 *
 * @packageDocumentation
 */

import type { Ipaddr, Stack } from "@mirage-ts/mirage-types";
import type { Clock } from "../clock.js";
import { DecodeErrorCounts } from "../wire/errors.js";
import { type Message, decodeMessage, encodeMessage } from "../wire/message.js";
import { LengthPrefixedReader, frame } from "../wire/tcp-framing.js";
import type { Nameserver } from "./nameserver.js";
import { type Mismatch, checkResponse } from "./outcome.js";

/** Counters the transports add to. */
export interface TransportCounters {
  readonly malformed: DecodeErrorCounts;
  mismatched: Record<Mismatch, number>;
}

/** Creates zeroed transport counters. */
export function transportCounters(): TransportCounters {
  return { malformed: new DecodeErrorCounts(), mismatched: { address: 0, id: 0, not_a_response: 0, question: 0 } };
}

/** Sends `query` over UDP from `srcPort` and resolves with the matching response, or undefined on timeout. */
export function udpExchange(
  stack: Stack,
  clock: Clock,
  server: Nameserver,
  query: Message,
  srcPort: number,
  timeoutMs: number,
  counters: TransportCounters,
): Promise<Message | undefined> {
  const udp = stack.udp();
  return new Promise((resolve) => {
    let done = false;
    const finish = (response: Message | undefined): void => {
      if (done) return;
      done = true;
      timer.cancel();
      udp.unlisten(srcPort);
      resolve(response);
    };
    const timer = clock.setTimer(timeoutMs, () => finish(undefined));
    udp.listen(srcPort, (src: Ipaddr, _dst: Ipaddr, port: number, payload: Uint8Array) => {
      const decoded = decodeMessage(payload);
      if (!decoded.ok) {
        counters.malformed.record(decoded.error);
        return;
      }
      const mismatch = checkResponse(query, server.address, server.port, decoded.value, src, port);
      if (mismatch !== undefined) {
        counters.mismatched[mismatch]++;
        return;
      }
      finish(decoded.value);
    });
    void udp.write(server.address, server.port, encodeMessage(query), { srcPort }).then((sent) => {
      // A send that fails (no route) is an attempt that got no answer: the timer moves on.
      if (!sent.ok) finish(undefined);
    });
  });
}

/** Sends `query` over a new TCP connection; resolves with the matching response, or undefined. */
export async function tcpExchange(
  stack: Stack,
  clock: Clock,
  server: Nameserver,
  query: Message,
  timeoutMs: number,
  counters: TransportCounters,
): Promise<Message | undefined> {
  let timedOut = false;
  let close: (() => Promise<void>) | undefined;
  const timer = clock.setTimer(timeoutMs, () => {
    timedOut = true;
    void close?.();
  });
  try {
    const connected = await stack.tcp().createConnection(server.address, server.port);
    if (!connected.ok || timedOut) {
      if (connected.ok) await connected.value.close();
      return undefined;
    }
    const flow = connected.value;
    close = () => flow.close();
    if (!(await flow.write(frame(encodeMessage(query)))).ok) return undefined;
    const reader = new LengthPrefixedReader();
    for (;;) {
      const read = await flow.read();
      if (!read.ok || read.value.kind === "eof" || timedOut) break;
      for (const message of reader.push(read.value.data)) {
        const decoded = decodeMessage(message);
        if (!decoded.ok) {
          counters.malformed.record(decoded.error);
          continue;
        }
        const mismatch = checkResponse(query, server.address, server.port, decoded.value, server.address, server.port);
        if (mismatch !== undefined) {
          counters.mismatched[mismatch]++;
          continue;
        }
        await flow.close();
        return decoded.value;
      }
    }
    await flow.close();
    return undefined;
  } finally {
    timer.cancel();
  }
}
