/**
 * `pcapPackets`: the frames of a libpcap capture (a host's `pcap()`), each decoded as far as the
 * simulator's assertions need: Ethernet, IPv4, and TCP or UDP ports, flags and payload length.
 * Decoding never throws: a record or header that is short or malformed ends the capture or leaves
 * the layers it lacks `undefined`.
 *
 * @packageDocumentation
 */

/**
 * TCP flags of a packet.
 *
 * @beta
 */
export interface TcpFlags {
  readonly syn: boolean;
  readonly ack: boolean;
  readonly fin: boolean;
  readonly rst: boolean;
  readonly psh: boolean;
}

/**
 * One captured frame.
 *
 * @beta
 */
export interface PcapPacket {
  /** Its index in the capture, from 0. */
  readonly index: number;
  /** Wall-clock time of the capture in ms since the Unix epoch (microsecond precision). */
  readonly timeMs: number;
  /** The frame's bytes as captured. */
  readonly frame: Uint8Array;
  /** The EtherType. */
  readonly etherType: number | undefined;
  /** The IPv4 header's fields, for IPv4 frames. */
  readonly ipv4: { readonly src: string; readonly dst: string; readonly protocol: number } | undefined;
  /** The TCP header's fields, for TCP over IPv4. */
  readonly tcp:
    | {
        readonly srcPort: number;
        readonly dstPort: number;
        readonly seq: number;
        readonly flags: TcpFlags;
        readonly payloadLength: number;
      }
    | undefined;
  /** The UDP header's fields, for UDP over IPv4. */
  readonly udp: { readonly srcPort: number; readonly dstPort: number; readonly payloadLength: number } | undefined;
}

const MAGIC = 0xa1b2c3d4;

/**
 * The packets of a libpcap file (microsecond timestamps, either byte order, Ethernet frames).
 *
 * @throws Error when `pcap` does not start with a libpcap header.
 * @beta
 */
export function pcapPackets(pcap: Uint8Array): PcapPacket[] {
  const view = new DataView(pcap.buffer, pcap.byteOffset, pcap.length);
  if (pcap.length < 24) throw new Error(`not a pcap file: ${pcap.length} bytes, shorter than its 24-byte header`);
  const little = view.getUint32(0, true) === MAGIC;
  if (!little && view.getUint32(0, false) !== MAGIC) {
    throw new Error(`not a microsecond libpcap file: magic 0x${view.getUint32(0, true).toString(16)}`);
  }
  const packets: PcapPacket[] = [];
  for (let at = 24; at + 16 <= pcap.length; ) {
    const seconds = view.getUint32(at, little);
    const micros = view.getUint32(at + 4, little);
    const kept = view.getUint32(at + 8, little);
    if (at + 16 + kept > pcap.length) break;
    const frame = pcap.subarray(at + 16, at + 16 + kept);
    packets.push(decode(packets.length, seconds * 1000 + micros / 1000, frame));
    at += 16 + kept;
  }
  return packets;
}

function decode(index: number, timeMs: number, frame: Uint8Array): PcapPacket {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  const none = { index, timeMs, frame, etherType: undefined, ipv4: undefined, tcp: undefined, udp: undefined };
  if (frame.length < 14) return none;
  const etherType = view.getUint16(12);
  const ihl = frame.length >= 34 ? (frame[14]! & 0x0f) * 4 : 0;
  if (etherType !== 0x0800 || frame[14]! >> 4 !== 4 || ihl < 20 || frame.length < 14 + ihl)
    return { ...none, etherType };
  const total = Math.min(view.getUint16(16), frame.length - 14);
  const protocol = frame[23]!;
  const ipv4 = { src: dotted(frame, 26), dst: dotted(frame, 30), protocol };
  const l4 = 14 + ihl;
  const end = 14 + total;
  if (protocol === 6 && end >= l4 + 20) {
    const offset = (frame[l4 + 12]! >> 4) * 4;
    const bits = frame[l4 + 13]!;
    const flags = { fin: !!(bits & 1), syn: !!(bits & 2), rst: !!(bits & 4), psh: !!(bits & 8), ack: !!(bits & 16) };
    const tcp = {
      srcPort: view.getUint16(l4),
      dstPort: view.getUint16(l4 + 2),
      seq: view.getUint32(l4 + 4),
      flags,
      payloadLength: Math.max(0, end - l4 - offset),
    };
    return { ...none, etherType, ipv4, tcp };
  }
  if (protocol === 17 && end >= l4 + 8) {
    const udp = { srcPort: view.getUint16(l4), dstPort: view.getUint16(l4 + 2), payloadLength: end - l4 - 8 };
    return { ...none, etherType, ipv4, udp };
  }
  return { ...none, etherType, ipv4 };
}

function dotted(frame: Uint8Array, at: number): string {
  return `${frame[at]}.${frame[at + 1]}.${frame[at + 2]}.${frame[at + 3]}`;
}
