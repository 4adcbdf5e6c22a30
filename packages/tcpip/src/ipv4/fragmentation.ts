/**
 * Outgoing fragmentation (RFC 791 §3.2): how a datagram payload is split to fit a link MTU. Every
 * fragment but the last carries a multiple of 8 bytes, the unit of the fragment offset field.
 *
 * @packageDocumentation
 */

/**
 * One fragment of a datagram payload.
 *
 * @public
 */
export interface FragmentRange {
  /** Offset in the datagram payload, in bytes (a multiple of 8). */
  readonly offset: number;
  /** Payload bytes in this fragment. */
  readonly length: number;
  /** Whether more fragments follow (the MF flag). */
  readonly more: boolean;
}

/**
 * Splits a payload of `payloadLength` bytes, sent with headers of `headerLength` bytes, into fragments
 * that fit `mtu` (the largest IP packet the link carries). A payload that fits gives one range.
 *
 * @throws RangeError if the MTU leaves no room for 8 payload bytes after the header.
 * @public
 */
export function fragmentRanges(payloadLength: number, headerLength: number, mtu: number): FragmentRange[] {
  if (headerLength + payloadLength <= mtu) return [{ offset: 0, length: payloadLength, more: false }];
  const chunk = Math.floor((mtu - headerLength) / 8) * 8;
  if (chunk < 8)
    throw new RangeError(`an MTU of ${mtu} leaves no room to fragment after a ${headerLength}-byte header`);
  const ranges: FragmentRange[] = [];
  for (let offset = 0; offset < payloadLength; offset += chunk) {
    const length = Math.min(chunk, payloadLength - offset);
    ranges.push({ offset, length, more: offset + length < payloadLength });
  }
  return ranges;
}
