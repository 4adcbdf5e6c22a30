/**
 * The segments a connection sends, built from its records: the SYN or SYN-ACK with the options we
 * offer, ordinary segments (ACK, window field, timestamps, SACK blocks, a range of the send buffer),
 * and the bare RST answering an unacceptable ACK. Every segment is checksummed (or left to the
 * device's offload) and handed to the connection's sink.
 *
 * @packageDocumentation
 */

import { TcpFlags, type TcpHeader } from "../segment.js";
import { ackSent } from "./ack-policy.js";
import { segmentChecksum } from "./checksum.js";
import { timestampAt } from "./negotiated-options.js";
import { partialChecksum } from "./segment-offload.js";
import { bufferStart } from "./send-sequence.js";
import { seqAdd, seqDiff } from "./seq.js";
import type { Tcb } from "./tcb.js";
import { advertisedEdge, advertisedWindow, windowField } from "./window-field.js";

const { SYN, RST, ACK } = TcpFlags;

/** The payload that fits one segment next to the options it will carry (SACK blocks take room). */
export function maxPayload<A>(tcb: Tcb<A>): number {
  const opts = tcb.opts;
  if (opts.sack && tcb.receiveBuffer.hasOutOfOrder) return opts.smss - 4 - 8 * (opts.timestamps ? 3 : 4);
  return opts.smss;
}

/** A pure ACK at SND.NXT. */
export function sendAck<A>(tcb: Tcb<A>): void {
  sendSegment(tcb, tcb.snd.nxt, ACK, 0);
}

/** A RST answering an unacceptable ACK: <SEQ=SEG.ACK><CTL=RST>. */
export function sendBareRst<A>(tcb: Tcb<A>, seq: number): void {
  const h = tcb.sink.txHeader;
  fillHeader(tcb, h, seq, RST, 0);
  h.window = 0;
  tcb.counters.resetsSent++;
  transmit(tcb, h, 0, 0);
}

/** Our SYN (`withAck` false) or SYN-ACK, with the options we offer; the window field is never scaled. */
export function sendSyn<A>(tcb: Tcb<A>, withAck: boolean): void {
  const h = tcb.sink.txHeader;
  const opts = tcb.opts;
  const rcv = tcb.rcv;
  fillHeader(tcb, h, tcb.snd.iss, withAck ? SYN | ACK : SYN, withAck ? rcv.nxt : 0);
  h.window = Math.min(tcb.receiveBuffer.space, 65535);
  h.mss = opts.ourMss;
  if (opts.offerWindowScale) h.windowScale = rcv.shift;
  if (opts.offerSack) h.sackPermitted = true;
  if (opts.offerTimestamps) {
    h.setTimestamp(timestampAt(opts, tcb.clock.now()), withAck ? opts.tsRecent : 0);
  }
  if (withAck) {
    rcv.advEdge = seqAdd(rcv.nxt, h.window);
    tcb.ack.lastAckSent = rcv.nxt;
  }
  transmit(tcb, h, 0, 0);
}

/**
 * An ordinary segment at `seq` with `flags`, carrying the `dataLen` bytes of the send buffer from
 * `seq`: the ACK (when flagged) of RCV.NXT, the window field, timestamps, SACK blocks.
 */
export function sendSegment<A>(tcb: Tcb<A>, seq: number, flags: number, dataLen: number): void {
  const h = tcb.sink.txHeader;
  const opts = tcb.opts;
  const rcv = tcb.rcv;
  const buffer = tcb.receiveBuffer;
  const hasAck = (flags & ACK) !== 0;
  fillHeader(tcb, h, seq, flags, hasAck ? rcv.nxt : 0);
  const shift = opts.windowScale ? rcv.shift : 0;
  const advertised = advertisedWindow(rcv.nxt, rcv.advEdge);
  const field = windowField(buffer.space, buffer.capacity, opts.ourMss, advertised, shift);
  rcv.advEdge = advertisedEdge(rcv.nxt, field, shift, rcv.advEdge);
  h.window = field;
  if (opts.timestamps) {
    h.setTimestamp(timestampAt(opts, tcb.clock.now()), opts.tsRecent);
  }
  if (hasAck && opts.sack && buffer.hasOutOfOrder) {
    h.sackCount = buffer.sackBlocks(h.sackBlocks, opts.timestamps ? 3 : 4);
  }
  transmit(tcb, h, dataLen > 0 ? seqDiff(seq, bufferStart(tcb.snd)) : 0, dataLen);
  if (hasAck) ackSent(tcb.ack, rcv.nxt);
}

function fillHeader<A>(tcb: Tcb<A>, h: TcpHeader, seq: number, flags: number, ack: number): void {
  h.srcPort = tcb.localPort;
  h.dstPort = tcb.remotePort;
  h.seq = seq >>> 0;
  h.ack = ack >>> 0;
  h.flags = flags;
  h.urgent = 0;
  h.clearOptions();
}

function transmit<A>(tcb: Tcb<A>, h: TcpHeader, dataOffset: number, dataLen: number): void {
  const headerLength = h.encodedLength();
  const header = new Uint8Array(headerLength);
  h.encode(header);
  const parts = [header];
  if (dataLen > 0) tcb.sendBuffer.views(dataOffset, dataLen, parts);
  const offload = tcb.offload;
  const checksum = offload.partialChecksum
    ? partialChecksum(tcb.pseudoSum, headerLength + dataLen)
    : segmentChecksum(parts, tcb.pseudoSum, headerLength + dataLen);
  header[16] = checksum >>> 8;
  header[17] = checksum & 0xff;
  tcb.counters.segmentsOut++;
  tcb.sink.transmit(tcb.remote, parts, offload.options(dataLen, maxPayload(tcb)));
}
