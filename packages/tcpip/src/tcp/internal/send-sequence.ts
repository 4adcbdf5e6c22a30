/**
 * A connection's send sequence space (RFC 9293 §3.3.1): SND.UNA, SND.NXT, SND.WND, SND.WL1, SND.WL2
 * and ISS, with what the sender keeps beside them: the largest window the peer offered, the peer's
 * window shift (RFC 7323's Snd.Wind.Shift), where our FIN sits, and the end of the last small segment
 * (Nagle).
 *
 * SND.NXT is the highest sequence number ever sent: retransmissions never move it back, they are
 * chosen by the loss recovery. The send buffer holds every byte from SND.UNA (from ISS+1 while the
 * SYN is unacknowledged); a FIN, once queued, sits at the end of the data.
 *
 * @packageDocumentation
 */

import { seqAdd, seqGt, seqLe, seqLt } from "./seq.js";

/** The send sequence variables of one connection. */
export interface SendSequence {
  /** ISS: our initial sequence number. */
  readonly iss: number;
  /** SND.UNA: the oldest sequence number not yet acknowledged. */
  una: number;
  /** SND.NXT: the sequence number after the highest one sent. */
  nxt: number;
  /** SND.WND in bytes (the field of the last window update, scaled). */
  wnd: number;
  /** SND.WL1: the sequence number of the segment that last set the window. */
  wl1: number;
  /** SND.WL2: the acknowledgment number of the segment that last set the window. */
  wl2: number;
  /** The largest window the peer offered (sender SWS avoidance, RFC 5961 §5.2's ACK check). */
  maxWnd: number;
  /** The peer's window shift, 0 unless window scaling was agreed. */
  shift: number;
  /** The application shut the write side: a FIN follows the data, at `finSeq`. */
  writeShut: boolean;
  /** Sequence number of our FIN (meaningful once `writeShut`). */
  finSeq: number;
  /** The end of the last segment smaller than the MSS (Nagle with Minshall's refinement). */
  smallEnd: number;
}

/** The send sequence space of a connection starting at `iss`, nothing sent. */
export function sendSequence(iss: number): SendSequence {
  return {
    iss,
    una: iss,
    nxt: iss,
    wnd: 0,
    wl1: 0,
    wl2: 0,
    maxWnd: 0,
    shift: 0,
    writeShut: false,
    finSeq: 0,
    smallEnd: iss,
  };
}

/** Sequence number of the first byte in the send buffer (ISS+1 until the SYN is acknowledged). */
export function bufferStart(snd: SendSequence): number {
  return seqGt(snd.una, snd.iss) ? snd.una : seqAdd(snd.iss, 1);
}

/** Sets SND.WND from a segment that synchronises the connection, with SND.WL1 and SND.WL2. */
export function setSendWindow(snd: SendSequence, wnd: number, wl1: number, wl2: number): void {
  snd.wnd = wnd;
  snd.wl1 = wl1;
  snd.wl2 = wl2;
}

/**
 * The window update of RFC 9293 §3.10.7.4: the (scaled) `window` of a segment at `seq` acknowledging
 * `ack` is taken unless the segment is older than the one that last set the window (SND.WL1/WL2).
 */
export function updateSendWindow(snd: SendSequence, seq: number, ack: number, window: number): void {
  if (seqLt(snd.wl1, seq) || (snd.wl1 === seq && seqLe(snd.wl2, ack))) {
    setSendWindow(snd, window, seq, ack);
    if (window > snd.maxWnd) snd.maxWnd = window;
  }
}
