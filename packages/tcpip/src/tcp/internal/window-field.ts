/**
 * The window we advertise (RFC 9293 §3.8.6.2.2, RFC 7323 §2.3): what goes in a segment's window field
 * and how far that moves the right edge the peer may send up to. Pure functions of the receive buffer
 * and the last advertised edge.
 *
 * @packageDocumentation
 */

import { seqAdd, seqDiff, seqGt } from "./seq.js";

/** The largest value of the 16-bit window field. */
const MAX_FIELD = 65535;

/** The window the peer may still fill: from RCV.NXT to the remembered right edge, 0 if that is behind. */
export function advertisedWindow(rcvNxt: number, advEdge: number): number {
  return Math.max(0, seqDiff(advEdge, rcvNxt));
}

/** The least worthwhile opening of the window (RFC 9293 §3.8.6.2.2): min(capacity / 2, MSS). */
function swsThreshold(capacity: number, mss: number): number {
  return Math.min(capacity / 2, mss);
}

/**
 * The window field for a receiver with `space` free bytes in a buffer of `capacity` that advertised
 * `advertised` bytes so far (see {@link advertisedWindow}), with its window shift `shift` (0 when
 * scaling was not agreed). Receiver-side silly window avoidance: the edge moves forward only by at
 * least min(capacity / 2, `mss`); a smaller opening re-advertises the old edge. The field is capped
 * at 65535 and never offers more than `space`.
 */
export function windowField(space: number, capacity: number, mss: number, advertised: number, shift: number): number {
  const opening = space - advertised;
  const wnd = opening > 0 && opening < swsThreshold(capacity, mss) ? advertised : space;
  return Math.min(wnd >>> shift, MAX_FIELD);
}

/**
 * The right edge to remember once `field` went out with RCV.NXT `rcvNxt`: the edge it advertises, or
 * `advEdge` if that is further (the remembered edge never moves back).
 */
export function advertisedEdge(rcvNxt: number, field: number, shift: number, advEdge: number): number {
  const edge = seqAdd(rcvNxt, field << shift);
  return seqGt(edge, advEdge) ? edge : advEdge;
}

/**
 * Whether the application's read opened the window enough to tell the peer at once: the space the
 * field can express (at most 65535 << `shift`) is at least twice the `advertised` window and larger
 * by min(capacity / 2, `mss`), as Linux does. Smaller openings wait for the next ACK, so a reader
 * does not cost one ACK per read.
 */
export function windowUpdateDue(
  space: number,
  capacity: number,
  mss: number,
  advertised: number,
  shift: number,
): boolean {
  const expressible = Math.min(space, MAX_FIELD * 2 ** shift);
  return expressible >= 2 * advertised && expressible - advertised >= swsThreshold(capacity, mss);
}
