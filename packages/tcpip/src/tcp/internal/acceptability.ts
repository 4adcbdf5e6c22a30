/**
 * The segment acceptability test of RFC 9293 §3.10.7.4: whether a segment's sequence numbers fall in
 * the receive window, so that it may be processed at all.
 *
 * @packageDocumentation
 */

import { seqDiff } from "./seq.js";

/**
 * Whether a segment starting at `seq` and taking `segLen` sequence numbers (text, SYN and FIN) is
 * acceptable for a receiver expecting `rcvNxt` with a window of `rcvWnd` bytes. The four cases of the
 * RFC's table, with one allowance: a segment starting exactly at RCV.NXT is always acceptable, so an
 * ACK (or the window probe carrying one byte) is processed even when the window is zero and its text
 * cannot be taken.
 */
export function segmentAcceptable(seq: number, segLen: number, rcvNxt: number, rcvWnd: number): boolean {
  const off = seqDiff(seq, rcvNxt);
  if (off === 0) return true;
  if (segLen === 0) return rcvWnd > 0 && off >= 0 && off < rcvWnd;
  if (rcvWnd === 0) return false;
  const endOff = off + segLen - 1;
  return (off >= 0 && off < rcvWnd) || (endOff >= 0 && endOff < rcvWnd);
}
