/**
 * What the switch accepts as an Ethernet frame: a header and at most the largest frame, from a
 * unicast source address (a multicast or broadcast source is never a real station, and learning it
 * would poison the table).
 *
 * @packageDocumentation
 */

/** The Ethernet header: destination, source, ethertype. */
export const HEADER_BYTES = 14;

/** Why a frame was refused, or `undefined` when it is acceptable. */
export function frameProblem(frame: Uint8Array, maxFrameBytes: number): string | undefined {
  if (frame.length < HEADER_BYTES) return `${frame.length} bytes, shorter than an Ethernet header`;
  if (frame.length > maxFrameBytes) return `${frame.length} bytes, longer than ${maxFrameBytes}`;
  if ((frame[6]! & 1) !== 0) return "a multicast or broadcast source address";
  return undefined;
}

/** The 48-bit address at `offset` as a number (a map key). */
export function macAt(frame: Uint8Array, offset: number): number {
  let mac = 0;
  for (let i = 0; i < 6; i++) mac = mac * 256 + frame[offset + i]!;
  return mac;
}

/** Whether the destination is a group address (broadcast or multicast): flooded. */
export function isGroupDestination(frame: Uint8Array): boolean {
  return (frame[0]! & 1) !== 0;
}
